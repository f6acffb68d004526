"""Where the planning walk is, and the small helpers that describe a selection level."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from router.plan.operation import Conditional
from router.plan.selection import Field, Selection, print_arguments
from router.planner.walk.groups import FetchGroup, SelectionBuilder


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """Where the walk is: which fetch, where in its selection, at which response path."""

    group: FetchGroup
    target: SelectionBuilder
    path: tuple[str, ...]
    provided: tuple[Selection, ...] | None = None
    conditions: tuple[Conditional, ...] = ()
    client_fields: Mapping[str, Field] | None = None
    system: bool = False
    """True while adding what the plan needs (keys, requirements) rather than what the client asked."""
    anchor: Anchor | None = None
    type_conditions: tuple[tuple[int, str], ...] = ()
    """Object types entered below abstract types on the way here: (path segment index, type)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """The nearest enclosing entity and the selections from it down to the current position.

    A field of a value type that the current subgraph cannot resolve is reached by jumping from this
    entity to a subgraph that can, and replaying `chain` there (a "parent entity call"). The query root
    anchors too (`at_root`): another subgraph sharing the root field is then simply queried as well.
    """

    position: Position
    type_name: str
    chain: tuple[ChainStep, ...] = ()
    at_root: bool = False
    outer: Anchor | None = None
    """The anchor enclosing this one, its chain ending where this anchor starts: the next to try when
    this entity has no key in the subgraph that must be reached."""

    def extended(self, step: Selection, parent_type: str) -> Anchor:
        return Anchor(
            position=self.position,
            type_name=self.type_name,
            chain=(*self.chain, ChainStep(selection=step, parent_type=parent_type)),
            at_root=self.at_root,
            outer=self.outer,
        )

    def nearest_first(self) -> Iterator[Anchor]:
        """This anchor, then each enclosing one with its chain continued down to the current position."""
        anchor: Anchor | None = self
        below: tuple[ChainStep, ...] = ()
        while anchor is not None:
            yield Anchor(
                position=anchor.position,
                type_name=anchor.type_name,
                chain=(*anchor.chain, *below),
                at_root=anchor.at_root,
                outer=anchor.outer,
            )
            below = (*anchor.chain, *below)
            anchor = anchor.outer


class ChainStep(NamedTuple):
    """One step of an anchor's chain: a field (its sub-selection left out) or a fragment, and the type
    it is selected on."""

    selection: Selection
    parent_type: str


def list_depth(type_ref: str) -> int:
    """How many list levels a type has: one `@` per level in Flatten paths."""
    return type_ref.count("[")


def client_fields_of(selections: tuple[Selection, ...]) -> dict[str, Field]:
    """The client's fields of one selection level (fragments flattened), by response key."""
    fields: dict[str, Field] = {}
    for selection in selections:
        if isinstance(selection, Field):
            fields.setdefault(selection.response_key, selection)
        else:
            for key, field in client_fields_of(selection.selections).items():
                fields.setdefault(key, field)
    return fields


def unclash(
    client_fields: Mapping[str, Field] | None, needed: tuple[Selection, ...]
) -> tuple[Selection, ...]:
    """Alias the fields the plan needs whose names the client uses as response keys for something else.

    Keys and requirements are read back by response key, so a client alias such as `id: name` must not
    share `id` with the entity key `id` in one subgraph selection. Nested requirements (`dims { width }`)
    merge into the client's field of the same key, so they are checked against its sub-selection too.
    """
    if not client_fields:
        return needed
    result: list[Selection] = []
    for selection in needed:
        if isinstance(selection, Field):
            client = client_fields.get(selection.response_key)
            if client is not None and (
                client.name != selection.name
                or print_arguments(client.arguments) != print_arguments(selection.arguments)
            ):
                selection = Field(
                    name=selection.name,
                    alias=f"{selection.name}__alias_0",
                    arguments=selection.arguments,
                    directives=selection.directives,
                    selections=selection.selections,
                )
            elif client is not None and selection.selections:
                selection = selection.with_selections(
                    unclash(client_fields_of(client.selections), selection.selections)
                )
        result.append(selection)
    return tuple(result)
