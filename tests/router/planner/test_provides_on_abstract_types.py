"""Planner scenarios for @provides on fields returning an interface or a union."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.provides_abstract import PROVIDES_ABSTRACT


def test_provides_on_an_interface_field_serves_the_interface_field() -> None:
    query = "{ featuredMedia { id title } }"
    assert plan_text(PROVIDES_ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              featuredMedia {
                id
                title
              }
            }
          },
        }""")


def test_provides_on_an_interface_with_a_field_only_the_owner_has() -> None:
    query = "{ featuredMedia { title ... on Book { pages } } }"
    assert plan_text(PROVIDES_ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                featuredMedia {
                  __typename
                  ... on Book {
                    title
                    __typename
                    id
                  }
                  ... on Movie {
                    title
                  }
                }
              }
            },
            Flatten(path: "featuredMedia.@") {
              Fetch(service: "a") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    pages
                  }
                }
              },
            },
          },
        }""")


def test_provides_on_a_union_serves_each_member() -> None:
    query = "{ featuredResults { ... on Book { title } ... on Movie { title } } }"
    assert plan_text(PROVIDES_ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              featuredResults {
                __typename
                ... on Book {
                  title
                }
                ... on Movie {
                  title
                }
              }
            }
          },
        }""")


def test_provides_on_a_union_does_not_serve_unprovided_fields() -> None:
    query = "{ featuredResults { ... on Movie { title minutes } } }"
    assert plan_text(PROVIDES_ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                featuredResults {
                  __typename
                  ... on Movie {
                    title
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "featuredResults.@") {
              Fetch(service: "a") {
                {
                  ... on Movie {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Movie {
                    minutes
                  }
                }
              },
            },
          },
        }""")


def test_same_fields_without_provides_come_from_the_owner() -> None:
    query = "{ catalog { title } }"
    assert plan_text(PROVIDES_ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              catalog {
                title
              }
            }
          },
        }""")
