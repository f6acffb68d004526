"""Planner scenarios for a shareable root field returning a value type whose fields live in several subgraphs."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.shareable import SHARED_ROOT


def test_shared_root_is_asked_of_every_subgraph_holding_a_field() -> None:
    query = "{ product { id name category price } }"
    assert plan_text(SHARED_ROOT, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                product {
                  id
                  name
                }
              }
            },
            Fetch(service: "b") {
              {
                product {
                  category
                }
              }
            },
            Fetch(service: "c") {
              {
                product {
                  price
                }
              }
            },
          },
        }""")


def test_shared_root_asked_of_one_subgraph_when_it_has_everything() -> None:
    query = "{ product { id category } }"
    assert plan_text(SHARED_ROOT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              product {
                id
                category
              }
            }
          },
        }""")


def test_shared_list_root_with_aliases_and_arguments_replayed() -> None:
    query = "{ all: products { n: name p: price } }"
    assert plan_text(SHARED_ROOT, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                all: products {
                  n: name
                }
              }
            },
            Fetch(service: "c") {
              {
                all: products {
                  p: price
                }
              }
            },
          },
        }""")
