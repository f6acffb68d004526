"""Planner scenarios where a value type's field is only reachable by re-entering its parent entity."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.parent_entity import PARENT_ENTITY, PARENT_ENTITY_DEEP


def test_value_type_field_of_another_subgraph_is_fetched_through_the_parent_entity() -> None:
    query = "{ products { name category { name details { summary } } } }"
    assert plan_text(PARENT_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products {
                  name
                  category {
                    name
                  }
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    category {
                      details {
                        summary
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_list_of_value_types_replayed_under_the_parent() -> None:
    query = "{ products { variants { sku color stock } } }"
    assert plan_text(PARENT_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products {
                  variants {
                    sku
                    color
                  }
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    variants {
                      stock
                    }
                  }
                }
              },
            },
          },
        }""")


def test_aliases_and_arguments_are_replayed() -> None:
    query = "{ products { c: category { d: details { summary } } } }"
    assert plan_text(PARENT_ENTITY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    c: category {
                      d: details {
                        summary
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_value_type_fields_all_local_need_no_jump() -> None:
    query = "{ products { category { id name } } }"
    assert plan_text(PARENT_ENTITY, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              products {
                category {
                  id
                  name
                }
              }
            }
          },
        }""")


def test_value_type_field_inside_an_entity_fetch_replays_from_that_entity() -> None:
    query = "{ products { name category { name details { summary } } } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  name
                  __typename
                  id
                }
              }
            },
            Parallel {
              Flatten(path: "products.@") {
                Fetch(service: "b") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      category {
                        details {
                          summary
                        }
                      }
                    }
                  }
                },
              },
              Flatten(path: "products.@") {
                Fetch(service: "a") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      category {
                        name
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_entity_without_a_key_in_the_target_replays_from_an_ancestor_entity() -> None:
    query = "{ products { name seller { nick address { city geo } } } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  name
                  __typename
                  id
                }
              }
            },
            Parallel {
              Flatten(path: "products.@") {
                Fetch(service: "a") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      seller {
                        nick
                        address {
                          city
                        }
                      }
                    }
                  }
                },
              },
              Flatten(path: "products.@") {
                Fetch(service: "b") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      seller {
                        address {
                          geo
                        }
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_parent_entity_calls_from_one_ancestor_share_a_fetch() -> None:
    query = "{ products { seller { address { geo } } category { details { summary } } } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    seller {
                      address {
                        geo
                      }
                    }
                    category {
                      details {
                        summary
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_requires_of_a_replayed_field_travel_nested_in_the_parent_representation() -> None:
    query = "{ products { name category { blurb } } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "a") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    category {
                      name
                    }
                  }
                }
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                    category {
                      name
                    }
                  }
                } =>
                {
                  ... on Product {
                    category {
                      blurb
                    }
                  }
                }
              },
            },
          },
        }""")


def test_aliased_chain_carries_the_requirement_under_the_client_alias() -> None:
    query = "{ products { c: category { name b: blurb } } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "a") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    c: category {
                      name
                    }
                  }
                }
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                    c: category {
                      name
                    }
                  }
                } =>
                {
                  ... on Product {
                    c: category {
                      b: blurb
                    }
                  }
                }
              },
            },
          },
        }""")


def test_requirements_that_need_a_parent_entity_call() -> None:
    query = "{ products { shipping } }"
    assert plan_text(PARENT_ENTITY_DEEP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "top") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Parallel {
              Flatten(path: "products.@") {
                Fetch(service: "b") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      category {
                        details {
                          summary
                        }
                      }
                    }
                  }
                },
              },
              Flatten(path: "products.@") {
                Fetch(service: "a") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      category {
                        name
                      }
                    }
                  }
                },
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "top") {
                {
                  ... on Product {
                    __typename
                    id
                    category {
                      name
                      details {
                        summary
                      }
                    }
                  }
                } =>
                {
                  ... on Product {
                    shipping
                  }
                }
              },
            },
          },
        }""")
