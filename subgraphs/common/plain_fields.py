"""Which fields of a Strawberry schema are plain: answered by reading an attribute of an object already
loaded, with nothing (no resolver, extension, permission or exception handler) around the read.

Strawberry gives such a field the resolver `_get_basic_result`, which ignores the resolve info and
reads the attribute through `StrawberryField.get_result`: four Python calls to reach `getattr`. Where
the field's `default_resolver` is `getattr` itself (Strawberry's default), the read here is an
`operator.attrgetter` of the same attribute, one call in C that reads exactly what `get_result` reads;
any other default resolver is called as Strawberry would call it.

Built once per schema; `subgraphs/common/execution.py` uses the three kinds:
- a plain leaf (a scalar or enum type),
- a plain object (an object type without `is_type_of`, so completing it is executing its
  sub-selections and nothing else),
- a plain list of such objects.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
)

BASIC_GETTER = "_get_basic_result"
"""The name of the resolver Strawberry gives a basic field (`GraphQLCoreConverter.from_resolver`)."""
DEFINITION_BACKREF = "strawberry-definition"
"""Where Strawberry keeps a GraphQL field's `StrawberryField` (`GraphQLCoreConverter.DEFINITION_BACKREF`)."""

Read = Callable[[Any], Any]
"""A plain field's read of its value from the parent object."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """A plain field of a scalar or enum type: its definition, read, the leaf's output coercion, and
    whether it is non-null (then never answered None here)."""

    field: GraphQLField
    read: Read
    coerce: Callable[[Any], Any]
    non_null: bool


@dataclass(frozen=True, slots=True)
class PlainObject:
    """A plain field of an object type without `is_type_of`."""

    field: GraphQLField
    read: Read
    object_type: GraphQLObjectType
    non_null: bool


@dataclass(frozen=True, slots=True)
class PlainList:
    """A plain field of a list of an object type without `is_type_of`: `item_type` is the list's item
    type as declared (non-null or not), `object_type` the object type inside it."""

    field: GraphQLField
    read: Read
    item_type: GraphQLOutputType
    object_type: GraphQLObjectType
    non_null: bool


PlainField = PlainLeaf | PlainObject | PlainList
PlainFields = Mapping[str, Mapping[str, PlainField]]
"""Per object type name, its plain fields by name."""

_FOUND: weakref.WeakKeyDictionary[GraphQLSchema, PlainFields] = weakref.WeakKeyDictionary()


def plain_fields(schema: GraphQLSchema) -> PlainFields:
    """The schema's plain fields of the three kinds (built once per schema)."""
    found = _FOUND.get(schema)
    if found is None:
        found = _FOUND[schema] = _find_plain_fields(schema)
    return found


def _find_plain_fields(schema: GraphQLSchema) -> PlainFields:
    found: dict[str, dict[str, PlainField]] = {}
    for type_name, field_name, field, read in _basic_fields(schema):
        plain = _classified(field, read)
        if plain is not None:
            found.setdefault(type_name, {})[field_name] = plain
    return found


def _classified(field: GraphQLField, read: Read) -> PlainField | None:
    non_null = isinstance(field.type, GraphQLNonNull)
    named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        # graphql-core's `complete_leaf_value` coerces with `coerce_output_value` (since 3.3).
        return PlainLeaf(field, read, named.coerce_output_value, non_null)
    if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
        return PlainObject(field, read, named, non_null)
    if isinstance(named, GraphQLList):
        item_type = named.of_type
        item = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(item, GraphQLObjectType) and item.is_type_of is None:
            return PlainList(field, read, item_type, item, non_null)
    return None


def _basic_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField, Read]]:
    """Every field answered by Strawberry's attribute getter: its type's name, its name, definition
    and read. Any resolver other than that getter (even one marked `_is_default`) may need the info."""
    for type_name, named in schema.type_map.items():
        if not isinstance(named, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in named.fields.items():
            if field.resolve is not None and _is_basic_getter(field.resolve):
                yield type_name, field_name, field, _read_of(field, field.resolve)


def _is_basic_getter(resolve: Callable[..., Any]) -> bool:
    return getattr(resolve, "_is_default", False) is True and getattr(resolve, "__name__", "") == BASIC_GETTER


def _read_of(field: GraphQLField, resolve: Callable[..., Any]) -> Read:
    """`attrgetter` of the attribute when that is all Strawberry's getter does, else the getter."""
    definition = (field.extensions or {}).get(DEFINITION_BACKREF)
    python_name = getattr(definition, "python_name", None)
    if (
        definition is not None
        and getattr(definition, "base_resolver", True) is None
        and getattr(definition, "default_resolver", None) is getattr
        and isinstance(python_name, str)
    ):
        return operator.attrgetter(python_name)

    def read(source: Any) -> Any:
        return resolve(source, None)

    return read
