"""The planning walk: assign every selected field to a subgraph and group the work into fetches.

The walk follows the operation top-down. At each field it asks: can the subgraph of the fetch we are
in resolve this field here? If so the field joins that fetch. If not, the planner picks the best other
subgraph that can, makes sure the current fetch selects the entity's key (and any `@requires` fields,
planned the same way), and moves the field into an `_entities` fetch that depends on the fetches that
produce those inputs. Fetches to the same subgraph at the same path with the same dependencies merge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from router.errors import PlanningError
from router.planner.groups import FetchGroup, SelectionBuilder
from router.planner.operation import Conditional, Operation, conditionals
from router.planner.resolution import Resolution, provided_below, provided_fields
from router.planner.selection import TYPENAME, Field, InlineFragment, Selection, print_arguments
from router.supergraph.model import FieldDef

_INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type", "__typename"})
_DETOUR_COST = 10


@dataclass(frozen=True, slots=True)
class _Position:
    """Where the walk is: which fetch, where in its selection, at which response path."""

    group: FetchGroup
    target: SelectionBuilder
    path: tuple[str, ...]
    provided: tuple[Selection, ...] | None = None
    conditions: tuple[Conditional, ...] = ()
    client_fields: Mapping[str, Field] | None = None
    system: bool = False
    """True while adding what the plan needs (keys, requirements) rather than what the client asked."""
    anchor: _Anchor | None = None


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The nearest enclosing entity and the selections from it down to the current position.

    A field of a value type that the current subgraph cannot resolve is reached by jumping from this
    entity to a subgraph that can, and replaying `chain` there (a "parent entity call").
    """

    pos: _Position
    type_name: str
    chain: tuple[tuple[Selection, str], ...] = ()

    def extended(self, step: Selection, parent_type: str) -> _Anchor:
        return _Anchor(self.pos, self.type_name, (*self.chain, (step, parent_type)))


@dataclass(frozen=True, slots=True)
class _Route:
    """How to reach a field that the current subgraph cannot resolve: an entity fetch to `graph`."""

    graph: str
    input_type: str
    key: str
    requires: str | None
    field: FieldDef | None


def _list_depth(type_ref: str) -> int:
    return type_ref.count("[")


def _client_fields(selections: tuple[Selection, ...]) -> dict[str, Field]:
    """The client's fields of one selection level (fragments flattened), by response key."""
    fields: dict[str, Field] = {}
    for selection in selections:
        if isinstance(selection, Field):
            fields.setdefault(selection.response_key, selection)
        else:
            for key, field in _client_fields(selection.selections).items():
                fields.setdefault(key, field)
    return fields


def _unclash(
    client_fields: Mapping[str, Field] | None, needed: tuple[Selection, ...]
) -> tuple[Selection, ...]:
    """Alias the fields the plan needs whose names the client uses as response keys for something else.

    Keys and requirements are read back by response key, so a client alias such as `id: name` must not
    share `id` with the entity key `id` in one subgraph selection.
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
                    selection.name,
                    f"{selection.name}__alias_0",
                    selection.arguments,
                    selection.directives,
                    selection.selections,
                )
        result.append(selection)
    return tuple(result)


class PlanBuilder:
    """Builds the fetch groups of one operation. Single use: create, call `build`, read `groups`."""

    def __init__(self, resolution: Resolution, operation: Operation) -> None:
        self.res = resolution
        self.operation = operation
        self.groups: list[FetchGroup] = []
        self.root_groups: list[FetchGroup] = []
        self.root_of: dict[int, int] = {}
        self._entity_groups: dict[tuple[str, tuple[str, ...], frozenset[int]], FetchGroup] = {}
        self._in_progress: set[tuple[str, str, str]] = set()
        self._root_index = 0
        self._single_choice_graphs: frozenset[str] = frozenset()

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
                fdef = self._field(root_type, selection.name)
                candidates = [
                    g for g in self.res.supergraph.graphs if self.res.can_resolve(g, root_type, fdef, None)
                ]
                if len(candidates) == 1:
                    graphs.add(candidates[0])
        return frozenset(graphs)

    # -- root fields ------------------------------------------------------------------------------

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
                group = self._root_group_for(selection)
                target = group.selection
                for wrapper in wrappers:
                    target = target.fragment(None, wrapper)
                self._add_field(
                    _Position(group, target, (), None, conditions, _client_fields(self.operation.selections)),
                    self.operation.root_type,
                    selection,
                )

    def _root_group_for(self, selection: Field) -> FetchGroup:
        root_type = self.operation.root_type
        fdef = self._field(root_type, selection.name)
        candidates = [
            graph
            for graph in self.res.supergraph.graphs
            if self.res.can_resolve(graph, root_type, fdef, None)
        ]
        if not candidates:
            raise PlanningError(f"no subgraph resolves {root_type}.{selection.name}")
        if self.operation.kind == "mutation":
            last = self.root_groups[-1] if self.root_groups else None
            if last is not None and last.subgraph in candidates:
                return last
            chosen = min(
                candidates,
                key=lambda graph: (
                    self._estimate(graph, root_type, selection, None),
                    self.res.graph_order[graph],
                ),
            )
            return self._new_root_group(chosen)
        existing = {group.subgraph: group for group in self.root_groups}
        chosen = min(
            candidates,
            key=lambda graph: (
                self._estimate(graph, root_type, selection, None)
                + (0 if graph in existing or graph in self._single_choice_graphs else 1),
                self.res.graph_order[graph],
            ),
        )
        return existing.get(chosen) or self._new_root_group(chosen)

    def _new_root_group(self, graph: str) -> FetchGroup:
        self._root_index = len(self.root_groups)
        group = self._new_group(graph, (), is_entity=False, parents=frozenset())
        group.conditions = ()
        self.root_groups.append(group)
        return group

    def _new_group(
        self, graph: str, path: tuple[str, ...], *, is_entity: bool, parents: frozenset[int]
    ) -> FetchGroup:
        group = FetchGroup(
            id=len(self.groups), subgraph=graph, merge_path=path, is_entity=is_entity, parents=parents
        )
        self.groups.append(group)
        self.root_of[group.id] = self._root_index
        return group

    # -- selections -------------------------------------------------------------------------------

    def _field(self, type_name: str, field_name: str) -> FieldDef:
        fdef = self.res.type(type_name).fields.get(field_name)
        if fdef is None:
            raise PlanningError(f"{type_name}.{field_name} is not in the supergraph")
        return fdef

    def _add_selections(self, pos: _Position, type_name: str, selections: tuple[Selection, ...]) -> set[int]:
        """Add selections on `type_name` at `pos`; returns the groups that now produce data there."""
        if self.res.is_abstract(type_name):
            if not self.res.is_object_in(type_name, pos.group.subgraph):
                return self._add_abstract(pos, type_name, selections)
            return self._add_interface_object(pos, type_name, selections)
        if self.res.type(type_name).keys_in(pos.group.subgraph):
            pos = replace(pos, anchor=_Anchor(replace(pos, anchor=None), type_name))
        touched = {pos.group.id}
        for selection in selections:
            if isinstance(selection, Field):
                touched |= self._add_field(pos, type_name, selection)
            elif selection.type_condition in (None, type_name) or self.res.applies(
                selection.type_condition, type_name
            ):
                touched |= self._add_selections(
                    self._enter_fragment(pos, selection), type_name, selection.selections
                )
        return touched

    def _add_interface_object(
        self, pos: _Position, interface: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        """Selections on an interface in a subgraph that only knows it as an `@interfaceObject`.

        Fields that subgraph has are fetched there; `__typename` and anything specific to implementations
        come from a subgraph owning the real interface, reached through the interface's key.
        """
        local, remote = self._split_for_interface_object(pos, interface, selections)
        touched = self._add_plain_selections(pos, interface, local)
        if not remote:
            return touched
        route = self._interface_owner_route(pos, interface)
        group, jump_touched = self._jump(pos, interface, route, "__typename", pos.conditions)
        entity_pos = _Position(
            group,
            group.selection.fragment(interface),
            pos.path,
            None,
            pos.conditions,
            pos.client_fields,
            pos.system,
        )
        return touched | jump_touched | self._add_abstract(entity_pos, interface, remote)

    def _split_for_interface_object(
        self, pos: _Position, interface: str, selections: tuple[Selection, ...]
    ) -> tuple[tuple[Selection, ...], tuple[Selection, ...]]:
        graph = pos.group.subgraph
        local: list[Selection] = []
        remote: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Field):
                fdef = self.res.type(interface).fields.get(selection.name)
                here = (selection.name == "__typename" and pos.system) or (
                    fdef is not None and self._resolves_plainly(graph, interface, fdef, pos.provided)
                )
                (local if here else remote).append(selection)
            elif selection.type_condition in (None, interface) and not selection.directives:
                inner_local, inner_remote = self._split_for_interface_object(
                    pos, interface, selection.selections
                )
                local.extend(inner_local)
                remote.extend(inner_remote)
            else:
                remote.append(selection)
        return tuple(local), tuple(remote)

    def _interface_owner_route(self, pos: _Position, interface: str) -> _Route:
        for graph in self.res.supergraph.graphs:
            tdef = self.res.type(interface)
            if tdef.is_interface_object_in(graph) or not self.res.resolvable_keys(graph, interface):
                continue
            for join in self.res.resolvable_keys(graph, interface):
                key = self.res.field_set(join.key or "")
                if self._available(pos.group.subgraph, interface, key, pos.provided):
                    return _Route(graph, interface, join.key or "", None, None)
        raise PlanningError(
            f"no subgraph owns interface {interface} with a key {pos.group.subgraph} can provide"
        )

    def _add_plain_selections(
        self, pos: _Position, type_name: str, selections: tuple[Selection, ...]
    ) -> set[int]:
        touched = {pos.group.id}
        for selection in selections:
            if isinstance(selection, Field):
                touched |= self._add_field(pos, type_name, selection)
            else:
                touched |= self._add_plain_selections(
                    self._enter_fragment(pos, selection), type_name, selection.selections
                )
        return touched

    def _enter_fragment(self, pos: _Position, fragment: InlineFragment) -> _Position:
        if not fragment.directives:
            return pos
        step = InlineFragment(None, fragment.directives)
        return replace(
            pos,
            target=pos.target.fragment(None, fragment),
            conditions=pos.conditions + conditionals(fragment.directives),
            anchor=pos.anchor.extended(step, "") if pos.anchor else None,
        )

    def _add_abstract(self, pos: _Position, abstract: str, selections: tuple[Selection, ...]) -> set[int]:
        graph = pos.group.subgraph
        touched = {pos.group.id}
        if self._can_stay_abstract(graph, abstract, selections, pos.provided):
            for selection in selections:
                if isinstance(selection, Field):
                    touched |= self._add_field(pos, abstract, selection)
                else:
                    touched |= self._add_abstract(
                        self._enter_fragment(pos, selection), abstract, selection.selections
                    )
            return touched
        pos.target.leaf(TYPENAME)
        for runtime_type in self.res.possible_types_in(graph, abstract):
            runtime_pos = replace(
                pos,
                target=pos.target.fragment(runtime_type),
                anchor=pos.anchor.extended(InlineFragment(runtime_type), abstract) if pos.anchor else None,
            )
            touched |= self._add_selections(runtime_pos, runtime_type, selections)
        pos.target.drop_typename_only_fragments()
        return touched

    def _can_stay_abstract(
        self,
        graph: str,
        abstract: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        """Whether the selections can be asked on the abstract type itself, without per-type fragments."""
        tdef = self.res.type(abstract)
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if selection.type_condition not in (None, abstract):
                    return False
                if not self._can_stay_abstract(graph, abstract, selection.selections, provided):
                    return False
                continue
            if selection.name == "__typename":
                continue
            fdef = tdef.fields.get(selection.name)
            if fdef is None or not self._resolves_plainly(graph, abstract, fdef, provided):
                return False
            for runtime_type in self.res.possible_types_in(graph, abstract):
                runtime_field = self.res.type(runtime_type).fields.get(selection.name)
                if runtime_field is None or not self._resolves_plainly(
                    graph, runtime_type, runtime_field, provided
                ):
                    return False
        return True

    def _resolves_plainly(
        self, graph: str, type_name: str, fdef: FieldDef, provided: tuple[Selection, ...] | None
    ) -> bool:
        return self.res.can_resolve(graph, type_name, fdef, provided) and not self.res.requires(graph, fdef)

    def _add_field(self, pos: _Position, type_name: str, selection: Field) -> set[int]:
        if selection.name == "__typename":
            pos.target.leaf(selection)
            return {pos.group.id}
        fdef = self._field(type_name, selection.name)
        graph = pos.group.subgraph
        if self._resolves_plainly(graph, type_name, fdef, pos.provided) and (
            not self._only_provided(graph, type_name, fdef)
            or self._covered(
                selection.selections,
                provided_below(pos.provided, type_name, fdef.name, self.res),
                fdef.type_name,
            )
        ):
            return self._add_local(pos, type_name, fdef, selection)
        return self._add_remote(pos, type_name, fdef, selection)

    def _only_provided(self, graph: str, type_name: str, fdef: FieldDef) -> bool:
        """Whether `graph` has the field only through a `@provides` in scope (it is `@external` there)."""
        return not self.res.can_resolve(graph, type_name, fdef, None)

    def _covered(
        self, selections: tuple[Selection, ...], provided: tuple[Selection, ...] | None, type_name: str
    ) -> bool:
        """Whether a `@provides` selection includes everything the client selects below a provided field."""
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if not self._covered(selection.selections, provided, selection.type_condition or type_name):
                    return False
                continue
            if selection.name == "__typename":
                continue
            matches = [f for f in provided_fields(provided, type_name, self.res) if f.name == selection.name]
            if not matches:
                return False
            if selection.selections:
                below = tuple(child for match in matches for child in match.selections)
                fdef = self.res.type(type_name).fields.get(selection.name)
                if fdef is None or not self._covered(selection.selections, below, fdef.type_name):
                    return False
        return True

    def _add_local(self, pos: _Position, type_name: str, fdef: FieldDef, selection: Field) -> set[int]:
        if not selection.selections:
            pos.target.leaf(selection)
            return {pos.group.id}
        provides = self.res.provides(pos.group.subgraph, fdef)
        child = _Position(
            group=pos.group,
            target=pos.target.field(selection),
            path=(*pos.path, selection.response_key, *("@",) * _list_depth(fdef.type_ref)),
            provided=(
                self.res.field_set(provides)
                if provides
                else provided_below(pos.provided, type_name, fdef.name, self.res)
            ),
            conditions=pos.conditions + conditionals(selection.directives),
            client_fields=None if pos.system else _client_fields(selection.selections),
            system=pos.system,
            anchor=pos.anchor.extended(selection.with_selections(()), type_name) if pos.anchor else None,
        )
        return self._add_selections(child, fdef.type_name, selection.selections)

    def _add_remote(self, pos: _Position, type_name: str, fdef: FieldDef, selection: Field) -> set[int]:
        route = self._choose_route(pos, type_name, fdef, selection)
        conditions = pos.conditions + conditionals(selection.directives)
        if route is not None:
            group, touched = self._jump(pos, type_name, route, fdef.name, conditions)
            target = group.selection.fragment(route.input_type)
            input_type, field = route.input_type, route.field or fdef
        else:
            anchor, route = self._choose_anchored_route(pos, type_name, fdef, selection)
            group, touched = self._jump(anchor.pos, anchor.type_name, route, fdef.name, conditions)
            target = self._replay(group.selection.fragment(anchor.type_name), anchor.chain)
            input_type, field = type_name, fdef
        entity_pos = _Position(group, target, pos.path, None, pos.conditions, pos.client_fields, pos.system)
        return touched | self._add_local(entity_pos, input_type, field, selection)

    def _jump(
        self,
        pos: _Position,
        type_name: str,
        route: _Route,
        guard_field: str,
        conditions: tuple[Conditional, ...],
    ) -> tuple[FetchGroup, set[int]]:
        """Select the route's inputs at `pos` and return the entity fetch group they feed."""
        inputs: tuple[Selection, ...] = (TYPENAME, *self.res.field_set(route.key))
        if route.requires:
            inputs = (*inputs, *self._with_typenames(type_name, self.res.field_set(route.requires)))
        guard = (route.graph, type_name, guard_field)
        if guard in self._in_progress:
            raise PlanningError(f"cyclic requirements reaching {type_name}.{guard_field} in {route.graph}")
        self._in_progress.add(guard)
        try:
            inputs = _unclash(pos.client_fields, inputs)
            touched = self._add_selections(replace(pos, system=True), type_name, inputs)
        finally:
            self._in_progress.discard(guard)
        group = self._entity_group(route.graph, pos.path, frozenset(touched), conditions)
        group.inputs.fragment(route.input_type).add_all(inputs)
        if route.input_type != type_name:
            group.typename_rewrites.add(route.input_type)
        return group, touched

    @staticmethod
    def _replay(target: SelectionBuilder, chain: tuple[tuple[Selection, str], ...]) -> SelectionBuilder:
        for step, _ in chain:
            if isinstance(step, Field):
                target = target.field(step)
            else:
                target = target.fragment(step.type_condition, step if step.directives else None)
        return target

    def _choose_anchored_route(
        self, pos: _Position, type_name: str, fdef: FieldDef, selection: Field
    ) -> tuple[_Anchor, _Route]:
        """A route from the nearest entity ancestor to a subgraph resolving the whole chain and the field."""
        graph = pos.group.subgraph
        anchor = pos.anchor
        if anchor is None or not anchor.chain:
            raise PlanningError(f"no subgraph can resolve {type_name}.{fdef.name} coming from {graph}")
        candidates: list[tuple[tuple[int, int, int], _Route]] = []
        for target in self.res.supergraph.graphs:
            if target == graph or self.res.requires(target, fdef):
                continue
            if not self.res.can_resolve(target, type_name, fdef, None) or not self._chain_resolvable(
                target, anchor.chain
            ):
                continue
            found = self._route_via_key(
                anchor.pos, target, anchor.type_name, anchor.type_name, fdef, selection
            )
            if found is not None:
                cost, route = found
                candidates.append((cost, _Route(route.graph, route.input_type, route.key, None, fdef)))
        if not candidates:
            raise PlanningError(f"no subgraph can resolve {type_name}.{fdef.name} coming from {graph}")
        return anchor, min(candidates, key=lambda candidate: candidate[0])[1]

    def _chain_resolvable(self, graph: str, chain: tuple[tuple[Selection, str], ...]) -> bool:
        for step, parent_type in chain:
            if isinstance(step, InlineFragment):
                if step.type_condition and not self.res.type_in_graph(
                    self.res.type(step.type_condition), graph
                ):
                    return False
                continue
            fdef = self.res.type(parent_type).fields.get(step.name)
            if fdef is None or not self._resolves_plainly(graph, parent_type, fdef, None):
                return False
        return True

    def _with_typenames(self, type_name: str, selections: tuple[Selection, ...]) -> tuple[Selection, ...]:
        """Requirements with `__typename` under abstract types, so subgraphs can tell the members apart."""
        result: list[Selection] = []
        for selection in selections:
            if isinstance(selection, InlineFragment):
                condition = selection.type_condition or type_name
                inner = self._with_typenames(condition, selection.selections)
                result.append(InlineFragment(selection.type_condition, selection.directives, inner))
            elif selection.selections:
                field_type = self._field(type_name, selection.name).type_name
                inner = self._with_typenames(field_type, selection.selections)
                if self.res.is_abstract(field_type):
                    inner = (TYPENAME, *inner)
                result.append(selection.with_selections(inner))
            else:
                result.append(selection)
        return tuple(result)

    def _entity_group(
        self, graph: str, path: tuple[str, ...], parents: frozenset[int], conditions: tuple[Conditional, ...]
    ) -> FetchGroup:
        key = (graph, path, parents)
        group = self._entity_groups.get(key)
        if group is None:
            group = self._new_group(graph, path, is_entity=True, parents=parents)
            self._entity_groups[key] = group
        group.restrict_conditions(conditions)
        return group

    # -- routes -----------------------------------------------------------------------------------

    def _choose_route(
        self, pos: _Position, type_name: str, fdef: FieldDef, selection: Field
    ) -> _Route | None:
        graph = pos.group.subgraph
        candidates: list[tuple[tuple[int, int, int], _Route]] = []
        for target in self.res.supergraph.graphs:
            if target == graph and not self.res.requires(graph, fdef):
                continue
            if self.res.can_resolve(target, type_name, fdef, None):
                route = self._route_via_key(pos, target, type_name, type_name, fdef, selection)
                if route is not None:
                    candidates.append(route)
        if not candidates:
            for interface, target in self.res.interface_objects_for(type_name, fdef.name):
                interface_field = self._field(interface, fdef.name)
                route = self._route_via_key(pos, target, type_name, interface, interface_field, selection)
                if route is not None:
                    candidates.append(route)
        if not candidates:
            return None
        return min(candidates, key=lambda candidate: candidate[0])[1]

    def _route_via_key(
        self, pos: _Position, target: str, type_name: str, input_type: str, fdef: FieldDef, selection: Field
    ) -> tuple[tuple[int, int, int], _Route] | None:
        keys = self.res.resolvable_keys(target, input_type)
        if not keys:
            return None
        graph = pos.group.subgraph
        direct = [
            join
            for join in keys
            if self._available(graph, type_name, self.res.field_set(join.key or ""), pos.provided)
        ]
        key = (direct or list(keys))[0]
        cost = (
            0 if direct else 1,
            self._estimate(target, input_type, selection, None),
            self.res.graph_order[target],
        )
        return cost, _Route(target, input_type, key.key or "", self.res.requires(target, fdef), fdef)

    def _available(
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
                if not self.res.type_in_graph(self.res.type(condition), graph):
                    return False
                if not self._available(graph, condition, selection.selections, provided):
                    return False
                continue
            if selection.name == "__typename":
                continue
            fdef = self.res.type(type_name).fields.get(selection.name)
            if fdef is None or not self._resolves_plainly(graph, type_name, fdef, provided):
                return False
            below = provided_below(provided, type_name, fdef.name, self.res)
            if selection.selections and not self._available(
                graph, fdef.type_name, selection.selections, below
            ):
                return False
        return True

    def _estimate(
        self, graph: str, type_name: str, selection: Field, provided: tuple[Selection, ...] | None
    ) -> int:
        """How many fields below (and including) `selection` would need another subgraph: a cost proxy.

        A field the subgraph cannot reach through a key of its parent (a value type) costs much more: it
        needs a detour through an ancestor entity, or cannot be planned from there at all.
        """
        if selection.name == "__typename":
            return 0
        fdef = self.res.type(type_name).fields.get(selection.name)
        if fdef is None or not self._resolves_plainly(graph, type_name, fdef, provided):
            return 1 if self.res.type(type_name).keys_in(graph) else _DETOUR_COST
        provides = self.res.provides(graph, fdef)
        below = (
            self.res.field_set(provides)
            if provides
            else provided_below(provided, type_name, fdef.name, self.res)
        )
        return self._estimate_all(graph, fdef.type_name, selection.selections, below)

    def _estimate_all(
        self,
        graph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> int:
        total = 0
        for selection in selections:
            if isinstance(selection, Field):
                on_type = type_name
                if selection.name not in self.res.type(type_name).fields and selection.name != "__typename":
                    continue
                total += self._estimate(graph, on_type, selection, provided)
            else:
                condition = selection.type_condition or type_name
                if self.res.type_in_graph(self.res.type(condition), graph):
                    total += self._estimate_all(graph, condition, selection.selections, provided)
                else:
                    total += 1
        return total
