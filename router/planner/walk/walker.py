"""The planning walk: assign every selected field to a subgraph and group the work into fetches.

The walk follows the operation top-down. At each field it asks: can the subgraph of the fetch we are
in resolve this field here? If so the field joins that fetch. If not, the planner picks the best other
subgraph that can, makes sure the current fetch selects the entity's key (and any `@requires` fields,
planned the same way), and moves the field into an `_entities` fetch that depends on the fetches that
produce those inputs. Fetches to the same subgraph at the same path with the same dependencies merge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from router.errors import PlanningError
from router.plan.operation import Conditional, Operation, conditionals
from router.plan.selection import TYPENAME, Field, InlineFragment, Selection
from router.planner.cost import RouteCost
from router.planner.resolvability.narrowing import field_type_in
from router.planner.resolvability.reach import Reach
from router.planner.resolvability.resolution import Resolution, provided_below
from router.planner.walk.context import ContextPlanner
from router.planner.walk.groups import FetchGroup, FetchGroups, GroupSnapshot, SelectionBuilder
from router.planner.walk.inputs import InputKeys, inputs_conflict
from router.planner.walk.position import Anchor, ChainStep, Position, client_fields_of, list_depth, unclash
from router.planner.walk.routes import Route, RouteFinder
from router.planner.walk.type_conditions import TypeConditionTracker
from router.supergraph.model import FieldDef

_INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type", "__typename"})
_MAX_BACKTRACKS = 64
"""Abandoned route choices allowed per operation, so pathological supergraphs cannot explode planning."""


@dataclass(frozen=True, kw_only=True)
class _Checkpoint:
    """Enough planner state to undo an attempt that led nowhere."""

    groups: int
    root_groups: int
    entity_groups: dict[tuple[str, tuple[str, ...], frozenset[int]], tuple[FetchGroup, ...]]
    root_index: int
    states: tuple[GroupSnapshot, ...]
    input_keys: dict[tuple[tuple[str, ...], str], str]


def walk(resolution: Resolution, operation: Operation) -> FetchGroups:
    """Stage 2 of planning: every field of the operation assigned to a fetch group."""
    walker = Walker(resolution, operation)
    walker.build()
    return FetchGroups(
        groups=tuple(walker.groups),
        roots=tuple(walker.root_groups),
        root_of=walker.root_of,
        flatten_paths={group.id: walker.type_conditions.flatten_path(group) for group in walker.groups},
    )


class Walker:
    """Walks one operation into fetch groups. Single use: create, call `build`, read `groups`."""

    def __init__(self, resolution: Resolution, operation: Operation) -> None:
        self.resolution = resolution
        self.reach = Reach(resolution)
        self.routes = RouteFinder(resolution, self.reach)
        self.operation = operation
        self.groups: list[FetchGroup] = []
        self.root_groups: list[FetchGroup] = []
        self.root_of: dict[int, int] = {}
        self._entity_groups: dict[tuple[str, tuple[str, ...], frozenset[int]], tuple[FetchGroup, ...]] = {}
        self._input_keys = InputKeys()
        self._in_progress: set[tuple[str, str, str]] = set()
        self._root_index = 0
        self._single_choice_graphs: frozenset[str] = frozenset()
        self._backtracks = 0
        self.contexts = ContextPlanner(self)
        self.type_conditions = TypeConditionTracker()

    def build(self) -> None:
        self._single_choice_graphs = self._graphs_used_anyway(self.operation.selections)
        self._plan_root_selections(self.operation.selections, (), ())

    def _graphs_used_anyway(self, selections: tuple[Selection, ...]) -> frozenset[str]:
        """Subgraphs some root field can only come from: shareable root fields prefer joining them."""
        graphs: set[str] = set()
        root_type = self.operation.root_type
        for selection in selections:
            if isinstance(selection, InlineFragment):
                graphs |= self._graphs_used_anyway(selection.selections)
            elif selection.name not in _INTROSPECTION_ROOT_FIELDS:
                field_def = self.resolution.field(root_type, selection.name)
                candidates = [
                    g
                    for g in self.resolution.supergraph.graphs
                    if self.resolution.can_resolve(g, root_type, field_def, None)
                ]
                if len(candidates) == 1:
                    graphs.add(candidates[0])
        return frozenset(graphs)

    def _plan_root_selections(
        self,
        selections: tuple[Selection, ...],
        conditions: tuple[Conditional, ...],
        wrappers: tuple[InlineFragment, ...],
    ) -> None:
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if selection.directives:
                    self._plan_root_selections(
                        selection.selections,
                        conditions + conditionals(selection.directives),
                        (*wrappers, selection),
                    )
                else:
                    self._plan_root_selections(selection.selections, conditions, wrappers)
            elif selection.name not in _INTROSPECTION_ROOT_FIELDS:
                self._plan_root_field(selection, conditions, wrappers)

    def _plan_root_field(
        self, selection: Field, conditions: tuple[Conditional, ...], wrappers: tuple[InlineFragment, ...]
    ) -> None:
        """Plan a root field in the best subgraph, falling back to the next ones if planning fails there."""
        candidates = self._root_groups_for(selection)
        for attempt, choose in enumerate(candidates):
            last = attempt == len(candidates) - 1 or self._backtracks >= _MAX_BACKTRACKS
            checkpoint = None if last else self._checkpoint()
            try:
                group = choose()
                group.restrict_conditions(conditions + conditionals(selection.directives))
                target = group.selection
                for wrapper in wrappers:
                    target = target.fragment(None, wrapper)
                root = Position(
                    group=group,
                    target=target,
                    path=(),
                    conditions=conditions,
                    client_fields=client_fields_of(self.operation.selections),
                )
                anchor = Anchor(position=root, type_name=self.operation.root_type, at_root=True)
                self.contexts.enter(replace(root, anchor=anchor), self.operation.root_type)
                self._add_field(replace(root, anchor=anchor), self.operation.root_type, selection)
                return
            except PlanningError:
                if checkpoint is None:
                    raise
                self._rollback(checkpoint)
                self._backtracks += 1

    def _root_groups_for(self, selection: Field) -> list[Callable[[], FetchGroup]]:
        """Ways to get a root fetch for the field, best first (each creates the fetch when called)."""
        root_type = self.operation.root_type
        field_def = self.resolution.field(root_type, selection.name)
        candidates = [
            graph
            for graph in self.resolution.supergraph.graphs
            if self.resolution.can_resolve(graph, root_type, field_def, None)
        ]
        if not candidates:
            raise PlanningError(f"no subgraph resolves {root_type}.{selection.name}")
        if self.operation.kind == "mutation":
            last = self.root_groups[-1] if self.root_groups else None
            if last is not None and last.subgraph in candidates:
                return [lambda: last]
            ranked = sorted(
                candidates,
                key=lambda graph: RouteCost(
                    key_hops=0,
                    plan=self.reach.cost(graph, root_type, selection, None),
                    graph_order=self.resolution.graph_order[graph],
                ),
            )
            return [partial(self._new_root_group, graph) for graph in ranked]
        existing = {group.subgraph for group in self.root_groups} | self._single_choice_graphs
        ranked = sorted(candidates, key=lambda graph: self._root_cost(graph, selection, existing))
        return [partial(self._root_group_in, graph) for graph in ranked]

    def _root_cost(self, graph: str, selection: Field, existing: set[str] | frozenset[str]) -> RouteCost:
        """A root field's cost in `graph`: a subgraph not queried anyway costs one more fetch, run in
        parallel with the other root fetches (so a `@provides` there can beat a jump from one in use)."""
        cost = self.reach.cost(graph, self.operation.root_type, selection, None)
        if graph not in existing:
            cost = cost.with_fetch(after=False)
        return RouteCost(key_hops=0, plan=cost, graph_order=self.resolution.graph_order[graph])

    def _root_group_in(self, graph: str) -> FetchGroup:
        """The query's root fetch to `graph`, shared by all root fields planned there."""
        return next((g for g in self.root_groups if g.subgraph == graph), None) or self._new_root_group(graph)

    def _shared_root_group(self, graph: str, conditions: tuple[Conditional, ...]) -> FetchGroup:
        """A root fetch to another subgraph sharing a root field, for what the first one cannot give."""
        if self.operation.kind != "query":
            raise PlanningError(f"a {self.operation.kind} root field cannot be asked of two subgraphs")
        group = self._root_group_in(graph)
        group.restrict_conditions(conditions)
        return group

    def _new_root_group(self, graph: str) -> FetchGroup:
        """A new root fetch; later entity fetches belong to it (mutations run root by root)."""
        self._root_index = len(self.root_groups)
        group = self._new_group(graph, (), is_entity=False, parents=frozenset())
        self.root_groups.append(group)
        return group

    def _new_group(
        self, graph: str, path: tuple[str, ...], *, is_entity: bool, parents: frozenset[int]
    ) -> FetchGroup:
        """Register a fetch group; ids are creation order, which keeps plans deterministic."""
        group = FetchGroup(
            id=len(self.groups), subgraph=graph, merge_path=path, is_entity=is_entity, parents=parents
        )
        self.groups.append(group)
        self.root_of[group.id] = self._root_index
        return group

    def _add_selections(
        self, position: Position, type_name: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        """Add selections on `type_name` at `position`; returns the groups that now produce data there."""
        self.contexts.enter(position, type_name)
        if self.resolution.is_abstract(type_name):
            if not self.resolution.is_object_in(type_name, position.group.subgraph):
                return self._add_abstract(position, type_name, selections)
            return self._add_interface_object(position, type_name, selections)
        if self.resolution.type(type_name).keys_in(position.group.subgraph):
            position = replace(
                position,
                anchor=Anchor(
                    position=replace(position, anchor=None), type_name=type_name, outer=position.anchor
                ),
            )
        touched = {position.group.id}
        for selection in selections:
            if isinstance(selection, Field):
                touched |= self._add_field(position, type_name, selection)
            elif selection.type_condition in (None, type_name) or self.resolution.applies(
                selection.type_condition, type_name
            ):
                touched |= self._add_selections(
                    self._enter_fragment(position, selection), type_name, selection.selections
                )
        return touched

    def _add_interface_object(
        self, position: Position, interface: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        """Selections on an interface in a subgraph that only knows it as an `@interfaceObject`.

        Fields that subgraph has are fetched there; `__typename` and anything specific to implementations
        come from a subgraph owning the real interface, reached through the interface's key.
        """
        local, remote = self._split_for_interface_object(position, interface, selections)
        touched = self._add_plain_selections(position, interface, local)
        if not remote:
            return touched
        route = self.routes.interface_owner(position, interface)
        group, jump_touched = self._feed_entity_fetch(
            position, interface, route, "__typename", position.conditions
        )
        entity_position = Position(
            group=group,
            target=group.selection.fragment(interface),
            path=position.path,
            conditions=position.conditions,
            client_fields=position.client_fields,
            system=position.system,
        )
        return touched | jump_touched | self._add_abstract(entity_position, interface, remote)

    def _split_for_interface_object(
        self, position: Position, interface: str, selections: tuple[Selection, ...]
    ) -> tuple[tuple[Selection, ...], tuple[Selection, ...]]:
        """Selections an `@interfaceObject` subgraph answers itself, and those its owner must answer."""
        graph = position.group.subgraph
        local: list[Selection] = []
        remote: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Field):
                field_def = self.resolution.type(interface).fields.get(selection.name)
                here = (selection.name == "__typename" and position.system) or (
                    field_def is not None
                    and self.reach.resolves_plainly(graph, interface, field_def, position.provided)
                )
                (local if here else remote).append(selection)
            elif selection.type_condition in (None, interface) and not selection.directives:
                inner_local, inner_remote = self._split_for_interface_object(
                    position, interface, selection.selections
                )
                local.extend(inner_local)
                remote.extend(inner_remote)
            else:
                remote.append(selection)
        return tuple(local), tuple(remote)

    def _add_plain_selections(
        self, position: Position, type_name: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        """Add selections without abstract-type handling (the type is an object in this subgraph)."""
        touched = {position.group.id}
        for selection in selections:
            if isinstance(selection, Field):
                touched |= self._add_field(position, type_name, selection)
            else:
                touched |= self._add_plain_selections(
                    self._enter_fragment(position, selection), type_name, selection.selections
                )
        return touched

    def _enter_fragment(self, position: Position, fragment: InlineFragment) -> Position:
        """Step into a fragment: flattened, unless its directives must stay in the fetch."""
        if not fragment.directives:
            return position
        step = InlineFragment(None, fragment.directives)
        return replace(
            position,
            target=position.target.fragment(None, fragment),
            conditions=position.conditions + conditionals(fragment.directives),
            anchor=position.anchor.extended(step, "") if position.anchor else None,
        )

    def _add_abstract(self, position: Position, abstract: str, selections: tuple[Selection, ...]) -> set[int]:
        """Select on an interface or union: on the type itself when possible, else per possible type."""
        graph = position.group.subgraph
        touched = {position.group.id}
        if self.reach.can_stay_abstract(graph, abstract, selections, position.provided):
            for selection in selections:
                if isinstance(selection, Field):
                    touched |= self._add_field(position, abstract, selection)
                else:
                    touched |= self._add_abstract(
                        self._enter_fragment(position, selection), abstract, selection.selections
                    )
            return touched
        position.target.leaf(TYPENAME)
        runtime_types = self.resolution.possible_types_in(graph, abstract)
        if not runtime_types:
            return touched | self._add_without_runtime_types(position, abstract, selections)
        for runtime_type in runtime_types:
            runtime_position = replace(
                position,
                target=position.target.fragment(runtime_type),
                anchor=position.anchor.extended(InlineFragment(runtime_type), abstract)
                if position.anchor
                else None,
                type_conditions=(*position.type_conditions, (len(position.path) - 1, runtime_type)),
            )
            touched |= self._add_selections(runtime_position, runtime_type, selections)
        position.target.drop_typename_only_fragments()
        return touched

    def _add_without_runtime_types(
        self, position: Position, abstract: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        """Selections on an abstract type the subgraph returns no object type of.

        No per-type fragment can carry them, so each field is planned on the abstract type itself: it is
        fetched there, reached through the type's key, or planning fails naming it (never dropped).
        Fragments on other types are left out: no object this subgraph returns can match them.
        """
        touched = {position.group.id}
        for selection in selections:
            if isinstance(selection, Field):
                touched |= self._add_field(position, abstract, selection)
            elif selection.type_condition in (None, abstract):
                touched |= self._add_without_runtime_types(
                    self._enter_fragment(position, selection), abstract, selection.selections
                )
        return touched

    def _add_field(self, position: Position, type_name: str, selection: Field) -> set[int]:
        if selection.name == "__typename":
            position.target.leaf(selection)
            return {position.group.id}
        field_def = self.resolution.field(type_name, selection.name)
        if self.contexts.takes_context(field_def):
            return self.contexts.add_field(position, type_name, field_def, selection)
        graph = position.group.subgraph
        if self.reach.resolves_plainly(graph, type_name, field_def, position.provided) and (
            not self.reach.only_provided(graph, type_name, field_def)
            or self.reach.covered(
                selection.selections,
                provided_below(position.provided, type_name, field_def.name, self.resolution),
                field_def.type_name,
            )
        ):
            return self._add_local(position, type_name, field_def, selection)
        return self._add_remote(position, type_name, field_def, selection)

    def _add_local(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field
    ) -> set[int]:
        if not selection.selections:
            position.target.leaf(selection)
            return {position.group.id}
        provides = self.resolution.provides(position.group.subgraph, field_def)
        self.type_conditions.step(position.path, position.type_conditions, selection.response_key)
        child = Position(
            group=position.group,
            target=position.target.field(selection),
            path=(*position.path, selection.response_key, *("@",) * list_depth(field_def.type_ref)),
            provided=(
                self.resolution.field_set(provides)
                if provides
                else provided_below(position.provided, type_name, field_def.name, self.resolution)
            ),
            conditions=position.conditions + conditionals(selection.directives),
            client_fields=None if position.system else client_fields_of(selection.selections),
            system=position.system,
            anchor=position.anchor.extended(selection.with_selections(()), type_name)
            if position.anchor
            else None,
            type_conditions=position.type_conditions,
        )
        field_type = field_type_in(self.resolution, position.group.subgraph, field_def)
        if field_type != field_def.type_name and self.resolution.is_abstract(field_def.type_name):
            child.target.leaf(TYPENAME)
        return self._add_selections(child, field_type, selection.selections)

    def _add_remote(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field
    ) -> set[int]:
        routes = self.routes.ranked(position, type_name, field_def, selection)
        for attempt, route in enumerate(routes):
            if route.sure or attempt == len(routes) - 1 or self._backtracks >= _MAX_BACKTRACKS:
                return self._add_along_route(position, type_name, field_def, selection, route)
            checkpoint = self._checkpoint()
            try:
                return self._add_along_route(position, type_name, field_def, selection, route)
            except PlanningError:
                self._rollback(checkpoint)
                self._backtracks += 1
        return self._add_along_route(position, type_name, field_def, selection, None)

    def _checkpoint(self) -> _Checkpoint:
        return _Checkpoint(
            groups=len(self.groups),
            root_groups=len(self.root_groups),
            entity_groups=dict(self._entity_groups),
            root_index=self._root_index,
            states=tuple(group.snapshot() for group in self.groups),
            input_keys=dict(self._input_keys.owners),
        )

    def _rollback(self, checkpoint: _Checkpoint) -> None:
        """Forget an abandoned attempt: groups it created, and what it added to earlier groups."""
        for group in self.groups[checkpoint.groups :]:
            self.root_of.pop(group.id, None)
        del self.groups[checkpoint.groups :]
        del self.root_groups[checkpoint.root_groups :]
        self._entity_groups = dict(checkpoint.entity_groups)
        self._root_index = checkpoint.root_index
        self._input_keys.owners = dict(checkpoint.input_keys)
        for state in checkpoint.states:
            state.restore()

    def _add_along_route(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field, route: Route | None
    ) -> set[int]:
        """Move the field into an entity fetch along `route` (or, without one, a parent entity call)."""
        conditions = position.conditions + conditionals(selection.directives)
        entity_anchor: Anchor | None
        if route is not None:
            group, touched = self._feed_entity_fetch(position, type_name, route, field_def.name, conditions)
            target = group.selection.fragment(route.input_type)
            input_type, field = route.input_type, route.field or field_def
            entity_anchor = None
            if route.input_type == type_name:
                at_entity = replace(position, group=group, target=target, provided=None, anchor=None)
                entity_anchor = Anchor(position=at_entity, type_name=type_name, outer=position.anchor)
        else:
            anchor, route = self.routes.anchored(position, type_name, field_def, selection)
            group, touched, entity_anchor = self._replay_from(anchor, route, field_def.name, conditions)
            target = self._replay_chain(entity_anchor.position.target, anchor.chain)
            input_type, field = type_name, field_def
        entity_position = Position(
            group=group,
            target=target,
            path=position.path,
            conditions=position.conditions,
            client_fields=position.client_fields,
            system=position.system,
            anchor=entity_anchor,
            type_conditions=position.type_conditions,
        )
        return touched | self._add_local(entity_position, input_type, field, selection)

    def _replay_from(
        self, anchor: Anchor, route: Route, field_name: str, conditions: tuple[Conditional, ...]
    ) -> tuple[FetchGroup, set[int], Anchor]:
        """The fetch a parent entity call goes into, and the anchor standing for the chain replayed there
        (so that a field further down can leave that fetch through an ancestor again)."""
        if anchor.at_root:
            group = self._shared_root_group(route.graph, conditions)
            start = replace(anchor.position, group=group, target=group.selection, anchor=None)
            replayed = Anchor(position=start, type_name=anchor.type_name, chain=anchor.chain, at_root=True)
            return group, {group.id}, replayed
        group, touched = self._feed_entity_fetch(
            anchor.position, anchor.type_name, route, field_name, conditions
        )
        start = replace(anchor.position, group=group, target=group.selection.fragment(anchor.type_name))
        replayed = Anchor(position=start, type_name=anchor.type_name, chain=anchor.chain, outer=anchor.outer)
        return group, touched, replayed

    def _feed_entity_fetch(
        self,
        position: Position,
        type_name: str,
        route: Route,
        guard_field: str,
        conditions: tuple[Conditional, ...],
        after: frozenset[int] = frozenset(),
    ) -> tuple[FetchGroup, set[int]]:
        """Select the route's inputs at `position` and return the entity fetch group they feed (which
        also waits for the groups `after`)."""
        inputs: tuple[Selection, ...] = (TYPENAME, *self.resolution.field_set(route.key))
        if route.requires:
            required = _nested_under(route.requires_under, self.resolution.field_set(route.requires))
            inputs = (*inputs, *self._with_typenames(type_name, required))
        guard = (route.graph, type_name, guard_field)
        if guard in self._in_progress:
            raise PlanningError(
                f"no route reaches {type_name}.{guard_field}: what {route.graph} needs to resolve it"
                f" (key {route.key!r}{f', requires {route.requires!r}' if route.requires else ''})"
                f" can only be had through {type_name}.{guard_field} itself"
            )
        self._in_progress.add(guard)
        try:
            inputs = self._input_keys.apart(position.path, unclash(position.client_fields, inputs))
            touched = self._add_selections(replace(position, system=True), type_name, inputs)
        finally:
            self._in_progress.discard(guard)
        representation = (InlineFragment(route.input_type, (), inputs),)
        group = self._entity_group(
            route.graph, position.path, frozenset(touched) | after, conditions, representation
        )
        group.inputs.add_all(representation)
        self.type_conditions.joined(group, position.type_conditions)
        if route.input_type != type_name:
            group.typename_rewrites.add(route.input_type)
        return group, touched

    @staticmethod
    def _replay_chain(target: SelectionBuilder, chain: tuple[ChainStep, ...]) -> SelectionBuilder:
        """Recreate, inside an entity fetch, the path from the entity down to the current position."""
        for step, _ in chain:
            if isinstance(step, Field):
                target = target.field(step)
            else:
                target = target.fragment(step.type_condition, step if step.directives else None)
        return target

    def _with_typenames(self, type_name: str, selections: tuple[Selection, ...]) -> tuple[Selection, ...]:
        """Requirements with `__typename` under abstract types, so subgraphs can tell the members apart."""
        result: list[Selection] = []
        for selection in selections:
            if isinstance(selection, InlineFragment):
                condition = selection.type_condition or type_name
                inner = self._with_typenames(condition, selection.selections)
                result.append(InlineFragment(selection.type_condition, selection.directives, inner))
            elif selection.selections:
                field_type = self.resolution.field(type_name, selection.name).type_name
                inner = self._with_typenames(field_type, selection.selections)
                if self.resolution.is_abstract(field_type):
                    inner = (TYPENAME, *inner)
                result.append(selection.with_selections(inner))
            else:
                result.append(selection)
        return tuple(result)

    def _entity_group(
        self,
        graph: str,
        path: tuple[str, ...],
        parents: frozenset[int],
        conditions: tuple[Conditional, ...],
        representation: tuple[Selection, ...],
    ) -> FetchGroup:
        """The entity fetch to `graph` at `path` after `parents` whose representations can also carry
        `representation`; a new one when every such fetch requires a field with other arguments."""
        key = (graph, path, parents)
        existing = self._entity_groups.get(key, ())
        group = next(
            (g for g in existing if not inputs_conflict(g.inputs.freeze(), representation)),
            None,
        )
        if group is None:
            group = self._new_group(graph, path, is_entity=True, parents=parents)
            self._entity_groups[key] = (*existing, group)
        group.restrict_conditions(conditions)
        return group


def _nested_under(chain: tuple[ChainStep, ...], selections: tuple[Selection, ...]) -> tuple[Selection, ...]:
    """`selections` wrapped in the fields and fragments of `chain`, outermost first."""
    for step, _ in reversed(chain):
        if isinstance(step, Field):
            selections = (step.with_selections(selections),)
        else:
            selections = (InlineFragment(step.type_condition, step.directives, selections),)
    return selections
