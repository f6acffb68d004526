"""Questions the planner asks about the supergraph: who resolves a field, which keys reach a type.

Kept apart from the planning walk so the rules of `@external`, `@provides`, `@override`, keys and
`@interfaceObject` live in one place.
"""

from __future__ import annotations

from functools import lru_cache

from router.errors import PlanningError
from router.plan.selection import Field, InlineFragment, Selection
from router.planner.normalize import parse_field_set
from router.supergraph.model import FieldDef, Supergraph, TypeDef, TypeJoin, TypeKind


class Resolution:
    """Answers resolvability questions for one supergraph; field sets and key fields are computed once."""

    def __init__(self, supergraph: Supergraph, override_labels: frozenset[str] = frozenset()) -> None:
        self.supergraph = supergraph
        self.override_labels = override_labels  # the progressive-override labels in force for this plan
        self.graph_order = {name: index for index, name in enumerate(supergraph.graphs)}
        self._has_implements = any(t.implements for t in supergraph.types.values())
        self._has_members = any(t.union_members for t in supergraph.types.values())
        self.field_set = lru_cache(maxsize=1024)(parse_field_set)
        self._key_fields: dict[tuple[str, str], frozenset[str]] = {}

    def type(self, name: str) -> TypeDef:
        return self.supergraph.types[name]

    def field(self, type_name: str, field_name: str) -> FieldDef:
        """The field definition; a planning error when the supergraph lacks it."""
        field_def = self.type(type_name).fields.get(field_name)
        if field_def is None:
            raise PlanningError(f"{type_name}.{field_name} is not in the supergraph")
        return field_def

    def is_abstract(self, type_name: str) -> bool:
        return self.supergraph.types[type_name].is_abstract

    def is_object_in(self, type_name: str, graph: str) -> bool:
        """Whether `graph` knows `type_name` as an object (an `@interfaceObject` counts)."""
        type_def = self.type(type_name)
        return type_def.kind is TypeKind.OBJECT or type_def.is_interface_object_in(graph)

    def key_field_names(self, graph: str, type_name: str) -> frozenset[str]:
        """Top-level fields of the type's keys in `graph`: always available there."""
        names = self._key_fields.get((graph, type_name))
        if names is None:
            names = frozenset(
                selection.name
                for join in self.type(type_name).keys_in(graph)
                for selection in self.field_set(join.key or "")
                if isinstance(selection, Field)
            )
            self._key_fields[(graph, type_name)] = names
        return names

    def is_extension_key(self, graph: str, type_name: str, field_name: str) -> bool:
        """A key field of a type extension (`extend type`/`@extends`): `@external` there is only a marker.

        Federation lets a subgraph extending a type mark its key fields `@external` while still resolving
        them (the representation carries them); any other `@external` field is not resolvable there.
        """
        return any(
            join.extension
            and any(
                isinstance(selection, Field) and selection.name == field_name
                for selection in self.field_set(join.key or "")
            )
            for join in self.type(type_name).keys_in(graph)
        )

    def can_resolve(
        self, graph: str, type_name: str, field_def: FieldDef, provided: tuple[Selection, ...] | None
    ) -> bool:
        """Whether `graph` resolves `type_name.field_def` itself at a position where `provided` applies."""
        type_def = self.type(type_name)
        if field_def.unresolvable or not self.type_in_graph(type_def, graph):
            return False
        if is_provided(provided, type_name, field_def.name, self):
            return True
        join = field_def.join_for(graph)
        if join is not None and join.external and not self.is_extension_key(graph, type_name, field_def.name):
            return False
        if field_def.name in self.key_field_names(graph, type_name):
            return True
        if not field_def.joins:
            return type_def.owner is None or type_def.owner == graph
        if join is None or join.used_overridden or join.external:
            return False
        if join.override is not None and join.overrides(self.override_labels) is None:
            return False  # a progressive override not in force: the field stays where it came from
        return not any(other.overrides(self.override_labels) == graph for other in field_def.joins)

    @staticmethod
    def type_in_graph(type_def: TypeDef, graph: str) -> bool:
        """Whether a subgraph defines the type; Federation 1 supergraphs leave value types unannotated."""
        return type_def.in_graph(graph) or not type_def.joins

    def requires(self, graph: str, field_def: FieldDef) -> str | None:
        join = field_def.join_for(graph)
        return join.requires if join is not None else None

    def provides(self, graph: str, field_def: FieldDef) -> str | None:
        join = field_def.join_for(graph)
        return join.provides if join is not None else None

    def resolvable_keys(self, graph: str, type_name: str) -> tuple[TypeJoin, ...]:
        return tuple(join for join in self.type(type_name).keys_in(graph) if join.resolvable)

    def possible_types_in(self, graph: str, abstract: str) -> tuple[str, ...]:
        """Object types `graph` may return for `abstract`, in supergraph order."""
        type_def = self.type(abstract)
        result: list[str] = []
        for name in self.supergraph.possible_types.get(abstract, ()):
            member = self.type(name)
            if not self.type_in_graph(member, graph):
                continue
            if type_def.kind is TypeKind.UNION:
                listed = type_def.union_members.get(graph, ())
                if name in listed or (not self._has_members and self.type_in_graph(type_def, graph)):
                    result.append(name)
            elif abstract in member.implements.get(graph, ()) or not self._has_implements:
                result.append(name)
        return tuple(result)

    def possible_types(self, type_name: str) -> tuple[str, ...]:
        if self.is_abstract(type_name):
            return self.supergraph.possible_types.get(type_name, ())
        return (type_name,)

    def applies(self, type_condition: str | None, runtime_type: str) -> bool:
        """Whether a fragment on `type_condition` applies to objects of `runtime_type`."""
        return (
            type_condition is None
            or type_condition == runtime_type
            or runtime_type in self.supergraph.possible_types.get(type_condition, ())
        )

    def interface_objects_for(self, type_name: str, field_name: str) -> list[tuple[str, str]]:
        """(interface, graph) pairs where an `@interfaceObject` of an interface of the type has the field."""
        found: list[tuple[str, str]] = []
        for interface, members in self.supergraph.possible_types.items():
            type_def = self.type(interface)
            if type_name not in members or type_def.kind is not TypeKind.INTERFACE:
                continue
            field_def = type_def.fields.get(field_name)
            if field_def is None:
                continue
            for join in type_def.joins:
                if join.is_interface_object and self.can_resolve(join.graph, interface, field_def, None):
                    found.append((interface, join.graph))
        return found


def is_provided(
    provided: tuple[Selection, ...] | None, type_name: str, field_name: str, resolution: Resolution
) -> bool:
    return any(selection.name == field_name for selection in provided_fields(provided, type_name, resolution))


def provided_fields(
    provided: tuple[Selection, ...] | None, type_name: str, resolution: Resolution
) -> list[Field]:
    """The fields of a `@provides` selection that apply to objects of `type_name`."""
    fields: list[Field] = []
    for selection in provided or ():
        if isinstance(selection, Field):
            fields.append(selection)
        elif isinstance(selection, InlineFragment) and (
            resolution.applies(selection.type_condition, type_name)
            or selection.type_condition == type_name
            or (
                resolution.is_abstract(type_name)
                and selection.type_condition in resolution.possible_types(type_name)
            )
        ):
            fields.extend(provided_fields(selection.selections, type_name, resolution))
    return fields


def provided_below(
    provided: tuple[Selection, ...] | None, type_name: str, field_name: str, resolution: Resolution
) -> tuple[Selection, ...] | None:
    """What a `@provides` in scope still provides inside the field `field_name`."""
    children = [
        child
        for selection in provided_fields(provided, type_name, resolution)
        if selection.name == field_name
        for child in selection.selections
    ]
    return tuple(children) if children else None
