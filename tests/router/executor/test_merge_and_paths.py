"""Merging subgraph results, finding objects along Flatten paths, undoing conflict aliases."""

from typing import Any

from router.executor.context import context_values
from router.executor.merge import deep_merge
from router.executor.paths import objects_at, undo_renames
from router.executor.subgraph_errors import unaliased_path
from router.plan.context_rewrites import ContextRewrite
from router.plan.nodes import KeyRename
from router.plan.selection import Field


def test_deep_merge_merges_nested_objects_and_lists_element_wise() -> None:
    target: dict[str, Any] = {"a": {"x": 1}, "items": [{"id": 1}, {"id": 2}]}
    deep_merge(target, {"a": {"y": 2}, "items": [{"n": "one"}, {"n": "two"}], "b": 3})
    assert target == {"a": {"x": 1, "y": 2}, "items": [{"id": 1, "n": "one"}, {"id": 2, "n": "two"}], "b": 3}


def test_deep_merge_keeps_a_concrete_typename_but_replaces_an_interface_name() -> None:
    concrete: dict[str, Any] = {"__typename": "Book"}
    deep_merge(concrete, {"__typename": "Media", "stars": 5}, frozenset({"Media"}))
    assert concrete == {"__typename": "Book", "stars": 5}
    from_interface_object: dict[str, Any] = {"__typename": "Media"}
    deep_merge(from_interface_object, {"__typename": "Book"}, frozenset({"Media"}))
    assert from_interface_object == {"__typename": "Book"}


def test_objects_at_walks_lists_and_skips_nulls() -> None:
    data = {"a": [{"b": {"id": 1}}, None, {"b": None}, {"b": {"id": 2}}]}
    assert objects_at(data, ("a", "@", "b")) == [({"id": 1}, ["a", 0, "b"]), ({"id": 2}, ["a", 3, "b"])]


def test_objects_at_flattens_nested_lists() -> None:
    data = {"grid": [[{"v": 1}], [{"v": 2}, {"v": 3}]]}
    found = objects_at(data, ("grid", "@", "@"))
    assert [path for _, path in found] == [["grid", 0, 0], ["grid", 1, 0], ["grid", 1, 1]]


def test_undo_renames_restores_client_keys_deepest_first() -> None:
    response: dict[str, Any] = {"data": {"items": [{"x__alias_1": {"y__alias_1": 1}}, {"x": {"y": 2}}]}}
    renames = (
        KeyRename(("items", "@"), "x__alias_1", "x"),
        KeyRename(("items", "@", "x__alias_1"), "y__alias_1", "y"),
    )
    undo_renames(response, renames)
    assert response == {"data": {"items": [{"x": {"y": 1}}, {"x": {"y": 2}}]}}


def test_error_paths_lose_conflict_aliases_as_the_data_does() -> None:
    renames = (
        KeyRename(("_entities", "@"), "x__alias_1", "x"),
        KeyRename(("_entities", "@", "x__alias_1", "@"), "y__alias_1", "y"),
    )
    path = ["_entities", 2, "x__alias_1", 0, "y__alias_1"]
    assert unaliased_path(path, renames) == ["_entities", 2, "x", 0, "y"]


def test_error_paths_keep_an_alias_used_at_another_depth() -> None:
    renames = (KeyRename(("items", "@"), "x__alias_1", "x"),)
    assert unaliased_path(["x__alias_1"], renames) == ["x__alias_1"]


def _is(type_condition: str | None, typename: str) -> bool:
    return type_condition in (None, typename)


def test_objects_at_enters_only_elements_the_type_condition_applies_to() -> None:
    data = {
        "media": [
            {"__typename": "Book", "author": {"id": "u1"}},
            {"__typename": "Movie", "author": {"id": "u2"}},
        ]
    }
    found = objects_at(data, ("media", "@|[Book]", "author"), _is)
    assert found == [({"id": "u1"}, ["media", 0, "author"])]


def test_context_values_come_from_each_entitys_own_ancestor() -> None:
    data = {"stores": [{"currency": "EUR", "products": [{"id": "p1"}]}, {"currency": "GBP", "products": []}]}
    rewrite = ContextRewrite(
        variable="contextualArgument_1_0", type_ref="String", ancestor_depth=2, selection=(Field("currency"),)
    )
    assert context_values((rewrite,), data, ["stores", 0, "products", 0], _is) == {
        "contextualArgument_1_0": "EUR"
    }
