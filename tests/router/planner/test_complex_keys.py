"""Planner scenarios with keys containing lists and nested entities, reached through several hops."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.complex_keys import COMPLEX_KEYS


def test_key_with_a_list_of_nested_keys_needs_two_hops() -> None:
    query = "{ topProducts { products { id price { price } } } }"
    assert plan_text(COMPLEX_KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "list") {
              {
                topProducts {
                  products {
                    id
                    __typename
                    pid
                  }
                }
              }
            },
            Flatten(path: "topProducts.products.@") {
              Fetch(service: "link") {
                {
                  ... on Product {
                    __typename
                    id
                    pid
                  }
                } =>
                {
                  ... on Product {
                    category {
                      id
                      tag
                    }
                  }
                }
              },
            },
            Flatten(path: "topProducts.products.@") {
              Fetch(service: "price") {
                {
                  ... on Product {
                    __typename
                    id
                    pid
                    category {
                      id
                      tag
                    }
                  }
                } =>
                {
                  ... on Product {
                    price {
                      price
                    }
                  }
                }
              },
            },
          },
        }""")


def test_list_key_and_a_selected_entity_from_another_subgraph() -> None:
    query = "{ topProducts { selected { id price { price } } } }"
    assert plan_text(COMPLEX_KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "list") {
              {
                topProducts {
                  __typename
                  products {
                    id
                    pid
                    __typename
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "topProducts.products.@") {
                Fetch(service: "link") {
                  {
                    ... on Product {
                      __typename
                      id
                      pid
                    }
                  } =>
                  {
                    ... on Product {
                      category {
                        id
                        tag
                      }
                    }
                  }
                },
              },
              Flatten(path: "topProducts") {
                Fetch(service: "products") {
                  {
                    ... on ProductList {
                      __typename
                      products {
                        id
                      }
                    }
                  } =>
                  {
                    ... on ProductList {
                      selected {
                        id
                      }
                    }
                  }
                },
              },
            },
            Flatten(path: "topProducts") {
              Fetch(service: "price") {
                {
                  ... on ProductList {
                    __typename
                    products {
                      id
                      pid
                      category {
                        id
                        tag
                      }
                    }
                    selected {
                      id
                    }
                  }
                } =>
                {
                  ... on ProductList {
                    selected {
                      id
                      price {
                        price
                      }
                    }
                  }
                }
              },
            },
          },
        }""")


def test_nested_entity_key_from_the_linking_subgraph() -> None:
    query = "{ topProducts { first { category { tag mainProduct { id } } } } }"
    assert plan_text(COMPLEX_KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "list") {
              {
                topProducts {
                  first {
                    __typename
                    id
                    pid
                  }
                }
              }
            },
            Flatten(path: "topProducts.first") {
              Fetch(service: "link") {
                {
                  ... on Product {
                    __typename
                    id
                    pid
                  }
                } =>
                {
                  ... on Product {
                    category {
                      tag
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "topProducts.first.category") {
              Fetch(service: "price") {
                {
                  ... on Category {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Category {
                    mainProduct {
                      id
                    }
                  }
                }
              },
            },
          },
        }""")
