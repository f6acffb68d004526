"""Planner scenarios for shareable roots returning value types only one subgraph can complete."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.shareable import UNREACHABLE_FROM_ONE_SIDE


def test_value_type_root_goes_where_all_its_fields_are() -> None:
    query = "{ stats { views detail { note } } }"
    assert plan_text(UNREACHABLE_FROM_ONE_SIDE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              stats {
                views
                detail {
                  note
                }
              }
            }
          },
        }""")


def test_value_type_root_with_shared_fields_only_uses_the_first_subgraph() -> None:
    query = "{ stats { views } }"
    assert plan_text(UNREACHABLE_FROM_ONE_SIDE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              stats {
                views
              }
            }
          },
        }""")
