"""Executing plans against the shop subgraphs served for real over HTTP; merged data asserted."""

from __future__ import annotations

from typing import Any

from router.executor import SubgraphResponse
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from testbed.sdl import supergraph_sdl


async def run(
    gateway: Gateway, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query, operation_name, variables), {})


async def test_entity_jump_merges_fields_from_two_subgraphs(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ me { name reviews { body } } }")
    assert result == {
        "data": {
            "me": {"name": "Ada Lovelace", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]}
        }
    }


async def test_requires_sends_required_fields_in_representations(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ topProducts(first: 2) { name shippingEstimate inStock } }")
    assert result == {
        "data": {
            "topProducts": [
                {"name": "Table", "shippingEstimate": 15, "inStock": True},
                {"name": "Couch", "shippingEstimate": 0, "inStock": False},
            ]
        }
    }


async def test_provided_field_comes_from_the_providing_subgraph(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ topReviews { author { username name } } }")
    authors = [review["author"] for review in result["data"]["topReviews"]]
    assert authors == [
        {"username": "ada", "name": "Ada Lovelace"},
        {"username": "ada", "name": "Ada Lovelace"},
        {"username": "alan", "name": "Alan Turing"},
        {"username": "alan", "name": "Alan Turing"},
    ]


async def test_response_keeps_client_order_and_aliases(shop_gateway: Gateway) -> None:
    result = await run(
        shop_gateway, '{ second: product(upc: "p2") { estimate: shippingEstimate title: name upc } }'
    )
    assert result == {"data": {"second": {"estimate": 0, "title": "Couch", "upc": "p2"}}}
    assert list(result["data"]["second"]) == ["estimate", "title", "upc"]


async def test_same_field_under_two_aliases_with_different_arguments(shop_gateway: Gateway) -> None:
    result = await run(
        shop_gateway,
        '{ a: product(upc: "p1") { name reviews { body } } b: product(upc: "p3") { name reviews { body } } }',
    )
    assert result == {
        "data": {
            "a": {"name": "Table", "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}]},
            "b": {"name": "Chair", "reviews": [{"body": "Could be better."}]},
        }
    }


async def test_typename_is_answered_everywhere(shop_gateway: Gateway) -> None:
    query = "{ __typename me { __typename reviews { __typename product { __typename } } } }"
    result = await run(shop_gateway, query)
    assert result["data"]["__typename"] == "Query"
    assert result["data"]["me"]["__typename"] == "User"
    first_review = result["data"]["me"]["reviews"][0]
    assert first_review == {"__typename": "Review", "product": {"__typename": "Product"}}


async def test_named_fragments_and_inline_fragments(shop_gateway: Gateway) -> None:
    query = """
        query Q { me { ...UserBits ... on User { reviews { ...ReviewBits } } } }
        fragment UserBits on User { name }
        fragment ReviewBits on Review { body product { name } }
    """
    result = await run(shop_gateway, query, operation_name="Q")
    assert result == {
        "data": {
            "me": {
                "name": "Ada Lovelace",
                "reviews": [
                    {"body": "Love it!", "product": {"name": "Table"}},
                    {"body": "Too expensive.", "product": {"name": "Couch"}},
                ],
            }
        }
    }


async def test_variables_with_defaults_and_skip_include(shop_gateway: Gateway) -> None:
    query = """
        query ($upc: String = "p1", $withReviews: Boolean!, $skipName: Boolean = false) {
          product(upc: $upc) { name @skip(if: $skipName) reviews @include(if: $withReviews) { body } }
        }
    """
    without = await run(shop_gateway, query, {"withReviews": False})
    assert without == {"data": {"product": {"name": "Table"}}}
    with_reviews = await run(shop_gateway, query, {"withReviews": True, "skipName": True, "upc": "p3"})
    assert with_reviews == {"data": {"product": {"reviews": [{"body": "Could be better."}]}}}


async def test_operation_name_selects_the_operation(shop_gateway: Gateway) -> None:
    query = 'query A { me { name } } query B { product(upc: "p3") { name } }'
    assert await run(shop_gateway, query, operation_name="B") == {"data": {"product": {"name": "Chair"}}}


async def test_mutations_run_in_order(shop_gateway: Gateway) -> None:
    query = """
        mutation {
          first: setPrice(upc: "p3", price: 60) { price shippingEstimate }
          second: setPrice(upc: "p3", price: 54) { price }
          login(username: "alan") { name }
        }
    """
    result = await run(shop_gateway, query)
    assert result == {
        "data": {
            "first": {"price": 60, "shippingEstimate": 5},
            "second": {"price": 54},
            "login": {"name": "Alan Turing"},
        }
    }


async def test_subgraph_error_keeps_partial_data_with_rewritten_path(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, '{ topReviews { body } user(id: "boom") { name } }')
    assert result["data"]["user"] is None
    assert len(result["data"]["topReviews"]) == 4
    [error] = result["errors"]
    assert error["message"] == "accounts exploded"
    assert error["path"] == ["user"]
    assert error["extensions"]["serviceName"] == "accounts"


async def test_entity_unknown_to_a_subgraph_leaves_its_fields_null(shop_gateway: Gateway) -> None:
    query = '{ product(upc: "ghost") { name inStock } }'
    result = await run(shop_gateway, query)
    assert result["data"] == {"product": {"name": "Ghost", "inStock": None}}
    assert result.get("errors", []) == []


async def test_null_in_non_null_position_propagates_to_nullable_parent(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, '{ user(id: "nobody") { name } me { id } }')
    assert result == {"data": {"user": None, "me": {"id": "1"}}}


async def test_introspection_of_the_api_schema(shop_gateway: Gateway) -> None:
    query = '{ __type(name: "User") { fields { name } } me { name } __schema { queryType { name } } }'
    result = await run(shop_gateway, query)
    fields = [field["name"] for field in result["data"]["__type"]["fields"]]
    assert fields == ["id", "name", "username", "reviews"]
    assert result["data"]["me"] == {"name": "Ada Lovelace"}
    assert result["data"]["__schema"] == {"queryType": {"name": "Query"}}
    assert list(result["data"]) == ["__type", "me", "__schema"]


async def test_join_machinery_is_not_introspectable(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ __schema { types { name } directives { name } } }")
    types = {t["name"] for t in result["data"]["__schema"]["types"]}
    directives = {d["name"] for d in result["data"]["__schema"]["directives"]}
    assert {"Query", "Mutation", "User", "Product", "Review"} <= types
    assert not {name for name in types if name.startswith(("join__", "link__"))}
    assert {"include", "skip"} <= directives
    assert not directives & {"link", "join__type", "join__field", "inaccessible"}


async def test_parse_error_answers_graphql_parse_failed(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ me { name ")
    assert "data" not in result
    assert result["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_validation_error_answers_graphql_validation_failed(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ me { birthDate } }")
    assert "data" not in result
    assert result["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "birthDate" in result["errors"][0]["message"]


async def test_missing_required_variable_is_a_client_error(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "query ($upc: String!) { product(upc: $upc) { name } }", {})
    assert "data" not in result
    assert result["errors"][0]["extensions"] == {"code": "VALIDATION_INVALID_TYPE_VARIABLE"}


async def test_client_alias_named_like_a_key_does_not_break_entity_fetches(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ me { id: name reviews { body } } }")
    assert result == {
        "data": {"me": {"id": "Ada Lovelace", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]}}
    }


async def test_client_alias_named_like_a_required_field(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, '{ product(upc: "p1") { price: name shippingEstimate } }')
    assert result == {"data": {"product": {"price": "Table", "shippingEstimate": 15}}}


async def test_an_operation_the_planner_cannot_plan_answers_query_planning_failed() -> None:
    sdl = supergraph_sdl(
        {"a": "http://a/graphql", "b": "http://b/graphql"},
        """
        type Query @join__type(graph: A) { box: Box @join__field(graph: A) }
        type Box @join__type(graph: A) @join__type(graph: B) { size: Int @join__field(graph: B) }
        """,
    )
    gateway = Gateway(parse_supergraph(sdl), _NeverCalled(), {})
    result = await run(gateway, "{ box { size } }")
    assert result["errors"][0]["extensions"] == {"code": "QUERY_PLANNING_FAILED"}


class _NeverCalled:
    async def fetch(
        self, service: str, url: str, body: Any, headers: Any, *, operation_kind: str
    ) -> SubgraphResponse:
        raise AssertionError("no subgraph may be called")

    def max_representations(self, service: str) -> None:
        return None


async def test_condition_nodes_follow_the_variables(shop_gateway: Gateway) -> None:
    query = """
        query ($a: Boolean!) {
          me @include(if: $a) { reviews { body } }
          topReviews @skip(if: $a) { id }
        }
    """
    included = await run(shop_gateway, query, {"a": True})
    assert included == {"data": {"me": {"reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]}}}
    skipped = await run(shop_gateway, query, {"a": False})
    assert skipped == {"data": {"topReviews": [{"id": "r1"}, {"id": "r2"}, {"id": "r3"}, {"id": "r4"}]}}


async def test_conditional_fragment_with_remote_fields(shop_gateway: Gateway) -> None:
    query = "query ($x: Boolean!) { me { name ... @include(if: $x) { reviews { body } } } }"
    assert await run(shop_gateway, query, {"x": False}) == {"data": {"me": {"name": "Ada Lovelace"}}}
    with_reviews = await run(shop_gateway, query, {"x": True})
    assert with_reviews["data"]["me"]["reviews"] == [{"body": "Love it!"}, {"body": "Too expensive."}]


async def test_long_chain_through_lists_and_back(shop_gateway: Gateway) -> None:
    query = "query ($n: Int) { topProducts(first: $n) { name reviews { author { username reviews { product { name } } } } } }"
    result = await run(shop_gateway, query, {"n": 1})
    [table] = result["data"]["topProducts"]
    assert table["name"] == "Table"
    assert [review["author"]["username"] for review in table["reviews"]] == ["ada", "alan"]
    assert table["reviews"][1]["author"]["reviews"] == [
        {"product": {"name": "Chair"}},
        {"product": {"name": "Table"}},
    ]


async def test_entity_list_keeps_order_and_duplicates(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ topReviews { product { upc name } } }")
    assert [review["product"]["name"] for review in result["data"]["topReviews"]] == [
        "Table",
        "Couch",
        "Chair",
        "Table",
    ]


async def test_input_object_and_enum_variables_reach_the_subgraph(shop_gateway: Gateway) -> None:
    query = """
        query ($filter: ProductFilter!, $sort: Sort) {
          search(filter: $filter, sort: $sort) { name inStock }
        }
    """
    by_price = await run(shop_gateway, query, {"filter": {"maxPrice": 1000}, "sort": "PRICE"})
    assert by_price == {
        "data": {"search": [{"name": "Chair", "inStock": True}, {"name": "Table", "inStock": True}]}
    }
    default_sort = await run(shop_gateway, '{ search(filter: {nameContains: "C"}) { name } }')
    assert default_sort == {"data": {"search": [{"name": "Chair"}, {"name": "Couch"}]}}
