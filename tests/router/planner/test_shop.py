"""Planner scenarios over the classic shop supergraph: root fields, entity jumps, @requires, @provides."""

from textwrap import dedent

from testbed.shop_supergraph import SHOP
from tests.router.planning import plan_text


def test_single_subgraph_query_is_one_fetch() -> None:
    query = "{ me { name } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          },
        }""")


def test_root_fields_of_two_subgraphs_run_in_parallel() -> None:
    query = "{ me { name } topProducts { name } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "accounts") {
              {
                me {
                  name
                }
              }
            },
            Fetch(service: "products") {
              {
                topProducts {
                  name
                }
              }
            },
          },
        }""")


def test_entity_jump_selects_the_key_in_the_parent_fetch() -> None:
    query = "{ me { name reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
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
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_nested_entity_jumps_chain_in_sequence() -> None:
    query = "{ me { reviews { product { name } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                  }
                }
              },
            },
          },
        }""")


def test_fetches_at_the_same_path_from_two_subgraphs_run_in_parallel() -> None:
    query = "{ me { reviews { product { name inStock } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
            Parallel {
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
                    }
                  } =>
                  {
                    ... on Product {
                      inStock
                    }
                  }
                },
              },
            },
          },
        }""")


def test_requires_fetches_required_fields_before_the_entity_fetch() -> None:
    query = "{ topProducts { name shippingEstimate } }"
    assert plan_text(SHOP, query) == dedent("""\
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


def test_requires_alone_still_fetches_the_required_fields() -> None:
    query = "{ topProducts { shippingEstimate } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
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


def test_required_and_plain_fields_of_one_subgraph_share_a_fetch() -> None:
    query = "{ topProducts { inStock shippingEstimate } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
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
                    inStock
                    shippingEstimate
                  }
                }
              },
            },
          },
        }""")


def test_requires_after_an_entity_jump() -> None:
    query = "{ me { reviews { product { shippingEstimate } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                    price
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


def test_provided_field_needs_no_jump() -> None:
    query = "{ topReviews { author { username } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                author {
                  username
                }
              }
            }
          },
        }""")


def test_provided_and_unprovided_fields_split() -> None:
    query = "{ topReviews { author { username name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
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


def test_provides_applies_below_a_nested_field_too() -> None:
    query = "{ me { reviews { author { username } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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


def test_circular_references_alternate_subgraphs() -> None:
    query = "{ me { reviews { author { reviews { body author { name } } } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                        reviews {
                          body
                          author {
                            __typename
                            id
                          }
                        }
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.author.reviews.@.author") {
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


def test_aliases_are_kept_in_subgraph_fetches() -> None:
    query = "{ a: me { n: name } b: me { reviews { text: body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                a: me {
                  n: name
                }
                b: me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "b") {
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
                      text: body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_same_root_field_with_different_arguments_under_aliases() -> None:
    query = '{ p1: product(upc: "1") { name } p2: product(upc: "2") { inStock } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                p1: product(upc: "1") {
                  name
                }
                p2: product(upc: "2") {
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "p2") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    inStock
                  }
                }
              },
            },
          },
        }""")


def test_variables_are_passed_to_the_fetches_that_use_them() -> None:
    query = "query ($upc: String!) { product(upc: $upc) { name inStock } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product(upc: $upc) {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    inStock
                  }
                }
              },
            },
          },
        }""")


def test_variables_used_in_an_entity_fetch() -> None:
    query = "query ($first: Int) { topProducts(first: $first) { reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts(first: $first) {
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


def test_include_on_a_remote_field_becomes_a_condition_node() -> None:
    query = """
        query ($withReviews: Boolean!) { me { name reviews @include(if: $withReviews) { body } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  __typename
                  id
                }
              }
            },
            Include(if: $withReviews) {
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
                      reviews @include(if: $withReviews) {
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_skip_on_a_remote_field_becomes_a_skip_node() -> None:
    query = """
        query ($noReviews: Boolean!) { me { name reviews @skip(if: $noReviews) { body } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  __typename
                  id
                }
              }
            },
            Skip(if: $noReviews) {
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
                      reviews @skip(if: $noReviews) {
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_include_on_a_local_field_stays_in_the_fetch() -> None:
    query = "query ($x: Boolean!) { me { name @include(if: $x) id } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name @include(if: $x)
                id
              }
            }
          },
        }""")


def test_constant_skip_and_include_are_applied_when_planning() -> None:
    query = """
        { me { name @skip(if: true) id @include(if: true) reviews @include(if: false) { body } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                id
              }
            }
          },
        }""")


def test_conditional_fragment_with_remote_fields() -> None:
    query = "query ($x: Boolean!) { me { name ... @include(if: $x) { reviews { body } } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  ... @include(if: $x) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $x) {
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
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_named_fragments_are_inlined() -> None:
    query = """
        query {
          me { ...UserFields }
        }
        fragment UserFields on User { name reviews { ...ReviewFields } }
        fragment ReviewFields on Review { body }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
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
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_inline_fragment_on_the_concrete_type_is_flattened() -> None:
    query = "{ me { ... on User { name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          },
        }""")


def test_typename_at_the_root_needs_no_fetch() -> None:
    query = "{ __typename me { __typename } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                __typename
              }
            }
          },
        }""")


def test_typename_inside_an_entity_fetch() -> None:
    query = "{ me { reviews { __typename body } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                      __typename
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_mutation_root_fields_run_in_sequence() -> None:
    query = """
        mutation {
          login(username: "ada") { name }
          setPrice(upc: "1", price: 3) { name reviews { body } }
          addReview(upc: "1", body: "nice") { id }
        }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                login(username: "ada") {
                  name
                }
              }
            },
            Fetch(service: "products") {
              {
                setPrice(upc: "1", price: 3) {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "setPrice") {
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
            Fetch(service: "reviews") {
              {
                addReview(upc: "1", body: "nice") {
                  id
                }
              }
            },
          },
        }""")


def test_consecutive_mutations_on_one_subgraph_share_a_fetch() -> None:
    query = 'mutation { a: login(username: "a") { id } b: login(username: "b") { id } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              a: login(username: "a") {
                id
              }
              b: login(username: "b") {
                id
              }
            }
          },
        }""")


def test_mutation_fields_of_one_subgraph_split_by_another_keep_order() -> None:
    query = """
        mutation {
          a: login(username: "a") { id }
          setPrice(upc: "1", price: 3) { upc }
          b: login(username: "b") { id }
        }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                a: login(username: "a") {
                  id
                }
              }
            },
            Fetch(service: "products") {
              {
                setPrice(upc: "1", price: 3) {
                  upc
                }
              }
            },
            Fetch(service: "accounts") {
              {
                b: login(username: "b") {
                  id
                }
              }
            },
          },
        }""")


def test_operation_name_selects_the_operation() -> None:
    query = "query A { me { name } } query B { topReviews { body } }"
    assert plan_text(SHOP, query, "B") == dedent("""\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                body
              }
            }
          },
        }""")


def test_introspection_only_needs_no_fetch() -> None:
    query = "{ __schema { queryType { name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
        }""")


def test_introspection_next_to_data_fetches_only_the_data() -> None:
    query = '{ __type(name: "User") { name } me { id } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                id
              }
            }
          },
        }""")


def test_repeated_fields_are_merged() -> None:
    query = "{ me { name name reviews { body } reviews { id } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
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
                      body
                      id
                    }
                  }
                }
              },
            },
          },
        }""")


def test_root_fragment_is_flattened() -> None:
    query = "{ ... on Query { me { name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          },
        }""")


def test_conditional_root_fragment_keeps_its_condition() -> None:
    query = "query ($x: Boolean!) { ... @include(if: $x) { me { name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Include(if: $x) {
            Fetch(service: "accounts") {
              {
                ... @include(if: $x) {
                  me {
                    name
                  }
                }
              }
            },
          },
        }""")


def test_entity_reached_from_several_root_fields() -> None:
    query = '{ topReviews { product { name } } product(upc: "1") { inStock } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Parallel {
            Sequence {
              Fetch(service: "reviews") {
                {
                  topReviews {
                    product {
                      __typename
                      upc
                    }
                  }
                }
              },
              Flatten(path: "topReviews.@.product") {
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
                    }
                  }
                },
              },
            },
            Sequence {
              Fetch(service: "products") {
                {
                  product(upc: "1") {
                    __typename
                    upc
                  }
                }
              },
              Flatten(path: "product") {
                Fetch(service: "inventory") {
                  {
                    ... on Product {
                      __typename
                      upc
                    }
                  } =>
                  {
                    ... on Product {
                      inStock
                    }
                  }
                },
              },
            },
          },
        }""")


def test_client_alias_named_like_a_key_gets_the_key_aliased() -> None:
    query = "{ me { id: name reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  id: name
                  __typename
                  id__alias_0: id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id__alias_0: id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_client_alias_named_like_a_required_field() -> None:
    query = "{ topProducts { price: name weight shippingEstimate } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  price: name
                  weight
                  __typename
                  upc
                  price__alias_0: price
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                    price__alias_0: price
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


def test_nested_conditions_nest_condition_nodes() -> None:
    query = """
        query ($a: Boolean!, $b: Boolean!) { me { reviews @include(if: $a) { product @skip(if: $b) { name } } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
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
            Include(if: $a) {
              Sequence {
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
                        reviews @include(if: $a) {
                          product @skip(if: $b) {
                            __typename
                            upc
                          }
                        }
                      }
                    }
                  },
                },
                Skip(if: $b) {
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
                        }
                      }
                    },
                  },
                },
              },
            },
          },
        }""")


def test_conditional_and_unconditional_uses_of_one_fetch_make_it_unconditional() -> None:
    query = """
        query ($a: Boolean!) { me { reviews @include(if: $a) { body } reviews { id } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
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
                    reviews @include(if: $a) {
                      body
                    }
                    reviews {
                      id
                    }
                  }
                }
              },
            },
          },
        }""")


def test_include_on_a_named_fragment_spread() -> None:
    query = """
        query ($a: Boolean!) { me { ...F @include(if: $a) } } fragment F on User { reviews { body } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  ... @include(if: $a) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $a) {
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
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_skip_and_include_on_the_same_field() -> None:
    query = """
        query ($a: Boolean!, $b: Boolean!) { me { reviews @skip(if: $a) @include(if: $b) { body } } }
    """
    assert plan_text(SHOP, query) == dedent("""\
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
            Skip(if: $a) {
              Include(if: $b) {
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
                        reviews @skip(if: $a) @include(if: $b) {
                          body
                        }
                      }
                    }
                  },
                },
              },
            },
          },
        }""")


def test_include_on_a_root_field_with_dependent_fetches() -> None:
    query = "query ($a: Boolean!) { me @include(if: $a) { reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Include(if: $a) {
            Sequence {
              Fetch(service: "accounts") {
                {
                  me @include(if: $a) {
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
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_mutation_result_with_requires() -> None:
    query = 'mutation { setPrice(upc: "1", price: 2) { shippingEstimate } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                setPrice(upc: "1", price: 2) {
                  __typename
                  upc
                  price
                  weight
                }
              }
            },
            Flatten(path: "setPrice") {
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


def test_mutation_with_variables_and_an_entity_jump() -> None:
    query = "mutation ($u: String!) { login(username: $u) { reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                login(username: $u) {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "login") {
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
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_two_aliases_of_one_remote_field_share_a_fetch() -> None:
    query = "{ me { a: reviews { body } b: reviews { id } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                    a: reviews {
                      body
                    }
                    b: reviews {
                      id
                    }
                  }
                }
              },
            },
          },
        }""")


def test_alias_on_the_key_field_itself() -> None:
    query = "{ me { myId: id reviews { body } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  myId: id
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
                      body
                    }
                  }
                }
              },
            },
          },
        }""")


def test_alias_on_typename() -> None:
    query = "{ me { t: __typename name } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                t: __typename
                name
              }
            }
          },
        }""")


def test_typename_only_root_fragment_needs_no_fetch() -> None:
    query = "{ ... on Query { __typename } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
        }""")


def test_long_chain_through_lists() -> None:
    query = "{ topProducts { reviews { author { reviews { product { name } } } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                        reviews {
                          product {
                            __typename
                            upc
                          }
                        }
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "topProducts.@.reviews.@.author.reviews.@.product") {
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
                  }
                }
              },
            },
          },
        }""")


def test_two_root_fields_of_one_subgraph_with_their_own_jumps() -> None:
    query = '{ me { reviews { body } } user(id: "2") { reviews { body } } }'
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
                user(id: "2") {
                  __typename
                  id
                }
              }
            },
            Parallel {
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
                        body
                      }
                    }
                  }
                },
              },
              Flatten(path: "user") {
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
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }""")


def test_non_null_list_root_with_a_jump() -> None:
    query = "{ topReviews { product { name } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  product {
                    __typename
                    upc
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.product") {
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
                  }
                }
              },
            },
          },
        }""")


def test_provided_field_next_to_a_field_of_the_same_subgraph() -> None:
    query = "{ topReviews { author { username reviews { body } } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                author {
                  username
                  reviews {
                    body
                  }
                }
              }
            }
          },
        }""")


def test_root_fetch_whose_fields_are_all_conditional_is_wrapped() -> None:
    query = """
        query ($a: Boolean!) { me @include(if: $a) { name } topReviews @include(if: $a) { body } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Parallel {
            Include(if: $a) {
              Fetch(service: "accounts") {
                {
                  me @include(if: $a) {
                    name
                  }
                }
              },
            },
            Include(if: $a) {
              Fetch(service: "reviews") {
                {
                  topReviews @include(if: $a) {
                    body
                  }
                }
              },
            },
          },
        }""")


def test_root_fetch_with_one_unconditional_field_is_not_wrapped() -> None:
    query = "query ($a: Boolean!) { me @include(if: $a) { name } user(id: 1) { name } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me @include(if: $a) {
                name
              }
              user(id: 1) {
                name
              }
            }
          },
        }""")


def test_input_object_and_enum_variables_are_passed_through() -> None:
    query = """
        query ($f: ProductFilter!, $s: Sort = PRICE) { search(filter: $f, sort: $s) { name inStock } }
    """
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                search(filter: $f, sort: $s) {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    inStock
                  }
                }
              },
            },
          },
        }""")


def test_plain_field_rides_along_with_a_later_fetch_to_the_same_subgraph() -> None:
    query = "{ me { reviews { product { inStock shippingEstimate } } } }"
    assert plan_text(SHOP, query) == dedent("""\
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
                    price
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
                    price
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


def test_deep_cycle_back_to_the_first_subgraph() -> None:
    query = "{ topReviews { product { reviews { author { name } } } } }"
    assert plan_text(SHOP, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  product {
                    reviews {
                      author {
                        __typename
                        id
                      }
                    }
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.product.reviews.@.author") {
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
