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
from router.plan.context_rewrites import ContextRewrite
from router.plan.operation import conditionals
from router.plan.selection import TYPENAME, Field, Selection
from router.planner.walk.position import Position, unclash
from router.planner.walk.routes import Route
from router.supergraph.model import ContextArgument, FieldDef, FieldJoin

if TYPE_CHECKING:
    from router.planner.walk.walker import Walker


@dataclass(frozen=True, slots=True, kw_only=True)
class _Provider:
    """A position of an object whose type provides some contexts: a candidate ancestor."""

    position: Position
    type_name: str
    contexts: frozenset[str]


class ContextPlanner:
    """Remembers the objects that provide contexts as the walk enters them, and plans the fields that
    read from them."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker
        self.resolution = walker.resolution
        self._providers: list[_Provider] = []

    def enter(self, position: Position, type_name: str) -> None:
        """The walk enters an object of `type_name` at `position`: remember it if it provides contexts."""
        contexts = self.resolution.type(type_name).contexts
        if contexts:
            self._providers.append(
                _Provider(position=position, type_name=type_name, contexts=frozenset(contexts))
            )

    def takes_context(self, field_def: FieldDef) -> bool:
        return any(join.context_arguments for join in field_def.joins)

    def add_field(
        self, position: Position, type_name: str, field_def: FieldDef, selection: Field
    ) -> set[int]:
        """Plan `selection` (a field with contextual arguments) on the object at `position`."""
        join = self._join(type_name, field_def)
        arguments: list[ArgumentNode] = list(selection.arguments)
        touched: set[int] = set()
        rewrites: list[ContextRewrite] = []
        for argument in join.context_arguments:
            provider = self._provider(position, argument, f"{type_name}.{field_def.name}")
            fetched, rewrite = self._fetch_context(provider, argument)
            touched |= fetched
            rewrites.append(rewrite)
            arguments.append(
                ArgumentNode(
                    name=NameNode(value=argument.name),
                    value=VariableNode(name=NameNode(value=argument.variable)),
                )
            )
        route = self._route(position, type_name, join.graph, field_def)
        conditions = position.conditions + conditionals(selection.directives)
        group, jumped = self.walker._feed_entity_fetch(
            position, type_name, route, field_def.name, conditions, after=frozenset(touched)
        )
        for rewrite in rewrites:
            group.context_rewrites[rewrite.variable] = rewrite
        entity_position = Position(
            group=group,
            target=group.selection.fragment(type_name),
            path=position.path,
            conditions=position.conditions,
            client_fields=position.client_fields,
            system=position.system,
            type_conditions=position.type_conditions,
        )
        with_context = Field(
            selection.name, selection.alias, tuple(arguments), selection.directives, selection.selections
        )
        return touched | jumped | self.walker._add_local(entity_position, type_name, field_def, with_context)

    def _join(self, type_name: str, field_def: FieldDef) -> FieldJoin:
        for join in field_def.joins:
            if join.context_arguments and self.resolution.can_resolve(join.graph, type_name, field_def, None):
                return join
        raise PlanningError(f"no subgraph resolves {type_name}.{field_def.name}")

    def _provider(self, position: Position, argument: ContextArgument, coordinate: str) -> _Provider:
        """The nearest ancestor (strictly above the object at `position`) providing the argument's context."""
        groups = {id(group) for group in self.walker.groups}
        best: _Provider | None = None
        for provider in self._providers:
            depth = len(provider.position.path)
            if (
                argument.context in provider.contexts
                and id(provider.position.group) in groups
                and depth < len(position.path)
                and position.path[:depth] == provider.position.path
                and (best is None or depth > len(best.position.path))
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
        selection: tuple[Selection, ...] = self.resolution.field_set(argument.selection)
        at = provider.position
        selection = self.walker._input_keys.apart(at.path, unclash(at.client_fields, selection))
        touched = self.walker._add_selections(
            replace(at, system=True), provider.type_name, (TYPENAME, *selection)
        )
        rewrite = ContextRewrite(
            variable=argument.variable,
            type_ref=argument.type_ref,
            ancestor_depth=len(at.path),
            selection=selection,
        )
        return touched, rewrite

    def _route(self, position: Position, type_name: str, graph: str, field_def: FieldDef) -> Route:
        """An entity fetch to `graph` for the object at `position`, through a key the current fetch can
        give."""
        keys = self.resolution.resolvable_keys(graph, type_name)
        if not keys:
            raise PlanningError(
                f"{type_name}.{field_def.name} takes an argument from a context, but {type_name} has no key"
                f" in {graph} to pass it through"
            )
        here = position.group.subgraph
        direct = [
            join
            for join in keys
            if self.walker.reach.available(
                here, type_name, self.resolution.field_set(join.key or ""), position.provided
            )
        ]
        key = (direct or list(keys))[0]
        return Route(
            graph=graph,
            input_type=type_name,
            key=key.key or "",
            requires=self.resolution.requires(graph, field_def),
            field=field_def,
        )
