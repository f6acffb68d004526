"""The router survives subgraphs that answer badly: partial data, errors mapped to client paths and
located in the client's document."""

from __future__ import annotations

from typing import Any

from router.gateway import Gateway, GraphQLRequest
from tests.router.locations import location_of


def items_query(scenario: str, fields: str = "id detail") -> str:
    return f'{{ items(scenario: "{scenario}") {{ {fields} }} }}'


async def items(gateway: Gateway, scenario: str, fields: str = "id detail") -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(items_query(scenario, fields)), {})


async def test_well_behaved_subgraph_merges_every_entity(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "fine")
    expected = [{"id": f"fine-{i}", "detail": f"detail of fine-{i}"} for i in range(3)]
    assert result == {"data": {"items": expected}}


async def test_fewer_entities_than_representations_leaves_the_rest_null(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "short")
    assert [item["detail"] for item in result["data"]["items"]] == ["detail of short-0", None, None]


async def test_null_entities_list_keeps_data_and_reports_the_error(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "nullentities", "name detail")
    assert result["data"]["items"] == [{"name": f"item {i}", "detail": None} for i in range(3)]
    assert result["errors"] == [{"message": "nope", "extensions": {"serviceName": "details"}}]


async def test_entity_error_path_is_rewritten_to_the_client_path(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "partial")
    assert result["data"]["items"][1] == {"id": "partial-1", "detail": None}
    assert result["errors"] == [
        {
            "message": "detail failed",
            "locations": [location_of(items_query("partial"), "detail")],
            "path": ["items", 1, "detail"],
            "extensions": {"serviceName": "details"},
        }
    ]


async def test_null_in_non_null_field_nulls_the_list_item(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "strictnull", "id strict")
    assert result["data"]["items"] == [
        {"id": "strictnull-0", "strict": "ok"},
        {"id": "strictnull-1", "strict": "ok"},
        None,
    ]
    assert [error["path"] for error in result["errors"]] == [["items", 2, "strict"]]


async def test_null_key_is_not_sent_and_does_not_crash(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "nullkey", "name detail")
    assert result["data"]["items"][1] == {"name": "no id", "detail": None}
    assert result["data"]["items"][2] == {"name": "item 2", "detail": "detail of nullkey-2"}


async def test_unavailable_subgraph_gives_partial_data_and_a_service_error(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "down", "name detail")
    assert result["data"]["items"] == [{"name": f"item {i}", "detail": None} for i in range(3)]
    [error] = result["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "details"}


async def test_null_propagates_to_the_root_when_everything_is_non_null(scripted_gateway: Gateway) -> None:
    query = '{ item(scenario: "strictnull") { strict } }'
    result = await scripted_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "strict failed",
                "locations": [location_of(query, "strict }")],
                "path": ["item", "strict"],
                "extensions": {"serviceName": "details"},
            }
        ],
    }


async def test_duplicate_entities_are_sent_once(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "dup", "name detail")
    assert result["data"]["items"] == [{"name": "same", "detail": "1 representations"}] * 3


async def test_authorization_and_request_id_are_forwarded(scripted_gateway: Gateway) -> None:
    headers = {"authorization": "Bearer t0k3n", "x-request-id": "req-1"}
    result = await scripted_gateway.execute(GraphQLRequest("{ headers }"), headers)
    assert result == {"data": {"headers": ["Bearer t0k3n", "req-1", None]}}


async def test_enum_value_hidden_from_clients_becomes_null_with_an_error(scripted_gateway: Gateway) -> None:
    result = await items(scripted_gateway, "fine", "kind")
    assert result["data"]["items"] == [{"kind": "BOOK"}, {"kind": None}, {"kind": "BOOK"}]
    assert result["errors"] == [
        {
            "message": "Enum 'Kind' cannot represent value: 'SECRET'",
            "locations": [location_of(items_query("fine", "kind"), "kind")],
            "path": ["items", 1, "kind"],
        }
    ]
