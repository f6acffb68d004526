"""Field execution that skips graphql-core's per-field machinery for plain leaf fields.

A page of twenty products asks for about two hundred fields, and most are plain: a Strawberry field
without a resolver (its value is an attribute of an object already loaded) of a scalar or enum type.
graphql-core still runs each through its generic path: looks the field up, builds a resolve info
(a fifteen-field tuple), checks for arguments, calls the resolver, then completes the value through
the non-null wrapper down to the leaf's `serialize`. Measured on the catalogue page that generic path
was most of the subgraph's CPU outside SQL.

`PlainFieldsExecutionContext` answers such a field with the resolver Strawberry gave it and the leaf
type's `serialize`, exactly what the generic path would compute. Whatever could make it differ goes
the generic way: a null (the generic path raises the non-null error and propagates it), a value that
does not serialize, an awaitable, and every request whose extensions wrap resolvers (middleware).
`__typename` is answered from the parent type, as graphql-core's meta field does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
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


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """What a plain leaf field needs to be answered: Strawberry's attribute getter and the leaf's
    serializer; `non_null` fields never answer None here."""

    resolve: Callable[..., Any]
    serialize: Callable[[Any], Any]
    non_null: bool


PlainLeaves = Mapping[str, Mapping[str, PlainLeaf]]
"""Per object type name, its plain leaf fields by name."""

_LEAVES: weakref.WeakKeyDictionary[GraphQLSchema, PlainLeaves] = weakref.WeakKeyDictionary()


def plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    """The schema's plain leaf fields (built once per schema). Strawberry gives a field with no
    resolver, extension or exception handler of its own the getter `_get_basic_result`, which ignores
    the resolve info; any other resolver (even one marked `_is_default`) may need it."""
    leaves = _LEAVES.get(schema)
    if leaves is None:
        leaves = _LEAVES[schema] = _find_plain_leaves(schema)
    return leaves


def _find_plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    found: dict[str, dict[str, PlainLeaf]] = {}
    for type_name, named in schema.type_map.items():
        if not isinstance(named, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in named.fields.items():
            if not _is_basic_getter(field.resolve):
                continue
            non_null = isinstance(field.type, GraphQLNonNull)
            leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                plain = PlainLeaf(field.resolve, leaf.serialize, non_null)
                found.setdefault(type_name, {})[field_name] = plain
    return found


def _is_basic_getter(resolve: Callable[..., Any] | None) -> bool:
    return (
        resolve is not None
        and getattr(resolve, "_is_default", False) is True
        and getattr(resolve, "__name__", "") == BASIC_GETTER
    )


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain leaf fields answered directly (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self._leaves: PlainLeaves = {} if middleware and middleware.middlewares else plain_leaves(self.schema)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        field_name = field_details_list[0].node.name.value
        if field_name == TYPENAME:
            return parent_type.name
        leaf = self._leaves.get(parent_type.name, {}).get(field_name)
        if leaf is not None:
            value = leaf.resolve(source, None)
            if value is None:
                if not leaf.non_null:
                    return None
            elif not self.is_awaitable(value):
                try:
                    serialized = leaf.serialize(value)
                except Exception:  # the generic path below reports it as the field's error
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
