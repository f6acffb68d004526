"""Keep subgraph fetches valid when one response key would carry two different types.

Clients validate against the supergraph, but a subgraph may type a field differently (its
`@join__field(type:)`), and expanding an interface selection into per-type fragments can put fields of
different subgraph types under one response key, which GraphQL rejects. Such fields are aliased apart
in the fetch (`key__alias_1`), and the executor renames them back when the response arrives.
"""

from __future__ import annotations

from collections.abc import Iterator

from router.plan.nodes import KeyRename
from router.plan.selection import Field, InlineFragment, Selection
from router.planner.resolvability.resolution import Resolution


class _Separator:
    def __init__(self, resolution: Resolution, graph: str) -> None:
        self.resolution = resolution
        self.graph = graph
        self.renames: list[KeyRename] = []

    def _shape(self, owner: str, field: Field) -> str:
        if field.name == "__typename":
            return "String!"
        field_def = self.resolution.type(owner).fields.get(field.name)
        if field_def is None:
            return "?"
        join = field_def.join_for(self.graph)
        return join.type if join is not None and join.type else field_def.type_ref

    def _fields(self, selections: tuple[Selection, ...], owner: str) -> Iterator[tuple[Field, str]]:
        for selection in selections:
            if isinstance(selection, Field):
                yield selection, owner
            else:
                yield from self._fields(selection.selections, selection.type_condition or owner)

    def level(
        self, sets: list[tuple[tuple[Selection, ...], str]], path: tuple[str, ...]
    ) -> list[tuple[Selection, ...]]:
        """Rewrite selection sets that share one response object so that no key carries two shapes."""
        aliases: dict[int, str] = {}
        shapes_by_key: dict[str, list[str]] = {}
        for selections, owner in sets:
            for field, field_owner in self._fields(selections, owner):
                shapes = shapes_by_key.setdefault(field.response_key, [])
                shape = self._shape(field_owner, field)
                if shape not in shapes:
                    shapes.append(shape)
                index = shapes.index(shape)
                if index:
                    alias = f"{field.response_key}__alias_{index}"
                    aliases[id(field)] = alias
                    self.renames.append(KeyRename(path, alias, field.response_key))
        groups: dict[str, list[tuple[int, tuple[Selection, ...], str, int]]] = {}
        for selections, owner in sets:
            for field, field_owner in self._fields(selections, owner):
                field_def = self.resolution.type(field_owner).fields.get(field.name)
                if field.selections and field_def is not None:
                    key = aliases.get(id(field), field.response_key)
                    entry = (id(field), field.selections, field_def.type_name, field_def.type_ref.count("["))
                    groups.setdefault(key, []).append(entry)
        rewritten_children: dict[int, tuple[Selection, ...]] = {}
        for key, entries in groups.items():
            below = (*path, key, *("@",) * entries[0][3])
            new_children = self.level([(children, type_name) for _, children, type_name, _ in entries], below)
            for (field_id, _, _, _), children in zip(entries, new_children, strict=True):
                rewritten_children[field_id] = children
        return [self._rebuild(selections, aliases, rewritten_children) for selections, _ in sets]

    def _rebuild(
        self,
        selections: tuple[Selection, ...],
        aliases: dict[int, str],
        children: dict[int, tuple[Selection, ...]],
    ) -> tuple[Selection, ...]:
        result: list[Selection] = []
        for selection in selections:
            if isinstance(selection, InlineFragment):
                inner = self._rebuild(selection.selections, aliases, children)
                result.append(InlineFragment(selection.type_condition, selection.directives, inner))
                continue
            alias = aliases.get(id(selection), selection.alias)
            result.append(
                Field(
                    name=selection.name,
                    alias=alias,
                    arguments=selection.arguments,
                    directives=selection.directives,
                    selections=children.get(id(selection), selection.selections),
                )
            )
        return tuple(result)


def separate_conflicts(
    selections: tuple[Selection, ...], root_type: str, graph: str, resolution: Resolution, *, entities: bool
) -> tuple[tuple[Selection, ...], tuple[KeyRename, ...]]:
    """The fetch's selections with conflicting keys aliased apart, and the renames that undo it."""
    separator = _Separator(resolution, graph)
    if entities:
        [rewritten] = separator.level([(selections, root_type)], ("_entities", "@"))
    else:
        [rewritten] = separator.level([(selections, root_type)], ())
    return rewritten, tuple(separator.renames)
