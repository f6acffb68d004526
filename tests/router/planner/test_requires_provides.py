"""Planner scenarios for @requires chains, arguments and fragments, and nested or abstract @provides."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.requires import REQUIRES, REQUIRES_ARGUMENTS


def test_simple_requires() -> None:
    query = "{ item { tax } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                  price
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
          },
        }""")


def test_requires_of_a_required_field_chain_in_sequence() -> None:
    query = "{ item { total } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                  price
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Item {
                    total
                  }
                }
              },
            },
          },
        }""")


def test_requires_chain_next_to_its_intermediate_field() -> None:
    query = "{ item { tax total } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                  price
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Item {
                    total
                  }
                }
              },
            },
          },
        }""")


def test_requires_with_a_field_argument() -> None:
    query = "{ item { shipping } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                  weight(unit: "lb")
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    weight(unit: "lb")
                  }
                } =>
                {
                  ... on Item {
                    shipping
                  }
                }
              },
            },
          },
        }""")


def test_requires_with_an_argument_next_to_the_same_field_without_it() -> None:
    query = "{ item { weight shipping } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  weight
                  __typename
                  id
                  weight__alias_0: weight(unit: "lb")
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    weight__alias_0: weight(unit: "lb")
                  }
                } =>
                {
                  ... on Item {
                    shipping
                  }
                }
              },
            },
          },
        }""")


def test_requires_with_a_nested_selection() -> None:
    query = "{ item { volume } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  id
                  dims {
                    width
                    height
                  }
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    dims {
                      width
                      height
                    }
                  }
                } =>
                {
                  ... on Item {
                    volume
                  }
                }
              },
            },
          },
        }""")


def test_nested_requirement_colliding_with_a_nested_client_alias() -> None:
    query = "{ item { dims { height: width depth } volume } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  dims {
                    height: width
                    depth
                    width
                    height__alias_0: height
                  }
                  __typename
                  id
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    dims {
                      width
                      height__alias_0: height
                    }
                  }
                } =>
                {
                  ... on Item {
                    volume
                  }
                }
              },
            },
          },
        }""")


def test_requires_with_fragments_on_a_union() -> None:
    query = "{ items { summary } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  media {
                    __typename
                    ... on Photo {
                      __typename
                      url
                    }
                    ... on Video {
                      __typename
                      seconds
                    }
                  }
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    media {
                      __typename
                      ... on Photo {
                        url
                      }
                      ... on Video {
                        seconds
                      }
                    }
                  }
                } =>
                {
                  ... on Item {
                    summary
                  }
                }
              },
            },
          },
        }""")


def test_two_requires_of_one_subgraph_share_a_fetch() -> None:
    query = "{ items { volume shipping } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  dims {
                    width
                    height
                  }
                  weight(unit: "lb")
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    dims {
                      width
                      height
                    }
                    weight(unit: "lb")
                  }
                } =>
                {
                  ... on Item {
                    volume
                    shipping
                  }
                }
              },
            },
          },
        }""")


def test_required_field_also_asked_by_the_client() -> None:
    query = "{ item { price tax } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  price
                  __typename
                  id
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
          },
        }""")


def test_requires_from_a_subgraph_reached_by_provides() -> None:
    query = "{ shelf { items { tax } } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                shelf {
                  items {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "a") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    price
                  }
                }
              },
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
          },
        }""")


def test_nested_provides_serves_the_provided_subfields() -> None:
    query = "{ shelf { label items { name dims { width } } } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              shelf {
                label
                items {
                  name
                  dims {
                    width
                  }
                }
              }
            }
          },
        }""")


def test_nested_provides_does_not_cover_other_subfields() -> None:
    query = "{ shelf { items { name dims { width height } } } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                shelf {
                  items {
                    name
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "shelf.items.@") {
              Fetch(service: "a") {
                {
                  ... on Item {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Item {
                    dims {
                      width
                      height
                    }
                  }
                }
              },
            },
          },
        }""")


def test_provides_on_a_union_member() -> None:
    query = "{ shelf { cover { ... on Photo { url } } } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              shelf {
                cover {
                  __typename
                  ... on Photo {
                    url
                  }
                }
              }
            }
          },
        }""")


def test_provides_on_every_union_member_and_a_shared_value_field() -> None:
    query = "{ shelf { cover { ... on Photo { url alt } ... on Video { seconds } } } }"
    assert plan_text(REQUIRES, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              shelf {
                cover {
                  __typename
                  ... on Photo {
                    url
                    alt
                  }
                  ... on Video {
                    seconds
                  }
                }
              }
            }
          },
        }""")


def test_one_field_required_with_two_arguments_is_aliased_apart_and_the_entity_fetch_split() -> None:
    query = "{ items { priceUsd priceEur } }"
    assert plan_text(REQUIRES_ARGUMENTS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  price(currency: "USD")
                  price__alias_0: price(currency: "EUR")
                }
              }
            },
            Parallel {
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      price(currency: "USD")
                    }
                  } =>
                  {
                    ... on Item {
                      priceUsd
                    }
                  }
                },
              },
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      price__alias_0: price(currency: "EUR")
                    }
                  } =>
                  {
                    ... on Item {
                      priceEur
                    }
                  }
                },
              },
            },
          },
        }""")


def test_required_arguments_next_to_the_client_asking_one_of_them() -> None:
    query = '{ items { price(currency: "EUR") priceUsd note label } }'
    assert plan_text(REQUIRES_ARGUMENTS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  price(currency: "EUR")
                  __typename
                  id
                  price__alias_0: price(currency: "USD")
                }
              }
            },
            Parallel {
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      price__alias_0: price(currency: "USD")
                    }
                  } =>
                  {
                    ... on Item {
                      priceUsd
                      note
                    }
                  }
                },
              },
              Flatten(path: "items.@") {
                Fetch(service: "c") {
                  {
                    ... on Item {
                      __typename
                      id
                      price(currency: "EUR")
                    }
                  } =>
                  {
                    ... on Item {
                      label
                    }
                  }
                },
              },
            },
          },
        }""")


def test_fields_without_requirements_join_the_first_split_fetch() -> None:
    query = "{ items { priceEur note priceUsd } }"
    assert plan_text(REQUIRES_ARGUMENTS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  price(currency: "EUR")
                  price__alias_0: price(currency: "USD")
                }
              }
            },
            Parallel {
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      price(currency: "EUR")
                    }
                  } =>
                  {
                    ... on Item {
                      priceEur
                      note
                    }
                  }
                },
              },
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      price__alias_0: price(currency: "USD")
                    }
                  } =>
                  {
                    ... on Item {
                      priceUsd
                    }
                  }
                },
              },
            },
          },
        }""")


def test_one_nested_field_required_with_two_arguments_next_to_the_client_asking_one() -> None:
    query = '{ items { widthCm widthIn dims { width(unit: "in") } } }'
    assert plan_text(REQUIRES_ARGUMENTS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  dims {
                    width__alias_0: width(unit: "cm")
                    width(unit: "in")
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      dims {
                        width__alias_0: width(unit: "cm")
                      }
                    }
                  } =>
                  {
                    ... on Item {
                      widthCm
                    }
                  }
                },
              },
              Flatten(path: "items.@") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                      dims {
                        width(unit: "in")
                      }
                    }
                  } =>
                  {
                    ... on Item {
                      widthIn
                    }
                  }
                },
              },
            },
          },
        }""")
