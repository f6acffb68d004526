"""Planner scenarios mixing @override with @requires, @requires on implementations, root @provides."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.mixed import MIXED


def test_overridden_field_comes_from_its_new_subgraph() -> None:
    query = "{ feed { title body } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  id
                  body
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    title
                  }
                }
              },
            },
          },
        }""")


def test_requires_of_a_field_overridden_elsewhere() -> None:
    query = "{ feed { readingTime } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "c") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    words
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                    words
                  }
                } =>
                {
                  ... on Post {
                    readingTime
                  }
                }
              },
            },
          },
        }""")


def test_requires_and_override_together() -> None:
    query = "{ feed { title readingTime words } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "c") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    words
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                    words
                  }
                } =>
                {
                  ... on Post {
                    readingTime
                    title
                  }
                }
              },
            },
          },
        }""")


def test_provides_on_a_root_field() -> None:
    query = "{ featured { title author { name } } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                featured {
                  __typename
                  id
                  author {
                    name
                  }
                }
              }
            },
            Flatten(path: "featured") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    title
                  }
                }
              },
            },
          },
        }""")


def test_provides_on_a_root_field_does_not_cover_other_fields() -> None:
    query = "{ featured { author { name bio } } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                featured {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "featured") {
              Fetch(service: "a") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    author {
                      name
                      bio
                    }
                  }
                }
              },
            },
          },
        }""")


def test_requires_on_each_implementation_of_an_interface() -> None:
    query = "{ shelf { items { id ... on Pen { tax } ... on Ink { tax } } } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                shelf {
                  items {
                    __typename
                    ... on Pen {
                      id
                      __typename
                      price
                    }
                    ... on Ink {
                      id
                      __typename
                      price
                    }
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "b") {
                {
                  ... on Pen {
                    __typename
                    id
                    price
                  }
                  ... on Ink {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Pen {
                    tax
                  }
                  ... on Ink {
                    tax
                  }
                }
              },
            },
          },
        }""")


def test_requires_on_one_implementation_only() -> None:
    query = "{ shelf { items { ... on Pen { color tax } ... on Ink { price } } } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                shelf {
                  items {
                    __typename
                    ... on Pen {
                      color
                      __typename
                      id
                      price
                    }
                    ... on Ink {
                      price
                    }
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "b") {
                {
                  ... on Pen {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Pen {
                    tax
                  }
                }
              },
            },
          },
        }""")


def test_interface_field_resolvable_everywhere_stays_abstract() -> None:
    query = "{ shelf { best { id price } } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "c") {
            {
              shelf {
                best {
                  id
                  price
                }
              }
            }
          },
        }""")


def test_shared_root_field_prefers_the_subgraph_with_most_fields() -> None:
    query = "{ shared { title readingTime } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                shared {
                  title
                  __typename
                  id
                }
              }
            },
            Flatten(path: "shared") {
              Fetch(service: "c") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    words
                  }
                }
              },
            },
            Flatten(path: "shared") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                    words
                  }
                } =>
                {
                  ... on Post {
                    readingTime
                  }
                }
              },
            },
          },
        }""")


def test_shared_root_field_next_to_a_root_field_of_one_subgraph() -> None:
    query = "{ shared { id } feed { id } }"
    assert plan_text(MIXED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              shared {
                id
              }
              feed {
                id
              }
            }
          },
        }""")
