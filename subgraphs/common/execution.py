"""Field execution that skips graphql-core's per-field machinery for plain leaf and object fields.

A page of twenty products asks for about two hundred fields, and most are plain: a Strawberry field
without a resolver (its value is an attribute of an object already loaded) of a scalar or enum type.
graphql-core still runs each through its generic path: looks the field up, builds a resolve info
(a fifteen-field tuple), checks for arguments, calls the resolver, then completes the value through
the non-null wrapper down to the leaf's `coerce_output_value`. Measured on the catalogue page that
generic path was most of the subgraph's CPU outside SQL.

`PlainFieldsExecutionContext` answers such a field with the resolver Strawberry gave it and the leaf
type's `coerce_output_value`, exactly what the generic path would compute. The resolver is called once,
as there: a resolver or coercion that raises, or a value that is an exception, is reported through
graphql-core's own `handle_field_error` (the error at the field's path, null propagation as usual), and
an awaitable value is completed by graphql-core's `complete_awaitable_value`. A null in a non-null field
and a coercion to null go the generic way (it words the error). Requests whose extensions wrap resolvers
(middleware) go the generic way for every field, `__typename` included; without middleware `__typename`
is answered from the parent type, as graphql-core's meta field does.

A plain field of an object type (a connection's `node`, a product's `stock`) whose type has no
`is_type_of` is answered the same way: its getter's value goes straight to graphql-core's
`collect_and_execute_subfields`, which is all the generic path's completion does with it, and an
error raised there, at once or once awaited, is reported at the field as the generic path reports it.
That skips the resolve info, the argument check and the non-null and object completion steps twice
per product of a catalogue page (the edge's `node` and the product's `stock`).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
)
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

TYPENAME = "__typename"
BASIC_GETTER = "_get_basic_result"
"""The name of the resolver Strawberry gives a basic field (`GraphQLCoreConverter.from_resolver`)."""

GENERIC: Final = object()
"""What a plain field's direct answer is when the generic path has to answer it instead."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """What a plain leaf field needs to be answered: its definition, Strawberry's attribute getter and
    the leaf's output coercion; `non_null` fields never answer None here."""

    field: GraphQLField
    resolve: Callable[..., Any]
    coerce: Callable[[Any], Any]
    non_null: bool


PlainLeaves = Mapping[str, Mapping[str, PlainLeaf]]
"""Per object type name, its plain leaf fields by name."""


@dataclass(frozen=True, slots=True)
class PlainObject:
    """What a plain field of an object type needs to be answered: its definition, Strawberry's attribute
    getter and the object type, which has no `is_type_of` to check (so graphql-core's completion of it
    is collecting and executing its sub-selections, nothing else)."""

    field: GraphQLField
    resolve: Callable[..., Any]
    object_type: GraphQLObjectType
    non_null: bool


PlainObjects = Mapping[str, Mapping[str, PlainObject]]
"""Per object type name, its plain fields of an object type by name."""

_LEAVES: weakref.WeakKeyDictionary[GraphQLSchema, PlainLeaves] = weakref.WeakKeyDictionary()
_OBJECTS: weakref.WeakKeyDictionary[GraphQLSchema, PlainObjects] = weakref.WeakKeyDictionary()


def plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    """The schema's plain leaf fields (built once per schema). Strawberry gives a field with no
    resolver, extension or exception handler of its own the getter `_get_basic_result`, which ignores
    the resolve info; any other resolver (even one marked `_is_default`) may need it."""
    leaves = _LEAVES.get(schema)
    if leaves is None:
        leaves = _LEAVES[schema] = _find_plain_leaves(schema)
    return leaves


def plain_objects(schema: GraphQLSchema) -> PlainObjects:
    """The schema's plain fields of an object type without `is_type_of` (built once per schema):
    Strawberry's types that implement no interface have none."""
    objects = _OBJECTS.get(schema)
    if objects is None:
        objects = _OBJECTS[schema] = _find_plain_objects(schema)
    return objects


def _basic_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField, Callable[..., Any]]]:
    """Every field answered by Strawberry's attribute getter: its type's name, its name, definition
    and getter."""
    for type_name, named in schema.type_map.items():
        if not isinstance(named, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in named.fields.items():
            if field.resolve is not None and _is_basic_getter(field.resolve):
                yield type_name, field_name, field, field.resolve


def _find_plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    found: dict[str, dict[str, PlainLeaf]] = {}
    for type_name, field_name, field, resolve in _basic_fields(schema):
        non_null = isinstance(field.type, GraphQLNonNull)
        leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
            # graphql-core's `complete_leaf_value` coerces with `coerce_output_value` (since 3.3).
            found.setdefault(type_name, {})[field_name] = PlainLeaf(
                field, resolve, leaf.coerce_output_value, non_null
            )
    return found


def _find_plain_objects(schema: GraphQLSchema) -> PlainObjects:
    found: dict[str, dict[str, PlainObject]] = {}
    for type_name, field_name, field, resolve in _basic_fields(schema):
        non_null = isinstance(field.type, GraphQLNonNull)
        named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
            found.setdefault(type_name, {})[field_name] = PlainObject(field, resolve, named, non_null)
    return found


def _is_basic_getter(resolve: Callable[..., Any]) -> bool:
    return getattr(resolve, "_is_default", False) is True and getattr(resolve, "__name__", "") == BASIC_GETTER


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain leaf fields answered directly (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self._direct = not (middleware and middleware.middlewares)
        self._leaves: PlainLeaves = plain_leaves(self.schema) if self._direct else {}
        self._objects: PlainObjects = plain_objects(self.schema) if self._direct else {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        if self._direct:
            field_name = field_details_list[0].node.name.value
            if field_name == TYPENAME:
                return parent_type.name
            leaf = self._leaves.get(parent_type.name, {}).get(field_name)
            if leaf is not None:
                answer = self._answer_leaf(
                    leaf, parent_type, source, field_details_list, path, position_context
                )
                if answer is not GENERIC:
                    return answer
            plain_object = self._objects.get(parent_type.name, {}).get(field_name)
            if plain_object is not None:
                answer = self._answer_object(
                    plain_object, parent_type, source, field_details_list, path, position_context
                )
                if answer is not GENERIC:
                    return answer
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _answer_leaf(
        self,
        leaf: PlainLeaf,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """The field's answer as the generic path gives it, or `GENERIC` when that path must give it."""
        try:
            value = leaf.resolve(source, None)
        except Exception as error:
            return self._field_error(error, leaf, field_details_list, path)
        if value is None:
            return GENERIC if leaf.non_null else None
        if isinstance(value, Exception):  # graphql-core's `complete_value` raises a returned exception
            return self._field_error(value, leaf, field_details_list, path)
        if self.is_awaitable(value):
            nodes = [details.node for details in field_details_list]
            info = self.build_resolve_info(leaf.field, nodes, parent_type, path)
            return self.complete_awaitable_value(
                leaf.field.type, field_details_list, info, path, value, position_context
            )
        try:
            coerced = leaf.coerce(value)
        except Exception as error:
            return self._field_error(error, leaf, field_details_list, path)
        return GENERIC if coerced is None or coerced is Undefined else coerced

    def _answer_object(
        self,
        plain: PlainObject,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """The field's answer as the generic path gives it (its object's sub-selections executed), or
        `GENERIC` when that path must give it (a null in a non-null field: it words the error)."""
        try:
            value = plain.resolve(source, None)
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)
        if value is None:
            return GENERIC if plain.non_null else None
        if isinstance(value, Exception):
            return self._field_error(value, plain, field_details_list, path)
        if self.is_awaitable(value):
            nodes = [details.node for details in field_details_list]
            info = self.build_resolve_info(plain.field, nodes, parent_type, path)
            return self.complete_awaitable_value(
                plain.field.type, field_details_list, info, path, value, position_context
            )
        try:
            completed = self.collect_and_execute_subfields(
                plain.object_type, field_details_list, path, value, position_context
            )
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)
        if self.is_awaitable(completed):
            return self._completed_later(completed, plain, field_details_list, path)
        return completed

    async def _completed_later(
        self, completed: Awaitable[Any], plain: PlainObject, field_details_list: Any, path: Path
    ) -> Any:
        """An object whose sub-selections complete later, its errors reported as the generic path's
        `await_completed` reports them."""
        try:
            return await completed
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)

    def _field_error(
        self, error: Exception, plain: PlainLeaf | PlainObject, field_details_list: Any, path: Path
    ) -> None:
        """Report the error as the generic path's `except` does: at the field's path, raised on to the
        parent for a non-null field, else recorded and the field null."""
        self.handle_field_error(error, plain.field.type, field_details_list, path)
