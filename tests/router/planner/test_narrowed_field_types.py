"""Planner scenarios for fields whose type a subgraph narrows (`@join__field(type:)`): select against it.

`book` is `Book` in `a` and `Media` in `b`. A fetch to `a` carries no fragment on another member (`a`
would reject the operation), yet still selects `__typename` so the response is shaped as `Media`.
"""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.union_members import NARROWED_IN_ENTITY, UNION_MEMBERS


def test_a_root_field_narrowed_to_an_object_drops_fragments_on_other_members() -> None:
    query = "{ book { ... on Song { title } ... on Book { title } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              book {
                __typename
                title
              }
            }
          },
        }""")


def test_a_nested_field_narrowed_to_an_object_drops_fragments_on_other_members() -> None:
    query = "{ viewer { book { ... on Song { title } ... on Book { aTitle } } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              viewer {
                book {
                  __typename
                  aTitle
                }
              }
            }
          },
        }""")


def test_a_member_only_the_wider_subgraph_has_sends_the_field_there() -> None:
    query = "{ book { __typename ... on Movie { title } } }"
    assert plan_text(UNION_MEMBERS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              book {
                __typename
                ... on Movie {
                  __typename
                  title
                }
              }
            }
          },
        }""")


def test_a_field_narrowed_in_the_target_of_an_entity_fetch_drops_foreign_fragments() -> None:
    query = "{ movies { poster { ... on Song { title } ... on Book { pages } } } }"
    assert plan_text(NARROWED_IN_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                movies {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "movies.@") {
              Fetch(service: "a") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    poster {
                      __typename
                      pages
                    }
                  }
                }
              },
            },
          },
        }""")


def test_a_subgraph_whose_narrowed_type_excludes_the_selected_member_is_not_chosen() -> None:
    query = "{ movies { poster { ... on Song { title } ... on Book { title } } } }"
    assert plan_text(NARROWED_IN_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                movies {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "movies.@") {
              Fetch(service: "c") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    poster {
                      __typename
                      ... on Book {
                        title
                      }
                      ... on Song {
                        title
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_a_field_narrowed_in_the_target_of_an_entity_fetch_is_selected_against_its_type() -> None:
    query = "{ movies { poster { ... on Book { title } } } }"
    assert plan_text(NARROWED_IN_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                movies {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "movies.@") {
              Fetch(service: "a") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    poster {
                      __typename
                      title
                    }
                  }
                }
              },
            },
          },
        }""")
