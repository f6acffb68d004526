"""Plan fields with `@fromContext` arguments (Federation 2.8 `@context`).

Such a field takes an argument whose value is read off the nearest ancestor of a type marked
`@context(name:)`. As in Apollo's planner, the field is always asked in an entity fetch (also when the
subgraph it is in could answer it inline), so that each entity gets the value of its own ancestor as a
variable (`$contextualArgument_1_0`); the context selection (`prop` of `$ctx { prop }`) is fetched at the
ancestor, with `__typename` so the executor can tell which type condition applies, and the entity fetch
waits for whatever fetches produce it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from graphql import ArgumentNode, NameNode, VariableNode

from router.errors import PlanningError
from router.planner.context_rewrites import ContextRewrite
from router.planner.operation import conditionals
from router.planner.position import Position, unclash
from router.planner.routes import Route
from router.planner.selection import TYPENAME, Field, Selection
from router.supergraph.model import ContextArgument, FieldDef, FieldJoin

if TYPE_CHECKING:
    from router.planner.build import PlanBuilder


@dataclass(frozen=True, slots=True)
class _Provider:
    """A position of an object whose type provides some contexts: a candidate ancestor."""

    pos: Position
    type_name: str
    contexts: frozenset[str]


class ContextPlanner:
    """Remembers the objects that provide contexts as the walk enters them, and plans the fields that
    read from them."""

    def __init__(self, builder: PlanBuilder) -> None:
        self.builder = builder
        self.res = builder.res
        self._providers: list[_Provider] = []

    def enter(self, pos: Position, type_name: str) -> None:
        """The walk enters an object of `type_name` at `pos`: remember it if it provides contexts."""
        contexts = self.res.type(type_name).contexts
        if contexts:
            self._providers.append(_Provider(pos, type_name, frozenset(contexts)))

    def takes_context(self, fdef: FieldDef) -> bool:
        return any(join.context_arguments for join in fdef.joins)

    def add_field(self, pos: Position, type_name: str, fdef: FieldDef, selection: Field) -> set[int]:
        """Plan `selection` (a field with contextual arguments) on the object at `pos`."""
        join = self._join(type_name, fdef)
        arguments: list[ArgumentNode] = list(selection.arguments)
        touched: set[int] = set()
        rewrites: list[ContextRewrite] = []
        for argument in join.context_arguments:
            provider = self._provider(pos, argument, f"{type_name}.{fdef.name}")
            fetched, rewrite = self._fetch_context(provider, argument)
            touched |= fetched
            rewrites.append(rewrite)
            arguments.append(
                ArgumentNode(
                    name=NameNode(value=argument.name),
                    value=VariableNode(name=NameNode(value=argument.variable)),
                )
            )
        route = self._route(pos, type_name, join.graph, fdef)
        conditions = pos.conditions + conditionals(selection.directives)
        group, jumped = self.builder._jump(
            pos, type_name, route, fdef.name, conditions, after=frozenset(touched)
        )
        for rewrite in rewrites:
            group.context_rewrites[rewrite.variable] = rewrite
        entity_pos = Position(
            group,
            group.selection.fragment(type_name),
            pos.path,
            None,
            pos.conditions,
            pos.client_fields,
            pos.system,
            type_conditions=pos.type_conditions,
        )
        with_context = Field(
            selection.name, selection.alias, tuple(arguments), selection.directives, selection.selections
        )
        return touched | jumped | self.builder._add_local(entity_pos, type_name, fdef, with_context)

    def _join(self, type_name: str, fdef: FieldDef) -> FieldJoin:
        for join in fdef.joins:
            if join.context_arguments and self.res.can_resolve(join.graph, type_name, fdef, None):
                return join
        raise PlanningError(f"no subgraph resolves {type_name}.{fdef.name}")

    def _provider(self, pos: Position, argument: ContextArgument, coordinate: str) -> _Provider:
        """The nearest ancestor (strictly above the object at `pos`) providing the argument's context."""
        groups = {id(group) for group in self.builder.groups}
        best: _Provider | None = None
        for provider in self._providers:
            depth = len(provider.pos.path)
            if (
                argument.context in provider.contexts
                and id(provider.pos.group) in groups
                and depth < len(pos.path)
                and pos.path[:depth] == provider.pos.path
                and (best is None or depth > len(best.pos.path))
            ):
                best = provider
        if best is None:
            raise PlanningError(
                f"{coordinate}: no ancestor in the operation provides the context {argument.context!r}"
                f" its argument {argument.name!r} is read from"
            )
        return best

    def _fetch_context(
        self, provider: _Provider, argument: ContextArgument
    ) -> tuple[set[int], ContextRewrite]:
        """Select the context's fields at the ancestor; the groups producing them and where to read them."""
        selection: tuple[Selection, ...] = self.res.field_set(argument.selection)
        at = provider.pos
        selection = self.builder._input_keys.apart(at.path, unclash(at.client_fields, selection))
        touched = self.builder._add_selections(
            replace(at, system=True), provider.type_name, (TYPENAME, *selection)
        )
        rewrite = ContextRewrite(
            variable=argument.variable,
            type_ref=argument.type_ref,
            ancestor_depth=len(at.path),
            selection=selection,
        )
        return touched, rewrite

    def _route(self, pos: Position, type_name: str, graph: str, fdef: FieldDef) -> Route:
        """An entity fetch to `graph` for the object at `pos`, through a key the current fetch can give."""
        keys = self.res.resolvable_keys(graph, type_name)
        if not keys:
            raise PlanningError(
                f"{type_name}.{fdef.name} takes an argument from a context, but {type_name} has no key"
                f" in {graph} to pass it through"
            )
        here = pos.group.subgraph
        direct = [
            join
            for join in keys
            if self.builder.reach.available(here, type_name, self.res.field_set(join.key or ""), pos.provided)
        ]
        key = (direct or list(keys))[0]
        return Route(graph, type_name, key.key or "", self.res.requires(graph, fdef), fdef)
