"""Choosing how to reach a field the current subgraph cannot resolve: which subgraph, through which key.

A route is an `_entities` fetch to another subgraph. Candidates are compared by `RouteCost` (key available
without another hop, then the estimated `PlanCost` of what the target must do, then supergraph order),
so the choice is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from router.errors import PlanningError
from router.plan.selection import Field
from router.planner.cost import PlanCost, RouteCost
from router.planner.resolvability.reach import Reach
from router.planner.resolvability.resolution import Resolution
from router.planner.walk.position import Anchor, ChainStep, Position
from router.supergraph.model import FieldDef


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """How to reach a field that the current subgraph cannot resolve: an entity fetch to `graph`."""

    graph: str
    input_type: str
    key: str
    requires: str | None = None
    field: FieldDef | None = None
    sure: bool = False
    """The key is at hand and the target resolves the whole sub-selection: this route cannot fail."""
    requires_under: tuple[ChainStep, ...] = ()
    """For a parent entity call: the chain from `input_type` down to the type `requires` is on, so that
    the requirements travel nested in the entity's representation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CostedRoute:
    """A candidate route and what taking it would cost, so candidates can be ranked."""

    cost: RouteCost
    route: Route


class RouteFinder:
    """Finds routes for one supergraph."""

    def __init__(self, resolution: Resolution, reach: Reach) -> None:
        self.resolution = resolution
        self.reach = reach

    def ranked(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field
    ) -> list[Route]:
        """Entity fetches to subgraphs resolving the field here (or via an interface object), best first."""
        graph = position.group.subgraph
        candidates: list[CostedRoute] = []
        for target in self.resolution.supergraph.graphs:
            if target == graph and not self.resolution.requires(graph, field_def):
                continue
            if self.resolution.can_resolve(target, type_name, field_def, None):
                route = self._route_through_key(position, target, type_name, type_name, field_def, selection)
                if route is not None:
                    candidates.append(route)
        if not candidates:
            for interface, target in self.resolution.interface_objects_for(type_name, field_def.name):
                interface_field = self.resolution.field(interface, field_def.name)
                route = self._route_through_key(
                    position, target, type_name, interface, interface_field, selection
                )
                if route is not None:
                    candidates.append(route)
        return [candidate.route for candidate in sorted(candidates, key=lambda candidate: candidate.cost)]

    def _route_through_key(
        self,
        position: Position,
        target: str,
        type_name: str,
        input_type: str,
        field_def: FieldDef,
        selection: Field,
    ) -> CostedRoute | None:
        keys = self.resolution.resolvable_keys(target, input_type)
        if not keys:
            return None
        graph = position.group.subgraph
        direct = [
            join
            for join in keys
            if self.reach.available(
                graph, type_name, self.resolution.field_set(join.key or ""), position.provided
            )
        ]
        key = (direct or list(keys))[0]
        requires = self.resolution.requires(target, field_def)
        plan = self.reach.cost(target, input_type, selection, None)
        if requires:
            plan += PlanCost(fields=len(self.resolution.field_set(requires)))
        cost = RouteCost(
            key_hops=0 if direct else 1, plan=plan, graph_order=self.resolution.graph_order[target]
        )
        sure = bool(direct) and plan.fetches == 0 and requires is None
        route = Route(
            graph=target,
            input_type=input_type,
            key=key.key or "",
            requires=requires,
            field=field_def,
            sure=sure,
        )
        return CostedRoute(cost=cost, route=route)

    def anchored(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field
    ) -> tuple[Anchor, Route]:
        """A route from the nearest entity ancestor with a way into a subgraph resolving the whole chain
        and the field; ancestors further up are tried when the nearest one has none."""
        graph = position.group.subgraph
        if position.anchor is None or not position.anchor.chain:
            raise PlanningError(f"no subgraph can resolve {type_name}.{field_def.name} coming from {graph}")
        for anchor in position.anchor.nearest_first():
            found = self._from_anchor(anchor, graph, type_name, field_def, selection)
            if found is None:
                continue
            while anchor.outer is not None and not anchor.outer.chain:
                # The same object in the fetch this one waits for: leaving from there waits less.
                same = Anchor(
                    position=anchor.outer.position,
                    type_name=anchor.type_name,
                    chain=anchor.chain,
                    outer=anchor.outer.outer,
                )
                earlier = self._from_anchor(same, graph, type_name, field_def, selection)
                if earlier is None or earlier.cost > found.cost:
                    break
                anchor, found = same, earlier
            return anchor, found.route
        raise PlanningError(f"no subgraph can resolve {type_name}.{field_def.name} coming from {graph}")

    def _from_anchor(
        self, anchor: Anchor, graph: str, type_name: str, field_def: FieldDef, selection: Field
    ) -> CostedRoute | None:
        """The best route (and its cost) replaying `anchor.chain` from `anchor` elsewhere, if any."""
        candidates: list[CostedRoute] = []
        for target in self.resolution.supergraph.graphs:
            if target == graph or (anchor.at_root and self.resolution.requires(target, field_def)):
                continue
            if not self.resolution.can_resolve(
                target, type_name, field_def, None
            ) or not self.reach.chain_resolvable(target, anchor.chain):
                continue
            if anchor.at_root:
                cost = RouteCost(
                    key_hops=0,
                    plan=self.reach.cost(target, type_name, selection, None),
                    graph_order=self.resolution.graph_order[target],
                )
                route = Route(graph=target, input_type=anchor.type_name, key="", field=field_def)
                candidates.append(CostedRoute(cost=cost, route=route))
                continue
            found = self._route_through_key(
                anchor.position, target, anchor.type_name, anchor.type_name, field_def, selection
            )
            if found is not None:
                replay = replace(found.route, field=field_def, sure=False, requires_under=anchor.chain)
                candidates.append(CostedRoute(cost=found.cost, route=replay))
        if not candidates:
            return None
        return min(candidates, key=lambda candidate: candidate.cost)

    def interface_owner(self, position: Position, interface: str) -> Route:
        """A route to a subgraph owning the real interface, to learn concrete types of interface objects."""
        for graph in self.resolution.supergraph.graphs:
            type_def = self.resolution.type(interface)
            if type_def.is_interface_object_in(graph) or not self.resolution.resolvable_keys(
                graph, interface
            ):
                continue
            if not self.resolution.possible_types_in(graph, interface):
                continue  # it could not name a concrete type either, nor accept `... on` it in `_entities`
            for join in self.resolution.resolvable_keys(graph, interface):
                key = self.resolution.field_set(join.key or "")
                if self.reach.available(position.group.subgraph, interface, key, position.provided):
                    return Route(graph=graph, input_type=interface, key=join.key or "")
        raise PlanningError(
            f"no route reaches {interface}.__typename or fields of its implementations from"
            f" {position.group.subgraph}: no subgraph implementing interface {interface} has a key"
            f" {position.group.subgraph} can provide"
        )
