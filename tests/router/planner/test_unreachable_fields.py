"""Planner scenarios for fields no route reaches: planning fails naming the field, nothing is dropped."""

from textwrap import dedent

import pytest

from router.errors import PlanningError
from tests.router.planning import build_plan, plan_text
from tests.router.supergraphs.interface_object_only import INTERFACE_OBJECT_ONLY


def test_a_field_only_on_a_non_resolvable_interface_object_fails_to_plan() -> None:
    with pytest.raises(PlanningError, match=r"Bread\.oven"):
        build_plan(INTERFACE_OBJECT_ONLY, "{ breads { flour oven } }")


def test_a_field_of_an_interface_without_implementations_in_the_subgraph_fails_to_plan() -> None:
    with pytest.raises(PlanningError, match=r"Node\.field"):
        build_plan(INTERFACE_OBJECT_ONLY, "{ a { id field } }")


def test_the_interface_object_answers_its_own_root_field() -> None:
    query = "{ b { id field } }"
    assert plan_text(INTERFACE_OBJECT_ONLY, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              b {
                id
                field
              }
            }
          },
        }""")


def test_interface_fields_the_subgraph_has_are_fetched_on_the_interface() -> None:
    query = "{ a { id } }"
    assert plan_text(INTERFACE_OBJECT_ONLY, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              a {
                id
              }
            }
          },
        }""")


def test_fields_beside_an_unreachable_one_plan_normally() -> None:
    query = "{ breads { id flour } }"
    assert plan_text(INTERFACE_OBJECT_ONLY, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              breads {
                id
                flour
              }
            }
          },
        }""")


def test_the_concrete_type_of_an_interface_object_no_owner_implements_fails_to_plan() -> None:
    with pytest.raises(PlanningError, match=r"Node\.__typename"):
        build_plan(INTERFACE_OBJECT_ONLY, "{ b { __typename } }")
