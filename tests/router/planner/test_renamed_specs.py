"""Planner scenarios over a supergraph importing join v0.5 under another name (as j)."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.federation1 import RENAMED_JOIN


def test_renamed_join_directives_are_understood() -> None:
    query = "{ thing { one two } }"
    assert plan_text(RENAMED_JOIN, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "one") {
              {
                thing {
                  one
                  __typename
                  id
                }
              }
            },
            Flatten(path: "thing") {
              Fetch(service: "two") {
                {
                  ... on Thing {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Thing {
                    two
                  }
                }
              },
            },
          },
        }""")
