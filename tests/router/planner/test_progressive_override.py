"""Planner scenarios for progressive @override (overrideLabel): the labels in force are an input of
planning; `percent(100)` is always in force, any other label only when the caller says so."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.progressive import PROGRESSIVE
from tests.router.supergraphs.shareable import PROGRESSIVE_OVERRIDE


def test_labelled_override_below_100_percent_keeps_the_original_subgraph() -> None:
    query = "{ item { label } }"
    assert plan_text(PROGRESSIVE_OVERRIDE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              item {
                label
              }
            }
          },
        }""")


def test_override_at_100_percent_moves_the_field() -> None:
    query = "{ item { code } }"
    assert plan_text(PROGRESSIVE_OVERRIDE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    code
                  }
                }
              },
            },
          },
        }""")


TO_MODERN = dedent("""\
    QueryPlan {
      Sequence {
        Fetch(service: "legacy") {
          {
            item {
              __typename
              id
            }
          }
        },
        Flatten(path: "item") {
          Fetch(service: "modern") {
            {
              ... on Item {
                __typename
                id
              }
            } =>
            {
              ... on Item {
                FIELD
              }
            }
          },
        },
      },
    }""")


def test_percent_label_in_force_moves_the_field_to_the_overriding_subgraph() -> None:
    plan = plan_text(PROGRESSIVE, "{ item { price } }", override_labels=frozenset({"percent(25)"}))
    assert plan == TO_MODERN.replace("FIELD", "price")


def test_custom_label_in_force_moves_the_field_to_the_overriding_subgraph() -> None:
    plan = plan_text(PROGRESSIVE, "{ item { stock } }", override_labels=frozenset({"new-stock"}))
    assert plan == TO_MODERN.replace("FIELD", "stock")


def test_another_label_in_force_leaves_the_field_where_it_was() -> None:
    plan = plan_text(PROGRESSIVE, "{ item { stock } }", override_labels=frozenset({"percent(25)"}))
    assert plan == dedent("""\
        QueryPlan {
          Fetch(service: "legacy") {
            {
              item {
                stock
              }
            }
          },
        }""")


def test_label_out_of_force_keeps_the_overriding_subgraph_from_resolving_the_field() -> None:
    assert plan_text(PROGRESSIVE, "{ featured { price } }") == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "modern") {
              {
                featured {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "featured") {
              Fetch(service: "legacy") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    price
                  }
                }
              },
            },
          },
        }""")


def test_label_in_force_lets_the_overriding_subgraph_answer_alone() -> None:
    plan = plan_text(PROGRESSIVE, "{ featured { price } }", override_labels=frozenset({"percent(25)"}))
    assert plan == dedent("""\
        QueryPlan {
          Fetch(service: "modern") {
            {
              featured {
                price
              }
            }
          },
        }""")
