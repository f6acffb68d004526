"""Planner scenarios for shareable fields returning a union whose members differ between subgraphs.

The subgraph that answers is asked only for the members it defines: fragments on other members are left
out of its fetch and stay absent from the result, never filled from another subgraph. Among subgraphs
that could answer, the one defining the selected members is preferred (docs/router.md, "Union members").
"""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.union_members import UNION_MEMBERS


def test_a_shareable_union_field_goes_to_the_subgraph_defining_the_selected_member() -> None:
    query = "{ media { ... on Movie { title } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              media {
                __typename
                ... on Movie {
                  title
                }
              }
            }
          },
        }""")


def test_between_equal_subgraphs_the_supergraph_order_decides() -> None:
    query = "{ media { ... on Song { title } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              media {
                __typename
                ... on Song {
                  title
                }
              }
            }
          },
        }""")


def test_a_member_the_only_subgraph_lacks_is_left_out_not_filled_elsewhere() -> None:
    query = "{ aMedia { ... on Movie { title } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              aMedia {
                __typename
              }
            }
          },
        }""")


def test_fields_of_a_known_member_still_come_from_other_subgraphs() -> None:
    query = "{ aMedia { ... on Book { title aTitle bTitle } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                aMedia {
                  __typename
                  ... on Book {
                    title
                    aTitle
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "aMedia") {
              Fetch(service: "b") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    bTitle
                  }
                }
              },
            },
          },
        }""")


def test_each_subgraph_answers_only_for_the_members_it_defines() -> None:
    query = "{ viewer { aMedia { ... on Movie { title } } bMedia { ... on Movie { title } } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "b") {
              {
                viewer {
                  bMedia {
                    __typename
                    ... on Movie {
                      title
                    }
                  }
                }
              }
            },
            Fetch(service: "a") {
              {
                viewer {
                  aMedia {
                    __typename
                  }
                }
              }
            },
          },
        }""")
