"""The supergraph as immutable data: which subgraph can resolve which type and field, and how.

Everything the planner needs is precomputed here once per supergraph, so planning never has to look
at SDL directives again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from graphql import GraphQLSchema


class TypeKind(Enum):
    OBJECT = "object"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT_OBJECT = "input_object"
    SCALAR = "scalar"


@dataclass(frozen=True, slots=True)
class Graph:
    """One subgraph: its name as clients and plans see it, its `join__Graph` enum value, its URL."""

    name: str
    enum_value: str
    url: str


@dataclass(frozen=True, slots=True)
class TypeJoin:
    """What `@join__type` says about a type in one subgraph."""

    graph: str
    key: str | None = None
    resolvable: bool = True
    extension: bool = False
    is_interface_object: bool = False


@dataclass(frozen=True, slots=True)
class ContextArgument:
    """An argument a subgraph takes `@fromContext`: read `selection` off the nearest ancestor providing
    `context` and pass it as `name` (of GraphQL type `type_ref`) in the variable `variable`."""

    name: str
    type_ref: str
    context: str
    selection: str
    variable: str


@dataclass(frozen=True, slots=True)
class FieldJoin:
    """What `@join__field` says about a field in one subgraph."""

    graph: str
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    context_arguments: tuple[ContextArgument, ...] = ()

    def overrides(self, active_labels: frozenset[str] = frozenset()) -> str | None:
        """The subgraph this field is taken from, when the override is in force.

        A progressive override (`overrideLabel`) is in force when its label is among the request's
        `active_labels` (the router draws `percent(x)` labels and enables custom ones per request,
        `router/overrides/`); `percent(100)` always is. Otherwise the original subgraph keeps the field.
        """
        label = self.override_label
        if label is None or label == "percent(100)" or label in active_labels:
            return self.override
        return None


@dataclass(frozen=True, slots=True)
class ListSize:
    """What `@listSize` says of a list field (or of the lists inside what it returns), for demand control.

    The size is the largest slicing argument given (e.g. `first`), else `assumed_size`; `sized_fields` are
    the lists of the returned type that have that size (a connection's `edges`).
    """

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True


@dataclass(frozen=True, slots=True)
class FieldDef:
    """A field of an object or interface type, with its per-subgraph join information.

    `joins` is empty when the field is defined, unchanged, in every subgraph that defines its type.
    `unresolvable` marks a field composition declared with a graph-less `@join__field` (no subgraph
    resolves it on this type directly, e.g. a field contributed by an `@interfaceObject`).
    `weight`, `list_size` and `argument_weights` are its `@cost`/`@listSize` declarations (demand control).
    """

    name: str
    type_name: str
    type_ref: str
    joins: tuple[FieldJoin, ...] = ()
    unresolvable: bool = False
    weight: int | None = None
    list_size: ListSize | None = None
    argument_weights: Mapping[str, int] = field(default_factory=dict)

    def join_for(self, graph: str) -> FieldJoin | None:
        return next((join for join in self.joins if join.graph == graph), None)


@dataclass(frozen=True, slots=True)
class TypeDef:
    """A named type of the supergraph with the subgraphs that define it.

    `weight` is the type's `@cost`, and `input_field_weights` those of an input type's fields.
    """

    name: str
    kind: TypeKind
    joins: tuple[TypeJoin, ...] = ()
    fields: Mapping[str, FieldDef] = field(default_factory=dict)
    implements: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    union_members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owner: str | None = None
    weight: int | None = None
    input_field_weights: Mapping[str, int] = field(default_factory=dict)
    contexts: tuple[str, ...] = ()
    """The `@context` names this type provides to `@fromContext` arguments below it."""

    @property
    def graphs(self) -> tuple[str, ...]:
        """Subgraphs defining this type, in declaration order, without duplicates."""
        return tuple(dict.fromkeys(join.graph for join in self.joins))

    def in_graph(self, graph: str) -> bool:
        return any(join.graph == graph for join in self.joins)

    def keys_in(self, graph: str) -> tuple[TypeJoin, ...]:
        return tuple(join for join in self.joins if join.graph == graph and join.key is not None)

    def is_interface_object_in(self, graph: str) -> bool:
        return any(join.graph == graph and join.is_interface_object for join in self.joins)

    @property
    def is_abstract(self) -> bool:
        return self.kind in (TypeKind.INTERFACE, TypeKind.UNION)


@dataclass(frozen=True, slots=True)
class Supergraph:
    """The parsed supergraph: subgraphs, types with join data, and the API schema clients see."""

    sdl: str
    graphs: Mapping[str, Graph]
    types: Mapping[str, TypeDef]
    query_type: str
    mutation_type: str | None
    subscription_type: str | None
    possible_types: Mapping[str, tuple[str, ...]]
    api_schema: GraphQLSchema

    def type(self, name: str) -> TypeDef:
        return self.types[name]

    def field(self, type_name: str, field_name: str) -> FieldDef | None:
        return self.types[type_name].fields.get(field_name)

    def root_type(self, operation: str) -> str | None:
        return {
            "query": self.query_type,
            "mutation": self.mutation_type,
            "subscription": self.subscription_type,
        }[operation]

    def override_labels(self) -> dict[str, frozenset[str]]:
        """The progressive-override labels (`overrideLabel`) on each type's fields, for the types that
        have any; computed on each call."""
        found: dict[str, frozenset[str]] = {}
        for name, tdef in self.types.items():
            labels = frozenset(
                join.override_label
                for fdef in tdef.fields.values()
                for join in fdef.joins
                if join.override_label is not None
            )
            if labels:
                found[name] = labels
        return found
