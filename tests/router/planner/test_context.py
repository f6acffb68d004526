"""Planner scenarios for `@context`/`@fromContext` (join v0.5 `contextArguments`)."""

from textwrap import dedent

import pytest

from router.errors import PlanningError
from router.plan.context_rewrites import ContextRewrite
from router.plan.nodes import FetchNode, FlattenNode, QueryPlan, SequenceNode
from router.plan.selection import Field
from tests.router.planning import build_plan, plan_text
from tests.router.supergraphs.context import CONTEXT
from tests.router.supergraphs.root_context import ROOT_CONTEXT


def _last_fetch(plan: QueryPlan) -> FetchNode:
    assert isinstance(plan.node, SequenceNode)
    flatten = plan.node.nodes[-1]
    assert isinstance(flatten, FlattenNode)
    assert isinstance(flatten.node, FetchNode)
    return flatten.node


def test_a_contextual_field_of_the_same_subgraph_is_still_asked_through_an_entity_fetch() -> None:
    query = "{ stores { products { label } } }"
    assert plan_text(CONTEXT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                stores {
                  products {
                    __typename
                    id
                  }
                  __typename
                  locale
                }
              }
            },
            Flatten(path: "stores.@.products.@") {
              Fetch(service: "shop") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    label(locale: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }""")


def test_a_context_only_another_subgraph_resolves_is_fetched_before_the_entity_fetch_that_takes_it() -> None:
    query = "{ stores { name products { name price } } }"
    assert plan_text(CONTEXT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                stores {
                  name
                  products {
                    name
                    __typename
                    id
                  }
                  __typename
                  id
                }
              }
            },
            Flatten(path: "stores.@") {
              Fetch(service: "settings") {
                {
                  ... on Store {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Store {
                    currency
                  }
                }
              },
            },
            Flatten(path: "stores.@.products.@") {
              Fetch(service: "pricing") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price(currency: $contextualArgument_2_0)
                  }
                }
              },
            },
          },
        }""")


def test_a_context_field_the_client_aliases_away_is_fetched_under_its_own_key() -> None:
    query = "{ stores { locale: name products { label } } }"
    assert plan_text(CONTEXT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                stores {
                  locale: name
                  products {
                    __typename
                    id
                  }
                  __typename
                  locale__alias_0: locale
                }
              }
            },
            Flatten(path: "stores.@.products.@") {
              Fetch(service: "shop") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    label(locale: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }""")


def test_the_entity_fetch_reads_the_context_from_the_ancestor_that_provides_it() -> None:
    fetch = _last_fetch(build_plan(CONTEXT, "{ stores { products { price } } }"))
    assert fetch.context_rewrites == (
        ContextRewrite(
            variable="contextualArgument_2_0",
            type_ref="String",
            ancestor_depth=2,
            selection=(Field("currency"),),
        ),
    )
    assert fetch.operation == (
        "query($representations: [_Any!]!, $contextualArgument_2_0: String) { _entities(representations:"
        " $representations) { ... on Product { price(currency: $contextualArgument_2_0) } } }"
    )
    assert fetch.variable_usages == ()


def test_an_aliased_context_field_is_read_under_its_alias() -> None:
    fetch = _last_fetch(build_plan(CONTEXT, "{ stores { locale: name products { label } } }"))
    assert [rewrite.selection for rewrite in fetch.context_rewrites] == [
        (Field("locale", "locale__alias_0"),)
    ]


def test_a_contextual_field_outside_any_providing_ancestor_fails_to_plan_naming_it() -> None:
    with pytest.raises(PlanningError, match=r"Product\.label: no ancestor .* 'shop__store'"):
        build_plan(CONTEXT, '{ product(id: "p1") { label } }')


def test_a_context_on_the_query_type_is_read_from_the_root_fetch() -> None:
    query = "{ product { price } }"
    assert plan_text(ROOT_CONTEXT, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "subgraph1") {
              {
                product {
                  __typename
                  id
                }
                __typename
                me {
                  locale
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "subgraph1") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price(locale: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }""")
    rewrite = _last_fetch(build_plan(ROOT_CONTEXT, query)).context_rewrites[0]
    assert (rewrite.ancestor_depth, rewrite.selection) == (0, (Field("me", selections=(Field("locale"),)),))
