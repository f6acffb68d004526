"""Choosing how to reach a field the current subgraph cannot resolve: which subgraph, through which key.

A route is an `_entities` fetch to another subgraph. Candidates are compared by `RouteCost` (key available
without another hop, then the estimated `PlanCost` of what the target must do, then supergraph order),
so the choice is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.errors import PlanningError
from router.plan.selection import Field, Selection
from router.planner.cost import PlanCost, RouteCost
from router.planner.resolvability.reach import Reach
from router.planner.resolvability.resolution import Resolution
from router.planner.walk.position import Anchor, Position
from router.supergraph.model import FieldDef


@dataclass(frozen=True, slots=True)
class Route:
    """How to reach a field that the current subgraph cannot resolve: an entity fetch to `graph`."""

    graph: str
    input_type: str
    key: str
    requires: str | None
    field: FieldDef | None
    sure: bool = False
    """The key is at hand and the target resolves the whole sub-selection: this route cannot fail."""
    requires_under: tuple[tuple[Selection, str], ...] = ()
    """For a parent entity call: the chain from `input_type` down to the type `requires` is on, so that
    the requirements travel nested in the entity's representation."""


class RouteFinder:
    """Finds routes for one supergraph."""

    def __init__(self, resolution: Resolution, reach: Reach) -> None:
        self.res = resolution
        self.reach = reach

    def ranked(self, pos: Position, type_name: str, fdef: FieldDef, selection: Field) -> list[Route]:
        """Entity fetches to subgraphs resolving the field here (or via an interface object), best first."""
        graph = pos.group.subgraph
        candidates: list[tuple[RouteCost, Route]] = []
        for target in self.res.supergraph.graphs:
            if target == graph and not self.res.requires(graph, fdef):
                continue
            if self.res.can_resolve(target, type_name, fdef, None):
                route = self._via_key(pos, target, type_name, type_name, fdef, selection)
                if route is not None:
                    candidates.append(route)
        if not candidates:
            for interface, target in self.res.interface_objects_for(type_name, fdef.name):
                interface_field = self.res.field(interface, fdef.name)
                route = self._via_key(pos, target, type_name, interface, interface_field, selection)
                if route is not None:
                    candidates.append(route)
        return [route for _, route in sorted(candidates, key=lambda candidate: candidate[0])]

    def _via_key(
        self, pos: Position, target: str, type_name: str, input_type: str, fdef: FieldDef, selection: Field
    ) -> tuple[RouteCost, Route] | None:
        keys = self.res.resolvable_keys(target, input_type)
        if not keys:
            return None
        graph = pos.group.subgraph
        direct = [
            join
            for join in keys
            if self.reach.available(graph, type_name, self.res.field_set(join.key or ""), pos.provided)
        ]
        key = (direct or list(keys))[0]
        requires = self.res.requires(target, fdef)
        plan = self.reach.cost(target, input_type, selection, None)
        if requires:
            plan += PlanCost(fields=len(self.res.field_set(requires)))
        cost = RouteCost(key_hops=0 if direct else 1, plan=plan, graph_order=self.res.graph_order[target])
        sure = bool(direct) and plan.fetches == 0 and requires is None
        return cost, Route(target, input_type, key.key or "", requires, fdef, sure)

    def anchored(
        self, pos: Position, type_name: str, fdef: FieldDef, selection: Field
    ) -> tuple[Anchor, Route]:
        """A route from the nearest entity ancestor with a way into a subgraph resolving the whole chain
        and the field; ancestors further up are tried when the nearest one has none."""
        graph = pos.group.subgraph
        if pos.anchor is None or not pos.anchor.chain:
            raise PlanningError(f"no subgraph can resolve {type_name}.{fdef.name} coming from {graph}")
        for anchor in pos.anchor.nearest_first():
            found = self._from_anchor(anchor, graph, type_name, fdef, selection)
            if found is None:
                continue
            while anchor.outer is not None and not anchor.outer.chain:
                # The same object in the fetch this one waits for: leaving from there waits less.
                same = Anchor(anchor.outer.pos, anchor.type_name, anchor.chain, outer=anchor.outer.outer)
                earlier = self._from_anchor(same, graph, type_name, fdef, selection)
                if earlier is None or earlier[0] > found[0]:
                    break
                anchor, found = same, earlier
            return anchor, found[1]
        raise PlanningError(f"no subgraph can resolve {type_name}.{fdef.name} coming from {graph}")

    def _from_anchor(
        self, anchor: Anchor, graph: str, type_name: str, fdef: FieldDef, selection: Field
    ) -> tuple[RouteCost, Route] | None:
        """The best route (and its cost) replaying `anchor.chain` from `anchor` elsewhere, if any."""
        candidates: list[tuple[RouteCost, Route]] = []
        for target in self.res.supergraph.graphs:
            if target == graph or (anchor.at_root and self.res.requires(target, fdef)):
                continue
            if not self.res.can_resolve(target, type_name, fdef, None) or not self.reach.chain_resolvable(
                target, anchor.chain
            ):
                continue
            if anchor.at_root:
                cost = RouteCost(
                    key_hops=0,
                    plan=self.reach.cost(target, type_name, selection, None),
                    graph_order=self.res.graph_order[target],
                )
                candidates.append((cost, Route(target, anchor.type_name, "", None, fdef)))
                continue
            found = self._via_key(anchor.pos, target, anchor.type_name, anchor.type_name, fdef, selection)
            if found is not None:
                cost, route = found
                replay = Route(
                    route.graph,
                    route.input_type,
                    route.key,
                    route.requires,
                    fdef,
                    requires_under=anchor.chain,
                )
                candidates.append((cost, replay))
        if not candidates:
            return None
        return min(candidates, key=lambda candidate: candidate[0])

    def interface_owner(self, pos: Position, interface: str) -> Route:
        """A route to a subgraph owning the real interface, to learn concrete types of interface objects."""
        for graph in self.res.supergraph.graphs:
            tdef = self.res.type(interface)
            if tdef.is_interface_object_in(graph) or not self.res.resolvable_keys(graph, interface):
                continue
            if not self.res.possible_types_in(graph, interface):
                continue  # it could not name a concrete type either, nor accept `... on` it in `_entities`
            for join in self.res.resolvable_keys(graph, interface):
                key = self.res.field_set(join.key or "")
                if self.reach.available(pos.group.subgraph, interface, key, pos.provided):
                    return Route(graph, interface, join.key or "", None, None)
        raise PlanningError(
            f"no route reaches {interface}.__typename or fields of its implementations from"
            f" {pos.group.subgraph}: no subgraph implementing interface {interface} has a key"
            f" {pos.group.subgraph} can provide"
        )
