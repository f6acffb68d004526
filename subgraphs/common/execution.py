"""Field execution that skips graphql-core's per-field machinery for plain fields.

A page of twenty products asks for about two hundred fields, and most are plain: a Strawberry field
without a resolver whose value is an attribute of an object already loaded (`plain_fields.py`).
graphql-core still runs each through its generic path: a response path, the field's lookup, a resolve
info (a fifteen-field tuple), the argument check, the resolver, then completion through the non-null
wrapper down to the leaf's `coerce_output_value`, or for a list through the list and item completion
steps to the object's sub-selections. Measured on the catalogue page that generic path was most of the
subgraph's CPU outside SQL.

`PlainFieldsExecutionContext` answers a plain field from its read and the leaf type's coercion, or
for an object (or each object of a list) by executing the sub-selections, exactly what the generic
path computes:
- `execute_fields` plans each selection set once per request (the field's kind, looked up once rather
  than per object of a list) and builds a field's response path only when something needs it (an
  object's sub-selections, an error, an awaitable);
- an object field's sub-selections are collected and planned once per request too, and kept in its
  parent's plan, so that each object of a list (each product's `stock`) runs the plan at once instead
  of going through graphql-core's collection and `execute_fields` again;
- a field is read once and a leaf coerced once, as there (an awaitable coercion is awaited): a read
  or coercion that raises, a coercion to null, or a value that is an exception, is reported through
  graphql-core's own `handle_field_error` (the error at the field's path, null propagation as usual);
  graphql-core's `Undefined` is a null, as there;
- a value the direct answer does not cover is completed by graphql-core's own `complete_value` (or
  `complete_awaitable_value`), from the value already read, as its `execute_field` completes a
  resolver's result: an awaitable, a null in a non-null field (graphql-core words the error), and
  anything unusual in a list (a null, exception, `Undefined` or awaitable item, a value that is not a
  list or tuple);
- `__typename` is answered from the parent type, as graphql-core's meta field does.

Requests whose extensions wrap resolvers (middleware) go the generic way for every field, `__typename`
included, and so do selection sets under `@defer` (executed with a delivery group) and fields with a
directive (`@stream` among them).
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graphql import GraphQLObjectType, Undefined, get_nullable_type
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType, gather_with_cancel, inspect
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from subgraphs.common.plain_fields import PlainField, PlainLeaf, PlainList, PlainObject, plain_fields

TYPENAME = "__typename"

LEAF, OBJECT, LIST, META_TYPENAME, OTHER = range(5)
"""The kinds of a planned field: how `execute_fields` answers it."""


@dataclass(slots=True)
class Subselections:
    """A plain object or list field's sub-selections, collected and planned on first use in a request:
    `plan` stays None when graphql-core must execute them (a `@defer` among them)."""

    collected: bool = False
    plan: Plan | None = None


PlannedField = tuple[str, Any, int, PlainField | None, Subselections | None]
"""A field of a planned selection set: its response name, field details, kind, plain field and, for
an object or list, its sub-selections."""
Plan = tuple[PlannedField, ...]

SETTLED_BUILTINS = frozenset(
    {str, int, float, bool, Decimal, datetime.date, datetime.datetime, datetime.time, uuid.UUID}
)
"""Classes of leaf values that are never awaitable nor an exception: the exact class, not a subclass
(which could add `__await__` or a `__getattr__`)."""
MAX_SETTLED_CLASSES = 512
_SETTLED_CLASSES: set[type] = set(SETTLED_BUILTINS)
"""Classes whose leaf values are coerced at once, without graphql-core's per-value `is_awaitable`
check: the builtins above, and enumerations learnt on first sight (`_learn_settled`)."""


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain fields answered directly (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self._direct = not (middleware and middleware.middlewares)
        self._plain: Mapping[str, Mapping[str, PlainField]] = (
            plain_fields(self.schema) if self._direct else {}
        )
        self._plans: dict[tuple[str, int], tuple[Mapping[str, Any], Plan]] = {}

    # ------------------------------------------------------------ selection sets

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's `execute_fields` over the selection set's plan (see the module)."""
        if not self._direct or position_context is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self._execute_plan(parent_type, source_value, path, self._plan(parent_type, grouped_field_set))

    def _execute_plan(
        self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None, plan: Plan
    ) -> AwaitableOrValue[dict[str, Any]]:
        """The selection set's answer for one object, as graphql-core's `execute_fields` gives it."""
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        settled = _SETTLED_CLASSES
        try:
            for response_name, details, kind, plain, subselections in plan:
                if kind == LEAF:
                    leaf: PlainLeaf = plain  # type: ignore[assignment]
                    try:
                        value = leaf.read(source_value)
                    except Exception as error:
                        self._field_error(error, leaf, details, Path(path, response_name, parent_type.name))
                        results[response_name] = None
                        continue
                    if value.__class__ in settled:
                        try:
                            coerced = leaf.coerce(value)
                        except Exception as error:
                            self._field_error(
                                error, leaf, details, Path(path, response_name, parent_type.name)
                            )
                            results[response_name] = None
                            continue
                        if coerced.__class__ in settled:  # neither null nor awaitable
                            results[response_name] = coerced
                            continue
                        field_path = Path(path, response_name, parent_type.name)
                        result = self._answer_coerced(leaf, value, coerced, details, field_path)
                    elif value is None and not leaf.non_null:
                        results[response_name] = None
                        continue
                    else:
                        field_path = Path(path, response_name, parent_type.name)
                        result = self._answer_leaf_value(leaf, value, parent_type, details, field_path)
                elif kind == META_TYPENAME:
                    results[response_name] = parent_type.name
                    continue
                else:
                    result = self._answer_planned(
                        plain,
                        parent_type,
                        source_value,
                        details,
                        Path(path, response_name, parent_type.name),
                        subselections,
                    )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                # As graphql-core does: awaitables of other fields are settled, as they may also fail.
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._results_later(results, awaitable_fields)

    async def _results_later(self, results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        """The results with their awaitable fields awaited, together, as graphql-core awaits them."""
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Mapping[str, Any]) -> Plan:
        """The selection set's plan, made once per request; the grouped field set is kept with it, so
        that its id is not reused while the plan is."""
        key = (parent_type.name, id(grouped_field_set))
        kept = self._plans.get(key)
        if kept is not None and kept[0] is grouped_field_set:
            return kept[1]
        plain_of_type = self._plain.get(parent_type.name, {})
        planned: list[PlannedField] = []
        for response_name, details in grouped_field_set.items():
            kind, plain = _kind(details, plain_of_type)
            subselections = Subselections() if kind in (OBJECT, LIST) else None
            planned.append((response_name, details, kind, plain, subselections))
        plan = tuple(planned)
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def _subselection_plan(
        self, subselections: Subselections, object_type: GraphQLObjectType, field_details_list: Any
    ) -> Plan | None:
        """The plan of an object field's sub-selections, collected on first use (graphql-core's
        `collect_subfields`, memoized there as well); None when they hold a `@defer`."""
        if not subselections.collected:
            grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
            if not new_defer_usages:
                subselections.plan = self._plan(object_type, grouped_field_set)
            subselections.collected = True
        return subselections.plan

    def _execute_subselections(
        self,
        subselections: Subselections | None,
        object_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
        value: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """An object's sub-selections executed: from their plan when they have one, else as
        graphql-core's `collect_and_execute_subfields` executes them."""
        plan = (
            self._subselection_plan(subselections, object_type, field_details_list)
            if subselections is not None
            else None
        )
        if plan is None:
            return self.collect_and_execute_subfields(object_type, field_details_list, path, value, None)
        return self._execute_plan(object_type, value, path, plan)

    # ------------------------------------------------------------ fields

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        """A field outside a planned selection set (the root fields of a mutation, run one by one)."""
        if self._direct and position_context is None:
            kind, plain = _kind(field_details_list, self._plain.get(parent_type.name, {}))
            if kind == META_TYPENAME:
                return parent_type.name
            if kind != OTHER:
                return self._answer_planned(plain, parent_type, source, field_details_list, path, None)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _answer_planned(
        self,
        plain: PlainField | None,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        subselections: Subselections | None,
    ) -> Any:
        """The answer of a field of any kind but `__typename`; `subselections` are an object's or
        list's, kept in the parent's plan (None: collected here)."""
        if isinstance(plain, PlainLeaf):
            return self._answer_leaf(plain, parent_type, source, field_details_list, path)
        if isinstance(plain, PlainObject):
            return self._answer_object(plain, parent_type, source, field_details_list, path, subselections)
        if isinstance(plain, PlainList):
            return self._answer_list(plain, parent_type, source, field_details_list, path, subselections)
        return super().execute_field(parent_type, source, field_details_list, path, None)

    def _answer_leaf(
        self,
        leaf: PlainLeaf,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
    ) -> Any:
        try:
            value = leaf.read(source)
        except Exception as error:
            return self._field_error(error, leaf, field_details_list, path)
        return self._answer_leaf_value(leaf, value, parent_type, field_details_list, path)

    def _answer_leaf_value(
        self, leaf: PlainLeaf, value: Any, parent_type: GraphQLObjectType, field_details_list: Any, path: Path
    ) -> Any:
        """The leaf's answer once read, as the generic path gives it."""
        if value is None or value is Undefined or isinstance(value, Exception) or self.is_awaitable(value):
            return self._answer_unusual(leaf, value, parent_type, field_details_list, path)
        _learn_settled(value)
        try:
            coerced = leaf.coerce(value)
        except Exception as error:
            return self._field_error(error, leaf, field_details_list, path)
        return self._answer_coerced(leaf, value, coerced, field_details_list, path)

    def _answer_coerced(
        self, leaf: PlainLeaf, value: Any, coerced: Any, field_details_list: Any, path: Path
    ) -> Any:
        """The leaf's answer from its one coercion, as graphql-core's `complete_leaf_value` and
        `execute_field` give it: a coercion to null is the field's error, an awaitable is awaited."""
        if coerced is None or coerced is Undefined:
            named = get_nullable_type(leaf.field.type)
            error = TypeError(
                f"Expected `{inspect(named)}.coerce_output_value({inspect(value)})` to return"
                f" non-nullable value, returned: {inspect(coerced)}"
            )
            return self._field_error(error, leaf, field_details_list, path)
        if self.is_awaitable(coerced):
            return self._completed_later(coerced, leaf.field.type, field_details_list, path)
        return coerced

    def _answer_object(
        self,
        plain: PlainObject,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        subselections: Subselections | None,
    ) -> Any:
        """The field's answer as the generic path gives it: its object's sub-selections executed."""
        try:
            value = plain.read(source)
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)
        if value is None or value is Undefined or isinstance(value, Exception) or self.is_awaitable(value):
            return self._answer_unusual(plain, value, parent_type, field_details_list, path)
        try:
            completed = self._execute_subselections(
                subselections, plain.object_type, field_details_list, path, value
            )
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)
        if self.is_awaitable(completed):
            return self._completed_later(completed, plain.field.type, field_details_list, path)
        return completed

    def _answer_list(
        self,
        plain: PlainList,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        subselections: Subselections | None,
    ) -> Any:
        """A list of objects as graphql-core's `complete_iterable_value` completes it, each item's
        errors at the item's path; graphql-core completes a list with a null, exception, `Undefined`
        or awaitable item, and a value that is neither a list nor a tuple (read once: a generator is
        iterated only there)."""
        try:
            value = plain.read(source)
        except Exception as error:
            return self._field_error(error, plain, field_details_list, path)
        is_awaitable = self.is_awaitable
        if (value.__class__ is not list and value.__class__ is not tuple) or any(
            item is None or item is Undefined or isinstance(item, Exception) or is_awaitable(item)
            for item in value
        ):  # a null, exception or awaitable value is not a list or tuple either
            return self._answer_unusual(plain, value, parent_type, field_details_list, path)
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(value):
                item_path = path.add_key(index, None)
                try:
                    item_answer = self._execute_subselections(
                        subselections, plain.object_type, field_details_list, item_path, item
                    )
                except Exception as error:
                    self.handle_field_error(error, plain.item_type, field_details_list, item_path)
                    item_answer = None
                else:
                    if is_awaitable(item_answer):
                        item_answer = self._completed_later(
                            item_answer, plain.item_type, field_details_list, item_path
                        )
                        awaitable_indices.append(index)
                completed.append(item_answer)
        except Exception as error:
            if awaitable_indices:
                self.settle_in_background([completed[index] for index in awaitable_indices])
            return self._field_error(error, plain, field_details_list, path)
        if not awaitable_indices:
            return completed
        # An item's error that reaches the list (a non-null item) is the field's, as there.
        return self._completed_later(
            self._items_later(completed, awaitable_indices), plain.field.type, field_details_list, path
        )

    async def _items_later(self, completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
        """The list with its awaitable items awaited, together when several, as graphql-core awaits
        them (`complete_iterable_value`: one item is awaited alone)."""
        if len(awaitable_indices) == 1:
            index = awaitable_indices[0]
            completed[index] = await completed[index]
            return completed
        awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
        for index, item in zip(awaitable_indices, awaited, strict=True):
            completed[index] = item
        return completed

    def _answer_unusual(
        self,
        plain: PlainField,
        value: Any,
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
    ) -> Any:
        """A read value the direct answer does not cover (null, `Undefined`, an exception, an
        awaitable; a list with such an item): None at once for a null in a nullable field, else
        graphql-core's completion of it, which checks in its own order and words the errors."""
        if (value is None or value is Undefined) and not plain.non_null:
            return None
        return self._completed_read(plain, value, parent_type, field_details_list, path)

    def _completed_read(
        self,
        plain: PlainField,
        value: Any,
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
    ) -> Any:
        """A value already read, completed by graphql-core's `complete_value` (an awaitable by
        `complete_awaitable_value`) as its `execute_field` completes a resolver's result: the cases the
        direct answer leaves to graphql-core, which words their errors, without reading the field again."""
        nodes = [details.node for details in field_details_list]
        info = self.build_resolve_info(plain.field, nodes, parent_type, path)
        return_type = plain.field.type
        if self.is_awaitable(value):
            return self.complete_awaitable_value(return_type, field_details_list, info, path, value, None)
        try:
            completed = self.complete_value(return_type, field_details_list, info, path, value, None)
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._completed_later(completed, return_type, field_details_list, path)
        return completed

    async def _completed_later(
        self, completed: Awaitable[Any], return_type: Any, field_details_list: Any, path: Path
    ) -> Any:
        """An object whose sub-selections complete later, its errors reported as the generic path's
        `await_completed` reports them."""
        try:
            return await completed
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None

    def _field_error(self, error: Exception, plain: PlainField, field_details_list: Any, path: Path) -> None:
        """Report the error as the generic path's `except` does: at the field's path, raised on to the
        parent for a non-null field, else recorded and the field null."""
        self.handle_field_error(error, plain.field.type, field_details_list, path)


def _kind(
    field_details_list: Sequence[Any], plain_of_type: Mapping[str, PlainField]
) -> tuple[int, PlainField | None]:
    """How a field is answered: `OTHER` (the generic path) for a field with a directive or not plain."""
    node = field_details_list[0].node
    if any(details.node.directives for details in field_details_list):
        return OTHER, None
    field_name = node.name.value
    if field_name == TYPENAME:
        return META_TYPENAME, None
    plain = plain_of_type.get(field_name)
    if isinstance(plain, PlainLeaf):
        return LEAF, plain
    if isinstance(plain, PlainObject):
        return OBJECT, plain
    if isinstance(plain, PlainList):
        return LIST, plain
    return OTHER, None


OWN_LOOKUPS = ("__await__", "__getattr__", "__getattribute__")


def _learn_settled(value: Any) -> None:
    """Remember the enumeration of a value found neither awaitable nor an exception.

    graphql-core asks each value (`hasattr(value, "__await__")`), so a class is learnt only where no
    member can answer otherwise than the class: none of the enumeration's own classes defines
    `__await__`, `__getattr__` or `__getattribute__`, and no member holds an `__await__` of its own.
    An enumeration's members are all made with it, so they are all checked here.
    """
    cls = value.__class__
    if len(_SETTLED_CLASSES) >= MAX_SETTLED_CLASSES or not isinstance(value, enum.Enum):
        return
    for base in cls.__mro__:
        if (
            base is not object
            and base not in SETTLED_BUILTINS
            and any(name in vars(base) for name in OWN_LOOKUPS)
        ):
            return
    if any("__await__" in vars(member) for member in cls.__members__.values()):
        return
    _SETTLED_CLASSES.add(cls)
