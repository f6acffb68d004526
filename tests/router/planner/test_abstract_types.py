"""Planner scenarios for interfaces, unions, @interfaceObject and type conditions across subgraphs."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.abstract import ABSTRACT


def test_interface_fields_local_to_one_subgraph_stay_on_the_interface() -> None:
    query = "{ library { id title } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "media") {
            {
              library {
                id
                title
              }
            }
          },
        }""")


def test_typename_on_an_interface_stays_on_the_interface() -> None:
    query = "{ library { __typename title } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "media") {
            {
              library {
                __typename
                title
              }
            }
          },
        }""")


def test_type_conditions_expand_to_the_possible_types() -> None:
    query = "{ library { title ... on Book { pages } ... on Movie { minutes } } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                library {
                  __typename
                  ... on Book {
                    title
                    __typename
                    id
                  }
                  ... on Movie {
                    title
                    minutes
                  }
                }
              }
            },
            Flatten(path: "library.@") {
              Fetch(service: "books") {
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


def test_fragment_on_one_member_only() -> None:
    query = "{ library { ... on Movie { minutes } } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "media") {
            {
              library {
                __typename
                ... on Movie {
                  minutes
                }
              }
            }
          },
        }""")


def test_interface_object_field_is_fetched_with_the_interface_as_input() -> None:
    query = "{ library { stars } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                library {
                  __typename
                  ... on Book {
                    __typename
                    id
                  }
                  ... on Movie {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "library.@") {
              Fetch(service: "ratings") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    stars
                  }
                }
              },
            },
          },
        }""")


def test_interface_object_field_from_a_concrete_type() -> None:
    query = "{ bestsellers { title stars } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "books") {
              {
                bestsellers {
                  __typename
                  id
                }
              }
            },
            Parallel {
              Flatten(path: "bestsellers.@") {
                Fetch(service: "media") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      title
                    }
                  }
                },
              },
              Flatten(path: "bestsellers.@") {
                Fetch(service: "ratings") {
                  {
                    ... on Media {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Media {
                      stars
                    }
                  }
                },
              },
            },
          },
        }""")


def test_union_members_resolved_by_different_subgraphs() -> None:
    query = """
        { search(text: "x") { __typename ... on Book { title pages } ... on Author { bio books { title } } } }
    """
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                search(text: "x") {
                  __typename
                  ... on Book {
                    __typename
                    title
                    id
                  }
                  ... on Author {
                    __typename
                    bio
                    name
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "books") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                  ... on Author {
                    __typename
                    name
                  }
                } =>
                {
                  ... on Book {
                    pages
                  }
                  ... on Author {
                    books {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "search.@.books.@") {
              Fetch(service: "media") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    title
                  }
                }
              },
            },
          },
        }""")


def test_union_with_only_typename_needs_one_fetch() -> None:
    query = '{ search(text: "x") { __typename } }'
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "media") {
            {
              search(text: "x") {
                __typename
              }
            }
          },
        }""")


def test_fragment_on_an_interface_inside_a_union() -> None:
    query = '{ search(text: "x") { ... on Media { title } } }'
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "media") {
            {
              search(text: "x") {
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


def test_interface_returned_by_a_root_field_with_fragments_on_another_interface() -> None:
    query = '{ node(id: "1") { id ... on Media { title stars } } }'
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                node(id: "1") {
                  __typename
                  ... on Book {
                    id
                    title
                    __typename
                  }
                  ... on Movie {
                    id
                    title
                    __typename
                  }
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "ratings") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    stars
                  }
                }
              },
            },
          },
        }""")


def test_named_fragment_on_an_interface() -> None:
    query = """
        { library { ...M } }
        fragment M on Media { title ... on Book { author { name books { pages } } } }
    """
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                library {
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
            Flatten(path: "library.@") {
              Fetch(service: "books") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    author {
                      name
                      books {
                        pages
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_interface_object_root_with_only_its_own_fields_is_one_fetch() -> None:
    query = "{ topRated { id stars } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Fetch(service: "ratings") {
            {
              topRated {
                id
                stars
              }
            }
          },
        }""")


def test_interface_object_root_asks_the_owner_for_the_concrete_type() -> None:
    query = "{ topRated { __typename stars } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              {
                topRated {
                  stars
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "media") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    __typename
                  }
                }
              },
            },
          },
        }""")


def test_interface_object_root_with_fragments_on_implementations() -> None:
    query = "{ topRated { stars ... on Book { pages } ... on Movie { title minutes } } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              {
                topRated {
                  stars
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "media") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    __typename
                    ... on Book {
                      __typename
                      id
                    }
                    ... on Movie {
                      title
                      minutes
                    }
                  }
                }
              },
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "books") {
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


def test_interface_object_field_with_requires() -> None:
    query = "{ library { score } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                library {
                  __typename
                  ... on Book {
                    __typename
                    id
                    title
                  }
                  ... on Movie {
                    __typename
                    id
                    title
                  }
                }
              }
            },
            Flatten(path: "library.@") {
              Fetch(service: "ratings") {
                {
                  ... on Media {
                    __typename
                    id
                    title
                  }
                } =>
                {
                  ... on Media {
                    score
                  }
                }
              },
            },
          },
        }""")


def test_interface_object_requires_from_a_concrete_type_reached_elsewhere() -> None:
    query = "{ bestsellers { pages score } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "books") {
              {
                bestsellers {
                  pages
                  __typename
                  id
                }
              }
            },
            Flatten(path: "bestsellers.@") {
              Fetch(service: "media") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    title
                  }
                }
              },
            },
            Flatten(path: "bestsellers.@") {
              Fetch(service: "ratings") {
                {
                  ... on Media {
                    __typename
                    id
                    title
                  }
                } =>
                {
                  ... on Media {
                    score
                  }
                }
              },
            },
          },
        }""")


def test_interface_object_root_with_requires() -> None:
    query = "{ topRated { score } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              {
                topRated {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "media") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    __typename
                    ... on Book {
                      __typename
                      id
                      title
                    }
                    ... on Movie {
                      __typename
                      id
                      title
                    }
                  }
                }
              },
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "ratings") {
                {
                  ... on Media {
                    __typename
                    id
                    title
                  }
                } =>
                {
                  ... on Media {
                    score
                  }
                }
              },
            },
          },
        }""")


def test_nested_abstract_types_through_an_entity_jump() -> None:
    query = "{ bestsellers { author { bio books { title } } } }"
    assert plan_text(ABSTRACT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "books") {
              {
                bestsellers {
                  author {
                    __typename
                    name
                    books {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "bestsellers.@.author") {
                Fetch(service: "media") {
                  {
                    ... on Author {
                      __typename
                      name
                    }
                  } =>
                  {
                    ... on Author {
                      bio
                    }
                  }
                },
              },
              Flatten(path: "bestsellers.@.author.books.@") {
                Fetch(service: "media") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      title
                    }
                  }
                },
              },
            },
          },
        }""")
