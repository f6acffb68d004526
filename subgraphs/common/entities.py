"""Checking `_entities` representations before Strawberry hands them to `resolve_reference`.

Strawberry's federation resolver (0.341) looks a representation's `__typename` up in the type map and
calls `resolve_reference(**representation)`: a missing or unknown `__typename` fails the whole call
(KeyError), a missing key or an unexpected field raises TypeError inside it, and the client sees a
masked INTERNAL_SERVER_ERROR. A representation is the caller's input, so each one is checked here
against its entity type: one of its `@key`s present and not null, each key value accepted by the key
field's scalar (as graphql-core coerces a variable), and no field the resolver does not take. A bad
representation is a `BadUserInputError` for its own index only. Our own code because neither
Strawberry nor graphql-core validates `_Any` values.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLLeafType, GraphQLObjectType, GraphQLUnionType, get_nullable_type
from graphql.pyutils import inspect as show_value
from strawberry.federation.schema_directives import Key
from strawberry.types.base import StrawberryObjectDefinition

from subgraphs.common.errors import BadUserInputError

ENTITY_UNION = "_Entity"
TYPENAME = "__typename"
ARGUMENT = "representations"


def bad_representation(message: str) -> BadUserInputError:
    return BadUserInputError(message, field=ARGUMENT)


@dataclass(frozen=True, slots=True)
class EntityRules:
    """What a representation of one entity type must carry to be resolved."""

    typename: str
    keys: tuple[tuple[str, ...], ...]  # the fields of each `@key`; any one key will do
    key_types: Mapping[str, GraphQLLeafType]  # the scalar (or enum) of every key field
    required: frozenset[str]  # fields the resolver cannot do without (a key's fields among them)
    accepted: frozenset[str] | None  # every field the resolver takes; None when it takes any

    def check(self, representation: Mapping[str, Any]) -> dict[str, Any]:
        """The representation with its key values coerced, or a BadUserInputError saying what is wrong."""
        fields = {name: value for name, value in representation.items() if name != TYPENAME}
        if not any(all(fields.get(name) is not None for name in key) for key in self.keys):
            wanted = " or ".join(", ".join(key) for key in self.keys)
            raise bad_representation(f"A representation of {self.typename} needs its key: {wanted}.")
        missing = sorted(name for name in self.required if name not in fields)
        if missing:
            raise bad_representation(f"A representation of {self.typename} needs {', '.join(missing)}.")
        if self.accepted is not None:
            unexpected = sorted(set(fields) - self.accepted)
            if unexpected:
                raise bad_representation(
                    f"A representation of {self.typename} may not carry {', '.join(unexpected)}."
                )
        for name, leaf_type in self.key_types.items():
            if fields.get(name) is not None:
                fields[name] = self._coerce(name, leaf_type, fields[name])
        return {TYPENAME: self.typename, **fields}

    def _coerce(self, name: str, leaf_type: GraphQLLeafType, value: Any) -> Any:
        try:
            return leaf_type.parse_value(value)
        except (GraphQLError, TypeError, ValueError) as error:
            detail = error.message if isinstance(error, GraphQLError) else str(error)
            raise bad_representation(
                f"{self.typename}.{name} in a representation: {detail or show_value(value)}."
            ) from error


class RepresentationCheck:
    """The rules of every entity type of one schema, by type name."""

    def __init__(self, rules: Mapping[str, EntityRules]) -> None:
        self._rules = dict(rules)

    def check(self, representation: object) -> dict[str, Any] | BadUserInputError:
        """The representation ready for Strawberry's resolver, or the error to answer at its index."""
        if not isinstance(representation, Mapping) or not isinstance(representation.get(TYPENAME), str):
            return bad_representation(f"A representation must be an object with a {TYPENAME}.")
        typename = representation[TYPENAME]
        rules = self._rules.get(typename)
        if rules is None:
            return bad_representation(f"{show_value(typename)} is not an entity type of this subgraph.")
        try:
            return rules.check(representation)
        except BadUserInputError as error:
            return error

    @classmethod
    def of_schema(
        cls, entities: GraphQLUnionType | None, definitions: Mapping[str, Any]
    ) -> RepresentationCheck:
        """From the schema's `_Entity` union and Strawberry's definitions (`schema_converter.type_map`).

        Raises ValueError for an entity this check cannot describe (a nested key, a key field the
        resolver does not take), so such a schema fails when built, not when called.
        """
        if entities is None:
            return cls({})
        return cls(
            {member.name: _rules_of(member, definitions[member.name].definition) for member in entities.types}
        )


def _rules_of(graphql_type: GraphQLObjectType, definition: StrawberryObjectDefinition) -> EntityRules:
    keys = tuple(
        tuple(str(directive.fields).split())
        for directive in definition.directives or ()
        if isinstance(directive, Key)
    )
    if any("{" in name for key in keys for name in key):
        raise ValueError(f"{graphql_type.name}: nested key fields are not supported")
    key_types: dict[str, GraphQLLeafType] = {}
    for name in {name for key in keys for name in key}:
        field = graphql_type.fields.get(name)
        leaf_type = get_nullable_type(field.type) if field is not None else None
        if not isinstance(leaf_type, GraphQLLeafType):
            raise ValueError(f"{graphql_type.name}: key field {name!r} is not a scalar field of the type")
        key_types[name] = leaf_type
    required, accepted = _resolver_fields(definition, set(graphql_type.fields))
    if accepted is not None and not set(key_types) <= accepted:
        raise ValueError(f"{graphql_type.name}.resolve_reference does not take every key field")
    return EntityRules(
        typename=graphql_type.name,
        keys=keys,
        key_types=key_types,
        required=frozenset(required),
        accepted=accepted,
    )


def _resolver_fields(
    definition: StrawberryObjectDefinition, type_fields: set[str]
) -> tuple[set[str], frozenset[str] | None]:
    """(fields without a default, every field taken) by `resolve_reference`; without one, Strawberry
    builds the object from the representation, so the type's own fields are what it takes."""
    resolve_reference = getattr(definition.origin, "resolve_reference", None)
    if resolve_reference is None:
        return set(), frozenset(type_fields)
    parameters = inspect.signature(resolve_reference).parameters.values()
    named = [
        parameter
        for parameter in parameters
        if parameter.name != "info"
        and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    ]
    takes_any = any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters)
    accepted = None if takes_any else frozenset(parameter.name for parameter in named)
    required = {parameter.name for parameter in named if parameter.default is parameter.empty}
    return required, accepted
