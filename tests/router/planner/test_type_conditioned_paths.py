"""Type-conditioned Flatten paths (`media.@|[Book].author`): only where other members' objects would
otherwise be sent to a fetch they do not need."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.type_conditions import TYPE_CONDITIONS


def test_an_entity_fetch_below_one_member_is_conditioned_when_another_member_uses_the_same_key() -> None:
    query = "{ media { ... on Book { author { bio } } ... on Movie { author { __typename id name } } } }"
    assert plan_text(TYPE_CONDITIONS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... on Book {
                    author {
                      __typename
                      id
                    }
                  }
                  ... on Movie {
                    author {
                      __typename
                      id
                      name
                    }
                  }
                }
              }
            },
            Flatten(path: "media.@|[Book].author") {
              Fetch(service: "people") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    bio
                  }
                }
              },
            },
          },
        }""")


def test_no_condition_is_printed_when_no_other_member_selects_the_key() -> None:
    query = "{ media { ... on Book { author { bio } } ... on Movie { title } } }"
    assert plan_text(TYPE_CONDITIONS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... on Book {
                    author {
                      __typename
                      id
                    }
                  }
                  ... on Movie {
                    title
                  }
                }
              }
            },
            Flatten(path: "media.@.author") {
              Fetch(service: "people") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    bio
                  }
                }
              },
            },
          },
        }""")


def test_members_that_all_need_the_fetch_share_it_unconditioned() -> None:
    query = "{ media { ... on Book { author { bio } } ... on Movie { author { bio } } } }"
    assert plan_text(TYPE_CONDITIONS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... on Book {
                    author {
                      __typename
                      id
                    }
                  }
                  ... on Movie {
                    author {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "media.@.author") {
              Fetch(service: "people") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    bio
                  }
                }
              },
            },
          },
        }""")
