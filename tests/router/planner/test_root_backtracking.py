"""Planner scenario where the cheapest-looking root subgraph cannot reach a field: the next one is used."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.shareable import ROOT_DEAD_END


def test_root_field_falls_back_to_a_subgraph_that_can_complete_it() -> None:
    query = "{ order { note total } }"
    assert plan_text(ROOT_DEAD_END, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                order {
                  __typename
                  id
                  total
                }
              }
            },
            Flatten(path: "order") {
              Fetch(service: "a") {
                {
                  ... on Order {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Order {
                    note
                  }
                }
              },
            },
          },
        }""")
