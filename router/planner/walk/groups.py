"""Mutable scaffolding used while planning: selection sets being assembled, and fetch groups.

These objects live only inside one call to the planner; the plan it returns is immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from router.plan.context_rewrites import ContextRewrite
from router.plan.operation import Conditional
from router.plan.selection import Field, InlineFragment, Selection, field_head, fragment_head


class SelectionBuilder:
    """An ordered selection set that merges equal fields and fragments as they are added."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Selection, SelectionBuilder | None]] = {}

    def leaf(self, selection: Field) -> None:
        self._entries.setdefault("f:" + field_head(selection), (selection.with_selections(()), None))

    def field(self, selection: Field) -> SelectionBuilder:
        """The builder for the sub-selection of `selection`, created on first use."""
        key = "f:" + field_head(selection)
        entry = self._entries.get(key)
        builder = entry[1] if entry is not None else None
        if builder is None:
            builder = SelectionBuilder()
            self._entries[key] = (selection.with_selections(()), builder)
        return builder

    def fragment(
        self, type_condition: str | None, directives: InlineFragment | None = None
    ) -> SelectionBuilder:
        """The builder for `... on type_condition` (with the directives of `directives`, if given)."""
        template = InlineFragment(type_condition, directives.directives if directives else ())
        key = "i:" + fragment_head(template)
        entry = self._entries.get(key)
        builder = entry[1] if entry is not None else None
        if builder is None:
            builder = SelectionBuilder()
            self._entries[key] = (template, builder)
        return builder

    def add_all(self, selections: tuple[Selection, ...]) -> None:
        """Merge already-built selections (keys, requirements) into this set."""
        for selection in selections:
            if isinstance(selection, Field):
                if selection.selections:
                    self.field(selection).add_all(selection.selections)
                else:
                    self.leaf(selection)
            else:
                self.fragment(selection.type_condition, selection).add_all(selection.selections)

    def drop_typename_only_fragments(self) -> None:
        """Remove `... on T { __typename }` children: redundant where `__typename` is already selected."""
        for key, (template, child) in list(self._entries.items()):
            if isinstance(template, InlineFragment) and child is not None and child.is_typename_only():
                del self._entries[key]

    def is_typename_only(self) -> bool:
        return all(
            isinstance(template, Field)
            and template.name == "__typename"
            and template.alias is None
            and not template.directives
            for template, _ in self._entries.values()
        )

    def snapshot(self) -> list[tuple[SelectionBuilder, dict[str, tuple[Selection, SelectionBuilder | None]]]]:
        """This builder's and its descendants' contents, to `restore` after an abandoned attempt."""
        saved = [(self, dict(self._entries))]
        for _, child in self._entries.values():
            if child is not None:
                saved.extend(child.snapshot())
        return saved

    @staticmethod
    def restore(
        saved: list[tuple[SelectionBuilder, dict[str, tuple[Selection, SelectionBuilder | None]]]],
    ) -> None:
        for builder, entries in saved:
            builder._entries = dict(entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def freeze(self) -> tuple[Selection, ...]:
        result: list[Selection] = []
        for template, child in self._entries.values():
            children = child.freeze() if child is not None else ()
            if child is not None and not children:
                continue
            if isinstance(template, Field):
                result.append(template.with_selections(children))
            else:
                result.append(InlineFragment(template.type_condition, template.directives, children))
        return tuple(result)


@dataclass(eq=False, kw_only=True)
class FetchGroup:
    """Everything one fetch will ask of one subgraph, plus the groups it must wait for."""

    id: int
    subgraph: str
    merge_path: tuple[str, ...] = ()
    is_entity: bool = False
    selection: SelectionBuilder = field(default_factory=SelectionBuilder)
    inputs: SelectionBuilder = field(default_factory=SelectionBuilder)
    parents: frozenset[int] = frozenset()
    conditions: tuple[Conditional, ...] | None = None
    typename_rewrites: set[str] = field(default_factory=set)
    context_rewrites: dict[str, ContextRewrite] = field(default_factory=dict)
    """Contextual variables by name; the fetch keeps those its selections still use."""
    flatten_path: tuple[str, ...] | None = None
    """`merge_path` with the type conditions the plan prints and the executor applies (set once walked)."""

    def snapshot(self) -> GroupSnapshot:
        return GroupSnapshot(
            group=self,
            selection=self.selection.snapshot(),
            inputs=self.inputs.snapshot(),
            conditions=self.conditions,
            typename_rewrites=set(self.typename_rewrites),
        )

    def restrict_conditions(self, conditions: tuple[Conditional, ...]) -> None:
        """Keep only the conditions shared by everything added to this group so far."""
        if self.conditions is None:
            self.conditions = conditions
        else:
            self.conditions = tuple(c for c in self.conditions if c in conditions)


@dataclass(frozen=True, kw_only=True)
class GroupSnapshot:
    """A fetch group's state at a checkpoint of the planner."""

    group: FetchGroup
    selection: list[tuple[SelectionBuilder, dict[str, tuple[Selection, SelectionBuilder | None]]]]
    inputs: list[tuple[SelectionBuilder, dict[str, tuple[Selection, SelectionBuilder | None]]]]
    conditions: tuple[Conditional, ...] | None
    typename_rewrites: set[str]

    def restore(self) -> None:
        SelectionBuilder.restore(self.selection)
        SelectionBuilder.restore(self.inputs)
        self.group.conditions = self.conditions
        self.group.typename_rewrites = set(self.typename_rewrites)


@dataclass(frozen=True, kw_only=True)
class FetchGroups:
    """What the walk produces: every fetch group in creation order, and the root fetches they hang from.

    `root_of` maps a group's id to the index of the root fetch it was created under, so a mutation's
    root fields can be scheduled one after another, each with the entity fetches it needs;
    `flatten_paths` maps each group's id to its merge path with the type conditions that keep other
    union/interface members' objects out of it (`walk/type_conditions.py`).
    """

    groups: tuple[FetchGroup, ...]
    roots: tuple[FetchGroup, ...]
    root_of: dict[int, int]
    flatten_paths: dict[int, tuple[str, ...]]
