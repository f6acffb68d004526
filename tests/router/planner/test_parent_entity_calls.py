"""Planner scenarios where a value type's field is only reachable by re-entering its parent entity."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.parent_entity import PARENT_ENTITY


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
