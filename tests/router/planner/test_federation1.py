"""Planner scenarios over a Federation 1 supergraph (`@core`, join v0.1, `@join__owner`)."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.federation1 import FEDERATION1


def test_owner_fields_come_from_the_owner() -> None:
    query = "{ topProducts { upc name } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Fetch(service: "products") {
            {
              topProducts {
                upc
                name
              }
            }
          },
        }""")


def test_extension_fields_jump_to_the_extending_subgraph() -> None:
    query = "{ topProducts { name reviews { body } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    reviews {
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_requires_with_a_nested_value_type() -> None:
    query = "{ topProducts { shippingEstimate } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                  price {
                    amount
                  }
                  weight
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                    price {
                      amount
                    }
                    weight
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                  }
                }
              },
            },
          },
        }""")


def test_provides_without_external_markers() -> None:
    query = "{ me { reviews { author { username } } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      author {
                        username
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_key_fields_resolve_in_the_extending_subgraph() -> None:
    query = "{ me { reviews { author { id name } } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      author {
                        id
                        __typename
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.author") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                  }
                }
              },
            },
          },
        }""")


def test_extension_then_back_to_the_owner() -> None:
    query = "{ topProducts { reviews { author { name } } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    reviews {
                      author {
                        __typename
                        id
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "topProducts.@.reviews.@.author") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                  }
                }
              },
            },
          },
        }""")


def test_requires_and_extension_fields_after_a_jump() -> None:
    query = "{ me { reviews { product { name inStock shippingEstimate } } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      product {
                        __typename
                        upc
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.product") {
              Fetch(service: "products") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    name
                    price {
                      amount
                    }
                    weight
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.product") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                    price {
                      amount
                    }
                    weight
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                    inStock
                  }
                }
              },
            },
          },
        }""")


def test_value_types_resolve_anywhere() -> None:
    query = "{ topProducts { price { amount } } }"
    assert plan_text(FEDERATION1, query) == dedent("""\
        QueryPlan {
          Fetch(service: "products") {
            {
              topProducts {
                price {
                  amount
                }
              }
            }
          },
        }""")
