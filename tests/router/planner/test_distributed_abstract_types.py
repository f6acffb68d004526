"""Planner scenarios for interfaces and unions whose members are known differently by each subgraph."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.distributed import DISTRIBUTED


def test_shareable_node_field_goes_to_the_subgraph_knowing_the_asked_types() -> None:
    query = '{ node(id: "1") { id ... on Book { price } } }'
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              node(id: "1") {
                __typename
                ... on Book {
                  id
                  price
                }
                ... on Movie {
                  id
                }
              }
            }
          },
        }""")


def test_node_from_the_first_subgraph_when_both_fit() -> None:
    query = '{ node(id: "1") { id } }'
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              node(id: "1") {
                id
              }
            }
          },
        }""")


def test_node_fragments_on_types_a_subgraph_does_not_know_are_dropped_there() -> None:
    query = '{ node(id: "1") { ... on Movie { rating } ... on Song { plays } } }'
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                node(id: "1") {
                  __typename
                  ... on Song {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "c") {
                {
                  ... on Song {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Song {
                    plays
                  }
                }
              },
            },
          },
        }""")


def test_list_of_nodes_completed_by_the_subgraphs_owning_each_type() -> None:
    query = "{ nodes { id ... on Song { title } ... on Movie { title } } }"
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                nodes {
                  __typename
                  ... on Song {
                    id
                    __typename
                  }
                  ... on Movie {
                    id
                    __typename
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "nodes.@") {
                Fetch(service: "a") {
                  {
                    ... on Song {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Song {
                      title
                    }
                  }
                },
              },
              Flatten(path: "nodes.@") {
                Fetch(service: "b") {
                  {
                    ... on Movie {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Movie {
                      title
                    }
                  }
                },
              },
            },
          },
        }""")


def test_union_members_a_subgraph_lacks_are_not_sent_to_it() -> None:
    query = """
        { mediaA { ... on Book { title } ... on Song { title } ... on Movie { title } } }
    """
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              mediaA {
                __typename
                ... on Book {
                  title
                }
                ... on Song {
                  title
                }
              }
            }
          },
        }""")


def test_union_in_the_other_subgraph_has_other_members() -> None:
    query = "{ mediaB { ... on Book { title isbn } ... on Movie { rating } } }"
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                mediaB {
                  __typename
                  ... on Book {
                    title
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
            Parallel {
              Flatten(path: "mediaB.@") {
                Fetch(service: "a") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      isbn
                    }
                  }
                },
              },
              Flatten(path: "mediaB.@") {
                Fetch(service: "c") {
                  {
                    ... on Movie {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Movie {
                      rating
                    }
                  }
                },
              },
            },
          },
        }""")


def test_typename_only_on_a_union() -> None:
    query = "{ mediaA { __typename } mediaB { __typename } }"
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                mediaA {
                  __typename
                }
              }
            },
            Fetch(service: "b") {
              {
                mediaB {
                  __typename
                }
              }
            },
          },
        }""")


def test_interface_fields_then_union_inside_implementations() -> None:
    query = """
        { people { name ... on Author { books { isbn } } favorite { ... on Movie { rating } } } }
    """
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                people {
                  __typename
                  ... on Author {
                    name
                    books {
                      __typename
                      id
                    }
                    favorite {
                      __typename
                      ... on Movie {
                        __typename
                        id
                      }
                    }
                  }
                  ... on Fan {
                    name
                    favorite {
                      __typename
                      ... on Movie {
                        __typename
                        id
                      }
                    }
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "people.@.books.@") {
                Fetch(service: "a") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      isbn
                    }
                  }
                },
              },
              Flatten(path: "people.@.favorite") {
                Fetch(service: "c") {
                  {
                    ... on Movie {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Movie {
                      rating
                    }
                  }
                },
              },
            },
          },
        }""")


def test_fragment_on_the_interface_inside_a_union_selection() -> None:
    query = "{ mediaB { ... on Node { id } } }"
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              mediaB {
                __typename
                ... on Book {
                  id
                }
                ... on Movie {
                  id
                }
              }
            }
          },
        }""")


def test_typename_in_every_fragment() -> None:
    query = "{ nodes { __typename ... on Book { __typename id } } }"
    assert plan_text(DISTRIBUTED, query) == dedent("""\
        QueryPlan {
          Fetch(service: "c") {
            {
              nodes {
                __typename
              }
            }
          },
        }""")
