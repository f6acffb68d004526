"""What one subgraph can resolve by itself from a given position, and what leaving it would cost.

These are the planner's questions that need no planning state: they look only at the supergraph (through
`Resolution`) and at the `@provides` selection in scope.
"""

from __future__ import annotations

from router.plan.selection import Field, InlineFragment, Selection
from router.planner.cost import DETOUR_FETCHES, LATER_FIELD_WEIGHT, PlanCost
from router.planner.resolvability.narrowing import can_be_in, field_type_in
from router.planner.resolvability.resolution import Resolution, provided_below, provided_fields
from router.supergraph.model import FieldDef

_JUMP_FIELDS = 2
"""Fields a jump selects besides the fields themselves: `__typename` and a key (counted as one)."""


def _size(selections: tuple[Selection, ...]) -> int:
    """How many fields a selection set holds, nested ones included."""
    return sum(
        (1 if isinstance(selection, Field) else 0) + _size(selection.selections) for selection in selections
    )


class Reach:
    """Answers "can this subgraph do it alone?" for one supergraph."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution

    def resolves_plainly(
        self, graph: str, type_name: str, field_def: FieldDef, provided: tuple[Selection, ...] | None
    ) -> bool:
        """Resolvable here without an entity fetch (so not a field with `@requires` in this subgraph)."""
        return self.resolution.can_resolve(
            graph, type_name, field_def, provided
        ) and not self.resolution.requires(graph, field_def)

    def only_provided(self, graph: str, type_name: str, field_def: FieldDef) -> bool:
        """Whether `graph` has the field only through a `@provides` in scope (it is `@external` there)."""
        return not self.resolution.can_resolve(graph, type_name, field_def, None)

    def covered(
        self, selections: tuple[Selection, ...], provided: tuple[Selection, ...] | None, type_name: str
    ) -> bool:
        """Whether a `@provides` selection includes everything the client selects below a provided field."""
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if not self.covered(selection.selections, provided, selection.type_condition or type_name):
                    return False
                continue
            if selection.name == "__typename":
                continue
            matches = [
                f for f in provided_fields(provided, type_name, self.resolution) if f.name == selection.name
            ]
            if not matches:
                return False
            if selection.selections:
                below = tuple(child for match in matches for child in match.selections)
                field_def = self.resolution.type(type_name).fields.get(selection.name)
                if field_def is None or not self.covered(selection.selections, below, field_def.type_name):
                    return False
        return True

    def can_stay_abstract(
        self,
        graph: str,
        abstract: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        """Whether the selections can be asked on the abstract type itself, without per-type fragments."""
        type_def = self.resolution.type(abstract)
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if selection.type_condition not in (None, abstract):
                    return False
                if not self.can_stay_abstract(graph, abstract, selection.selections, provided):
                    return False
                continue
            if selection.name == "__typename":
                continue
            field_def = type_def.fields.get(selection.name)
            if field_def is None or not self.resolves_plainly(graph, abstract, field_def, provided):
                return False
            for runtime_type in self.resolution.possible_types_in(graph, abstract):
                runtime_field = self.resolution.type(runtime_type).fields.get(selection.name)
                if runtime_field is None or not self.resolves_plainly(
                    graph, runtime_type, runtime_field, provided
                ):
                    return False
        return True

    def available(
        self,
        graph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        """Whether `graph` can select all of `selections` on `type_name` by itself."""
        for selection in selections:
            if isinstance(selection, InlineFragment):
                condition = selection.type_condition or type_name
                if not self.resolution.type_in_graph(self.resolution.type(condition), graph):
                    return False
                if not self.available(graph, condition, selection.selections, provided):
                    return False
                continue
            if selection.name == "__typename":
                continue
            field_def = self.resolution.type(type_name).fields.get(selection.name)
            if field_def is None or not self.resolves_plainly(graph, type_name, field_def, provided):
                return False
            below = provided_below(provided, type_name, field_def.name, self.resolution)
            if selection.selections and not self.available(
                graph, field_def.type_name, selection.selections, below
            ):
                return False
        return True

    def cost(
        self, graph: str, type_name: str, selection: Field, provided: tuple[Selection, ...] | None
    ) -> PlanCost:
        """What selecting `selection` (and everything below it) from `graph` adds to the plan.

        Fields `graph` cannot resolve are counted as one entity fetch per selection level (they would
        share it), run after this one; their own sub-selections are not explored further. A `@provides`
        in scope, or on the field itself, makes the fields it provides local: no fetch, fewer fields.
        """
        return self.cost_all(graph, type_name, (selection,), provided)

    def cost_all(
        self,
        graph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> PlanCost:
        """The `cost` of a selection set on `type_name`."""
        total = PlanCost()
        elsewhere = 0
        for selection in selections:
            if isinstance(selection, InlineFragment):
                condition = selection.type_condition or type_name
                if can_be_in(self.resolution, graph, type_name, condition):
                    total += self.cost_all(graph, condition, selection.selections, provided)
                else:
                    later = _size(selection.selections) * LATER_FIELD_WEIGHT
                    total += PlanCost(fields=later).with_fetch(after=True)
                continue
            field_def = self.resolution.type(type_name).fields.get(selection.name)
            if selection.name == "__typename" or field_def is None:
                continue
            if not self.resolves_plainly(graph, type_name, field_def, provided):
                elsewhere += _size((selection,))
                continue
            provides = self.resolution.provides(graph, field_def)
            below = (
                self.resolution.field_set(provides)
                if provides
                else provided_below(provided, type_name, field_def.name, self.resolution)
            )
            total += PlanCost(fields=1) + self.cost_all(
                graph, field_type_in(self.resolution, graph, field_def), selection.selections, below
            )
        if elsewhere:
            jump = PlanCost(fields=(elsewhere + _JUMP_FIELDS) * LATER_FIELD_WEIGHT).with_fetch(after=True)
            if not self.resolution.type(type_name).keys_in(graph):
                jump = PlanCost(fetches=DETOUR_FETCHES, depth=jump.depth, fields=jump.fields)
            total += jump
        return total

    def chain_resolvable(self, graph: str, chain: tuple[tuple[Selection, str], ...]) -> bool:
        """Whether `graph` can replay a path of fields and fragments from an entity down to a value."""
        for step, parent_type in chain:
            if isinstance(step, InlineFragment):
                if step.type_condition and not self.resolution.type_in_graph(
                    self.resolution.type(step.type_condition), graph
                ):
                    return False
                continue
            field_def = self.resolution.type(parent_type).fields.get(step.name)
            if field_def is None or not self.resolves_plainly(graph, parent_type, field_def, None):
                return False
        return True
