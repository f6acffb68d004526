"""Building `_entities` representations: selection by input shape, deduplication, skipped objects."""

from typing import Any

from router.executor.paths import ResponsePath
from router.executor.representations import build_representations
from router.plan.selection import InlineFragment
from router.planner.normalize import parse_field_set

NON_NULL = {("User", "id"), ("Org", "id")}


def applies(condition: str | None, typename: str) -> bool:
    return condition in (None, typename) or (condition == "Node" and typename in ("User", "Org"))


def field_info(type_name: str, field_name: str) -> tuple[str, bool] | None:
    return ("Org" if field_name == "org" else "String", (type_name, field_name) in NON_NULL)


def requires(type_condition: str, field_set: str) -> tuple[InlineFragment, ...]:
    return (InlineFragment(type_condition, (), parse_field_set(f"__typename {field_set}")),)


def objects(*values: dict[str, Any]) -> list[tuple[dict[str, Any], ResponsePath]]:
    return [(value, [index]) for index, value in enumerate(values)]


def test_representation_holds_exactly_the_input_fields() -> None:
    [representation] = build_representations(
        objects({"__typename": "User", "id": "1", "name": "Ada", "org": {"id": "o", "x": 1}}),
        requires("User", "id org { id }"),
        (),
        applies,
        field_info,
    )
    assert representation.value == {"__typename": "User", "id": "1", "org": {"id": "o"}}


def test_equal_representations_are_sent_once_for_every_object() -> None:
    first, second, third = (
        {"__typename": "User", "id": "1"},
        {"__typename": "User", "id": "1"},
        {"__typename": "User", "id": "2"},
    )
    representations = build_representations(
        objects(first, second, third), requires("User", "id"), (), applies, field_info
    )
    assert [r.value["id"] for r in representations] == ["1", "2"]
    assert [path for _, path in representations[0].targets] == [[0], [1]]


def test_objects_with_a_null_or_missing_key_are_skipped() -> None:
    representations = build_representations(
        objects({"__typename": "User", "id": None}, {"__typename": "User"}, {"id": "3"}),
        requires("User", "id"),
        (),
        applies,
        field_info,
    )
    assert representations == []


def test_other_types_are_left_out() -> None:
    representations = build_representations(
        objects({"__typename": "Org", "id": "o"}), requires("User", "id"), (), applies, field_info
    )
    assert representations == []


def test_interface_object_input_rewrites_the_typename() -> None:
    [representation] = build_representations(
        objects({"__typename": "User", "id": "1"}), requires("Node", "id"), ("Node",), applies, field_info
    )
    assert representation.value == {"__typename": "Node", "id": "1"}
