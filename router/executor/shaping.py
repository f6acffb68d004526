"""Shape merged subgraph data into exactly the response the client asked for.

Subgraph fetches select extra fields (keys, requirements, `__typename`) and return fields in their own
order. Shaping walks the client's normalized operation over the merged data: it keeps only the fields
asked for, in the order asked, applies `@skip`/`@include`, resolves fragments by `__typename`, and
propagates nulls per the GraphQL specification (a null in a non-null position nulls the nearest
nullable parent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    is_abstract_type,
)

from router.executor.paths import ResponsePath
from router.plan.operation import included
from router.plan.selection import Field, Selection

Applies = Callable[[str | None, str], bool]
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_Composite = GraphQLObjectType | GraphQLInterfaceType
_Path = tuple[Any, str | int] | None
"""A response path as a linked list (parent, key): built for free, turned into a list only for errors."""

_TYPENAME, _INTROSPECTION, _SCALAR, _NON_NULL_SCALAR, _OTHER = range(5)


@dataclass(frozen=True, slots=True)
class _Collected:
    """One response key of an object: the field, its merged sub-selection, and how to complete it."""

    key: str
    name: str
    selections: tuple[Selection, ...]
    type: GraphQLOutputType | None
    kind: int


def _as_list(path: _Path) -> ResponsePath:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys


class _NullInNonNull(Exception):
    """A non-null position resolved to null; caught at the nearest nullable position."""


class Shaper:
    """Shapes one response. Create one per request (it memoizes field collection for that request)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        variables: Mapping[str, Any],
        applies: Applies,
        errors: list[dict[str, Any]],
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.applies = applies
        self.errors = errors
        self._collected: dict[tuple[str, int], list[_Collected]] = {}
        self._keep_alive: list[tuple[Selection, ...]] = []

    def shape(self, root: GraphQLObjectType, selections: tuple[Selection, ...], data: Any) -> Any:
        try:
            return self._object(root, data if isinstance(data, dict) else {}, selections, None)
        except _NullInNonNull:
            return None

    def _collect(self, object_type: _Composite, selections: tuple[Selection, ...]) -> list[_Collected]:
        """The response keys for objects of `object_type`, memoized per selection set.

        The memo keeps every merged sub-selection alive, so keying by `id()` stays sound for the request.
        """
        memo_key = (object_type.name, id(selections))
        collected = self._collected.get(memo_key)
        if collected is None:
            grouped: dict[str, list[Field]] = {}
            self._collect_into(object_type.name, selections, grouped)
            collected = [self._describe(object_type, key, fields) for key, fields in grouped.items()]
            self._collected[memo_key] = collected
            self._keep_alive.append(selections)
        return collected

    @staticmethod
    def _describe(object_type: _Composite, key: str, fields: list[Field]) -> _Collected:
        name = fields[0].name
        selections = (
            fields[0].selections
            if len(fields) == 1
            else tuple(child for field in fields for child in field.selections)
        )
        if name == "__typename":
            return _Collected(key, name, selections, None, _TYPENAME)
        if name in _INTROSPECTION_FIELDS:
            return _Collected(key, name, selections, None, _INTROSPECTION)
        type_ = object_type.fields[name].type
        if isinstance(type_, GraphQLScalarType):
            kind = _SCALAR
        elif isinstance(type_, GraphQLNonNull) and isinstance(type_.of_type, GraphQLScalarType):
            kind = _NON_NULL_SCALAR
        else:
            kind = _OTHER
        return _Collected(key, name, selections, type_, kind)

    def _collect_into(
        self, runtime_type: str, selections: tuple[Selection, ...], into: dict[str, list[Field]]
    ) -> None:
        for selection in selections:
            if not included(selection.directives, self.variables):
                continue
            if isinstance(selection, Field):
                into.setdefault(selection.response_key, []).append(selection)
            elif self.applies(selection.type_condition, runtime_type):
                self._collect_into(runtime_type, selection.selections, into)

    def _object(
        self,
        object_type: _Composite,
        value: dict[str, Any],
        selections: tuple[Selection, ...],
        path: _Path,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field in self._collect(object_type, selections):
            kind = field.kind
            if kind == _SCALAR:
                result[field.key] = value.get(field.key)
            elif kind == _NON_NULL_SCALAR:
                raw = value.get(field.key)
                if raw is None:
                    self._report_null((path, field.key), object_type.name, field.name)
                    raise _NullInNonNull
                result[field.key] = raw
            elif kind == _TYPENAME:
                result[field.key] = object_type.name
            elif kind == _INTROSPECTION:
                result[field.key] = value.get(field.key) if path is None else None
            elif field.type is not None:  # every other kind of field has a type
                result[field.key] = self._value(
                    field.type,
                    value.get(field.key),
                    field.selections,
                    (path, field.key),
                    object_type.name,
                    field.name,
                )
        return result

    def _value(
        self,
        type_: GraphQLOutputType,
        value: Any,
        selections: tuple[Selection, ...],
        path: _Path,
        parent: str,
        field: str,
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            completed = self._nullable(type_.of_type, value, selections, path, parent, field)
            if completed is None:
                self._report_null(path, parent, field)
                raise _NullInNonNull
            return completed
        try:
            return self._nullable(type_, value, selections, path, parent, field)
        except _NullInNonNull:
            return None

    def _nullable(
        self,
        type_: GraphQLOutputType,
        value: Any,
        selections: tuple[Selection, ...],
        path: _Path,
        parent: str,
        field: str,
    ) -> Any:
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return None
            return [
                self._value(type_.of_type, item, selections, (path, index), parent, field)
                for index, item in enumerate(value)
            ]
        if isinstance(type_, GraphQLScalarType):
            return value
        if isinstance(type_, GraphQLEnumType):
            return self._enum_value(type_, value, path)
        if not isinstance(value, dict):
            return None
        object_type = self._runtime_type(type_, value)
        if object_type is None:
            return None
        return self._object(object_type, value, selections, path)

    def _enum_value(self, enum: GraphQLEnumType, value: Any, path: _Path) -> Any:
        """The value when the API schema has it; null with an error for values clients cannot see."""
        if isinstance(value, str) and value in enum.values:
            return value
        self.errors.append(
            {"message": f"Enum '{enum.name}' cannot represent value: {value!r}", "path": _as_list(path)}
        )
        return None

    def _runtime_type(self, type_: GraphQLOutputType, value: dict[str, Any]) -> _Composite | None:
        """The object type to shape `value` as; the interface itself for `@interfaceObject` answers."""
        if isinstance(type_, GraphQLObjectType):
            return type_
        if not is_abstract_type(type_):
            return None
        typename = value.get("__typename")
        if isinstance(type_, GraphQLInterfaceType) and typename in (type_.name, None):
            return type_
        runtime = self.schema.get_type(str(typename))
        if isinstance(runtime, GraphQLObjectType) and self.schema.is_sub_type(type_, runtime):
            return runtime
        return None

    def _report_null(self, path: _Path, parent: str, field: str) -> None:
        """Add the spec's error for a null in a non-null position, unless an error already covers it."""
        keys = _as_list(path)
        for error in self.errors:
            error_path = error.get("path")
            if (
                not isinstance(error_path, list)
                or error_path[: len(keys)] == keys
                or keys[: len(error_path)] == error_path
            ):
                return
        self.errors.append(
            {"message": f"Cannot return null for non-nullable field {parent}.{field}.", "path": keys}
        )
