"""The plan printer's forms for nodes the scenarios rarely produce."""

from textwrap import dedent

from graphql import parse

from router.plan.nodes import ConditionNode, FetchNode, QueryPlan
from router.plan.printer import print_plan, print_plan_compact
from router.plan.selection import Field
from router.planner.normalize import normalize_operation


def plan_of(node: ConditionNode | FetchNode | None) -> QueryPlan:
    return QueryPlan(normalize_operation(parse("{ a }"), None, {"query": "Query"}), node)


def fetch(service: str) -> FetchNode:
    return FetchNode(service, "query", (Field("a"),), "query { a }")


def test_empty_plan() -> None:
    assert print_plan(plan_of(None)) == "QueryPlan {\n}"


def test_condition_with_both_branches() -> None:
    plan = plan_of(ConditionNode("flag", fetch("yes"), fetch("no")))
    assert print_plan(plan) == dedent("""\
        QueryPlan {
          Condition(if: $flag) {
            Then {
              Fetch(service: "yes") {
                {
                  a
                }
              },
            }
            Else {
              Fetch(service: "no") {
                {
                  a
                }
              },
            }
          },
        }""")


def test_compact_form_is_one_line() -> None:
    assert print_plan_compact(plan_of(fetch("x"))) == 'QueryPlan { Fetch(service: "x") { { a } }, }'
