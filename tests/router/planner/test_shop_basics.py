"""Scenarios over the classic shop supergraph: root fields, entity jumps, @requires, @provides."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.shop import SHOP


def test_single_subgraph_query_is_one_fetch() -> None:
    assert plan_text(SHOP, "{ me { name } }") == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          },
        }""")


def test_requires_fetches_required_fields_before_the_entity_fetch() -> None:
    assert plan_text(SHOP, "{ topProducts { name shippingEstimate } }") == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  name
                  __typename
                  upc
                  price
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
                    price
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


def test_provided_field_stays_in_the_providing_subgraph() -> None:
    assert plan_text(SHOP, "{ topReviews { body author { username name } } }") == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  body
                  author {
                    username
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
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
