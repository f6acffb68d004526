"""Planner scenarios for shareable fields, value types, @override and usedOverridden."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.shareable import SHAREABLE


def test_shareable_root_field_goes_where_the_other_fields_are() -> None:
    query = '{ product(id: "1") { name rating } }'
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              product(id: "1") {
                name
                rating
              }
            }
          },
        }""")


def test_shareable_root_field_goes_to_the_subgraph_with_more_fields() -> None:
    query = '{ product(id: "1") { description name } }'
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              product(id: "1") {
                description
                name
              }
            }
          },
        }""")


def test_shareable_field_stays_in_the_current_subgraph() -> None:
    query = "{ products { id name price { amount currency } } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              products {
                id
                name
                price {
                  amount
                  currency
                }
              }
            }
          },
        }""")


def test_value_type_resolved_where_its_parent_is() -> None:
    query = '{ product(id: "1") { description price { currency } } }'
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              product(id: "1") {
                description
                price {
                  currency
                }
              }
            }
          },
        }""")


def test_override_moves_the_field_to_the_overriding_subgraph() -> None:
    query = "{ products { stock } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                products {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    stock
                  }
                }
              },
            },
          },
        }""")


def test_used_overridden_field_is_not_fetched_from_the_old_subgraph() -> None:
    query = '{ product(id: "1") { description legacyCode } }'
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product(id: "1") {
                  description
                  __typename
                  id
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    legacyCode
                  }
                }
              },
            },
          },
        }""")


def test_overridden_fields_from_the_new_subgraph_share_its_fetch() -> None:
    query = "{ featured { stock legacyCode } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "c") {
            {
              featured {
                stock
                legacyCode
              }
            }
          },
        }""")


def test_shareable_fields_after_a_jump_use_the_first_suitable_subgraph() -> None:
    query = "{ featured { name price { amount } } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
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
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    name
                    price {
                      amount
                    }
                  }
                }
              },
            },
          },
        }""")


def test_value_type_root_field_joins_a_fetch_that_is_needed_anyway() -> None:
    query = "{ settings { theme } products { name } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "b") {
            {
              settings {
                theme
              }
              products {
                name
              }
            }
          },
        }""")


def test_value_type_root_field_alone_uses_the_first_subgraph() -> None:
    query = "{ settings { theme } }"
    assert plan_text(SHAREABLE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              settings {
                theme
              }
            }
          },
        }""")
