"""Planner scenarios where one response key would carry two subgraph types: aliased apart in the fetch."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.mismatch import MISMATCH


def test_same_field_typed_differently_per_implementation_is_aliased() -> None:
    query = "{ accounts { id ... on User { name } } }"
    assert plan_text(MISMATCH, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              accounts {
                __typename
                ... on User {
                  id
                  name
                }
                ... on Admin {
                  id__alias_1: id
                }
              }
            }
          },
        }""")


def test_fields_under_a_shared_key_without_conflicts_stay_unaliased() -> None:
    query = """
        { accounts { ... on User { friends { id } } ... on Admin { id friends { name } } } }
    """
    assert plan_text(MISMATCH, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              accounts {
                __typename
                ... on User {
                  friends {
                    id
                  }
                }
                ... on Admin {
                  id
                  friends {
                    name
                  }
                }
              }
            }
          },
        }""")


def test_fields_of_one_type_are_not_aliased() -> None:
    query = "{ accounts { ... on User { id name } } }"
    assert plan_text(MISMATCH, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              accounts {
                __typename
                ... on User {
                  id
                  name
                }
              }
            }
          },
        }""")


def test_aliased_key_still_feeds_the_entity_fetch() -> None:
    query = "{ accounts { id ... on Admin { level } } }"
    assert plan_text(MISMATCH, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                accounts {
                  __typename
                  ... on User {
                    id
                  }
                  ... on Admin {
                    id__alias_1: id
                    __typename
                  }
                }
              }
            },
            Flatten(path: "accounts.@") {
              Fetch(service: "b") {
                {
                  ... on Admin {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Admin {
                    level
                  }
                }
              },
            },
          },
        }""")
