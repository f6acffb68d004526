"""Planner scenarios for progressive @override (overrideLabel): only percent(100) moves the field."""

from textwrap import dedent

from tests.router.planning import plan_text
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
