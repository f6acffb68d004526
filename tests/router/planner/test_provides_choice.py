"""Plan cost counts what `@provides` saves: fetches first, then how many wait in turn, then fields."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.provides_choice import PROVIDES_CHOICE


def test_a_parallel_root_fetch_with_provides_beats_a_jump_from_a_subgraph_queried_anyway() -> None:
    query = "{ me { id } reviews { body author { name } } }"
    assert plan_text(PROVIDES_CHOICE, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                me {
                  id
                }
              }
            },
            Fetch(service: "b") {
              {
                reviews {
                  body
                  author {
                    name
                  }
                }
              }
            },
          },
        }""")


def test_an_entity_jump_prefers_the_subgraph_that_provides_over_supergraph_order() -> None:
    query = "{ posts { reviews { body author { name } } } }"
    assert plan_text(PROVIDES_CHOICE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "u") {
              {
                posts {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "posts.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    reviews {
                      body
                      author {
                        name
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_provides_loses_when_the_jump_is_needed_anyway() -> None:
    query = "{ me { id } reviews { author { name email } } }"
    assert plan_text(PROVIDES_CHOICE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                me {
                  id
                }
                reviews {
                  author {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "reviews.@.author") {
              Fetch(service: "u") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                    email
                  }
                }
              },
            },
          },
        }""")
