"""The cost of an operation, estimated before it runs and measured on its response (demand control).

The rules are Apollo Router's static estimation, after IBM's GraphQL cost directive specification:

- an object, interface or union costs 1, a scalar or enum 0, unless `@cost(weight:)` on the field, or
  else on its type, says otherwise; a field costs its weight plus the cost of its selections;
- a list costs its size times the cost of one item. The size is, in order: what the parent's `@listSize`
  gives the list through `sizedFields` (a connection's `edges` sized by the connection's `first`), the
  largest of the field's own `slicingArguments` given as literals, variables or defaults, its
  `assumedSize`, and else the router's `default_list_size`;
- every root field of a mutation costs 10 more (Apollo charges 10 once per mutation operation: each root
  field here, as each is a write of its own);
- an argument costs its `@cost` (or its type's), an input object 1 plus its fields, a list per item;
- `__typename`, `__schema` and `__type` cost nothing: the router answers them without a subgraph.

Apollo estimates over the fetches of the query plan; this estimates over the client's normalized
operation (fragments inlined, `@skip`/`@include` applied with the variables), which bounds the same
work without depending on how the planner splits it. The measure applies the same rules to the response,
counting the lists' real lengths and nothing for a null. Both are pure: no I/O, no state.

Written here rather than taken from a library: no maintained Python package implements the cost spec
over a federated supergraph's own directives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_composite_type,
)
from graphql.execution import VariableValues
from graphql.utilities import coerce_input_literal, coerce_input_value

from router.errors import RequestError
from router.plan.operation import Operation, included
from router.plan.selection import Field, Selection
from router.supergraph import FieldDef, Supergraph
from router.supergraph.model import ListSize

MUTATION_FIELD_COST = 10
ROUTER_ANSWERED_FIELDS = frozenset({"__typename", "__schema", "__type"})

_Composite = GraphQLObjectType | GraphQLInterfaceType


class CostEstimationFailed(RequestError):
    """The operation breaks a `@listSize` rule, so its cost cannot be estimated (Apollo's code)."""

    code = "COST_QUERY_PARSE_FAILURE"


def estimate_cost(
    supergraph: Supergraph, operation: Operation, variables: Mapping[str, Any], default_list_size: int
) -> int:
    """The operation's estimated cost with these (coerced) variables.

    Raises `CostEstimationFailed` when a field requires exactly one slicing argument and gets another number.
    """
    rules = _rules(supergraph, variables)
    root = supergraph.api_schema.get_type(operation.root_type)
    if not isinstance(root, GraphQLObjectType):
        return 0
    estimator = _Estimator(rules, default_list_size)
    return estimator.selections(operation.selections, root, {}, _root_field_cost(operation))


def actual_cost(
    supergraph: Supergraph,
    operation: Operation,
    variables: Mapping[str, Any],
    data: Any,
    layouts: MeasureLayouts | None = None,
) -> int:
    """The cost of the response `data` by the same rules, with the lists' real lengths.

    `layouts` keeps what the measure compiled from the operation's selections for these variables;
    given the same dict again with the same operation and variables, it compiles nothing again
    (`CostEstimates.measure`)."""
    root = supergraph.api_schema.get_type(operation.root_type)
    if not isinstance(root, GraphQLObjectType) or not isinstance(data, dict):
        return 0
    measure = _Measure(_rules(supergraph, variables), {} if layouts is None else layouts)
    return measure.object(root, data, operation.selections, _root_field_cost(operation))


def _rules(supergraph: Supergraph, variables: Mapping[str, Any]) -> _Rules:
    coerced = dict(variables)
    return _Rules(supergraph, coerced, VariableValues(sources={}, coerced=coerced))


def _root_field_cost(operation: Operation) -> int:
    return MUTATION_FIELD_COST if operation.kind == "mutation" else 0


def _default_of(argument: GraphQLArgument) -> Any:
    """An argument's default as a Python value; `Undefined` when it has none."""
    default = argument.default
    if default is None:
        return argument.default_value
    if default.literal is not None:
        return coerce_input_literal(default.literal, argument.type)
    return coerce_input_value(default.value, argument.type)


def _unwrap_non_null(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    type_ = _unwrap_non_null(type_)
    while isinstance(type_, GraphQLList):
        depth += 1
        type_ = _unwrap_non_null(type_.of_type)
    return depth


def _count_leaves(value: list[Any], list_depth: int) -> int:
    """The non-null items `list_depth` lists deep (a nested item that is not a list counts none)."""
    if list_depth == 1:
        return sum(item is not None for item in value)
    return sum(_count_leaves(item, list_depth - 1) for item in value if isinstance(item, list))


@dataclass(frozen=True, slots=True)
class _Rules:
    """What both the estimate and the measure need: weights, argument costs and list sizes."""

    supergraph: Supergraph
    variables: dict[str, Any]
    variable_values: VariableValues

    @property
    def schema(self) -> GraphQLSchema:
        return self.supergraph.api_schema

    def declared(self, parent: str, field: str) -> FieldDef | None:
        type_def = self.supergraph.types.get(parent)
        return type_def.fields.get(field) if type_def is not None else None

    def type_weight(self, named: GraphQLNamedType) -> int | None:
        type_def = self.supergraph.types.get(named.name)
        return type_def.weight if type_def is not None else None

    def weight(self, declared: FieldDef | None, named: GraphQLNamedType) -> int:
        """The cost of one value of a field: its `@cost`, else its type's, else 1 for composites."""
        if declared is not None and declared.weight is not None:
            return declared.weight
        type_weight = self.type_weight(named)
        if type_weight is not None:
            return type_weight
        return 1 if is_composite_type(named) else 0

    def argument_values(self, field: Field, definition: GraphQLField) -> dict[str, Any]:
        """The arguments given to the field, coerced; an unset variable counts as not given."""
        values: dict[str, Any] = {}
        for argument in field.arguments:
            argument_definition = definition.args.get(argument.name.value)
            if argument_definition is None:
                continue
            value = coerce_input_literal(argument.value, argument_definition.type, self.variable_values)
            if value is not Undefined:
                values[argument.name.value] = value
        return values

    def arguments_cost(
        self, definition: GraphQLField, declared: FieldDef | None, values: dict[str, Any]
    ) -> int:
        weights = declared.argument_weights if declared is not None else {}
        return sum(
            self.input_cost(value, definition.args[name].type, weights.get(name))
            for name, value in values.items()
        )

    def input_cost(self, value: Any, type_: GraphQLInputType, declared: int | None) -> int:
        """An argument's (or input field's) cost: its `@cost` or its type's, 1 for an input object."""
        if value is None:
            return 0
        type_ = _unwrap_non_null(type_)
        if isinstance(type_, GraphQLList):
            items = value if isinstance(value, list) else [value]
            return sum(self.input_cost(item, type_.of_type, declared) for item in items)
        type_weight = self.type_weight(get_named_type(type_))
        own = declared if declared is not None else type_weight
        if not isinstance(type_, GraphQLInputObjectType) or not isinstance(value, Mapping):
            return own or 0
        type_def = self.supergraph.types.get(type_.name)
        field_weights = type_def.input_field_weights if type_def is not None else {}
        return (1 if own is None else own) + sum(
            self.input_cost(item, type_.fields[name].type, field_weights.get(name))
            for name, item in value.items()
            if name in type_.fields
        )

    def expected_size(
        self, list_size: ListSize, definition: GraphQLField, values: dict[str, Any], coordinate: str
    ) -> int | None:
        """The size `@listSize` gives: the largest slicing argument given (or defaulted), else assumedSize."""
        sizes: list[int] = []
        for path in list_size.slicing_arguments:
            name, *inner = path.split(".")
            value = values.get(name, Undefined)
            if value is Undefined and name in definition.args:
                value = _default_of(definition.args[name])
            for key in inner:
                value = value.get(key, Undefined) if isinstance(value, Mapping) else Undefined
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(max(value, 0))
        if list_size.slicing_arguments and list_size.require_one_slicing_argument and len(sizes) != 1:
            raise CostEstimationFailed(
                f"{coordinate} needs exactly one of its slicing arguments "
                f"({', '.join(list_size.slicing_arguments)}); {len(sizes)} given."
            )
        return max(sizes) if sizes else list_size.assumed_size


@dataclass(frozen=True, slots=True)
class _Estimator:
    rules: _Rules
    default_list_size: int

    def selections(
        self,
        selections: tuple[Selection, ...],
        parent: GraphQLNamedType,
        sized: Mapping[str, int],
        field_base: int = 0,
    ) -> int:
        """The cost of a selection set on `parent`; `sized` holds the sizes the parent's `@listSize` gives."""
        total = 0
        for selection in selections:
            if not included(selection.directives, self.rules.variables):
                continue
            if isinstance(selection, Field):
                if selection.name not in ROUTER_ANSWERED_FIELDS and isinstance(parent, _Composite):
                    total += field_base + self.field(selection, parent, sized)
                continue
            condition = (
                self.rules.schema.get_type(selection.type_condition) if selection.type_condition else parent
            )
            total += self.selections(selection.selections, condition or parent, sized, field_base)
        return total

    def field(self, field: Field, parent: _Composite, sized: Mapping[str, int]) -> int:
        definition = parent.fields.get(field.name)
        if definition is None:
            return 0
        declared = self.rules.declared(parent.name, field.name)
        values = self.rules.argument_values(field, definition)
        list_size = declared.list_size if declared is not None else None
        size = (
            self.rules.expected_size(list_size, definition, values, f"{parent.name}.{field.name}")
            if list_size is not None
            else None
        )
        count = 1
        if isinstance(_unwrap_non_null(definition.type), GraphQLList):
            count = sized.get(field.name, size if size is not None else self.default_list_size)
        named = get_named_type(definition.type)
        children_sized = (
            dict.fromkeys(list_size.sized_fields, size) if list_size is not None and size is not None else {}
        )
        item_cost = self.rules.weight(declared, named) + self.selections(
            field.selections, named, children_sized
        )
        return count * item_cost + self.rules.arguments_cost(definition, declared, values)


@dataclass(frozen=True, slots=True)
class _MeasuredField:
    """One response key of a selection set, compiled once per call: all that depends only on the
    selections and the variables, so each object of a list costs a key lookup and its value."""

    key: str
    list_depth: int  # how many lists wrap the named type (`[[T!]]!`: 2)
    named: GraphQLNamedType
    weight: int
    composite: bool
    children: tuple[Selection, ...]
    fixed_cost: int  # the root field's base cost plus the arguments' cost


_Layout = tuple[_MeasuredField, ...]
MeasureLayouts = dict[tuple[int, str, str | None, int], tuple[tuple[Selection, ...], _Layout]]
"""Compiled layouts by (selections' id, parent type, typename, field base), each with the selections
it was compiled from: an id is only trusted while the same tuple is there (one compiled for an object
with an unusual `__typename` is not kept, and its children's ids may be reused once it is gone)."""


@dataclass(frozen=True, slots=True)
class _Measure:
    """Walks the response. Grouping the fields of a selection set (fragments, `@skip`/`@include`) and
    coercing their arguments depend on the selections, the parent type and the object's `__typename`
    only, so they are done once per distinct triple and kept in `layouts`: a list of a hundred objects
    compiles its selection set once, not a hundred times, and a caller may keep `layouts` for the next
    response to the same operation and variables."""

    rules: _Rules
    layouts: MeasureLayouts = field(default_factory=dict)

    def object(
        self,
        parent: GraphQLNamedType,
        value: dict[str, Any],
        selections: tuple[Selection, ...],
        field_base: int = 0,
    ) -> int:
        """The cost of one object of the response: each response key once, however many fields ask it."""
        typename = parent.name if isinstance(parent, GraphQLObjectType) else value.get("__typename")
        total = 0
        for measured in self._layout(parent, typename, selections, field_base):
            if measured.key in value:
                total += measured.fixed_cost + self.value(measured, measured.list_depth, value[measured.key])
        return total

    def value(self, measured: _MeasuredField, list_depth: int, value: Any) -> int:
        """The cost of a field's value `list_depth` lists deep: each item's, a list itself costs
        nothing (nor does a list where the schema has none, or a value that is not one)."""
        if value is None:
            return 0
        if list_depth:
            if not isinstance(value, list):
                return 0
            if not measured.composite:
                return measured.weight * _count_leaves(value, list_depth)
            return sum(self.value(measured, list_depth - 1, item) for item in value)
        if not measured.composite or not isinstance(value, dict):
            return measured.weight
        typename = value.get("__typename")
        named = measured.named
        if isinstance(typename, str) and typename != named.name:
            runtime = self.rules.schema.get_type(typename)
            if isinstance(runtime, GraphQLObjectType):
                named = runtime
        return measured.weight + self.object(named, value, measured.children)

    def _layout(
        self, parent: GraphQLNamedType, typename: Any, selections: tuple[Selection, ...], field_base: int
    ) -> _Layout:
        """The compiled response keys of `selections` on an object of `parent` (and `typename`).

        Keyed by the selections' identity, and kept with the selections themselves, so a key whose
        tuple was freed and its id reused by another is compiled again, not mistaken for it."""
        if typename is not None and not isinstance(typename, str):  # not a typename: nothing to share
            return self._compile(parent, typename, selections, field_base)
        key = (id(selections), parent.name, typename, field_base)
        kept = self.layouts.get(key)
        if kept is not None and kept[0] is selections:
            return kept[1]
        layout = self._compile(parent, typename, selections, field_base)
        self.layouts[key] = (selections, layout)
        return layout

    def _compile(
        self, parent: GraphQLNamedType, typename: Any, selections: tuple[Selection, ...], field_base: int
    ) -> _Layout:
        grouped: dict[str, tuple[_Composite, list[Field]]] = {}
        self._collect(parent, typename, selections, grouped)
        layout: list[_MeasuredField] = []
        for key, (declared_on, fields) in grouped.items():
            name = fields[0].name
            definition = declared_on.fields.get(name)
            if name in ROUTER_ANSWERED_FIELDS or definition is None:
                continue
            declared = self.rules.declared(declared_on.name, name)
            named = get_named_type(definition.type)
            values = self.rules.argument_values(fields[0], definition)
            weight = self.rules.weight(declared, named)
            composite = is_composite_type(named)
            fixed_cost = field_base + self.rules.arguments_cost(definition, declared, values)
            if not composite and weight == 0 and fixed_cost == 0:
                continue  # a leaf that costs nothing, whatever its value: most keys of a response
            layout.append(
                _MeasuredField(
                    key=key,
                    list_depth=_list_depth(definition.type),
                    named=named,
                    weight=weight,
                    composite=composite,
                    children=tuple(child for asked in fields for child in asked.selections),
                    fixed_cost=fixed_cost,
                )
            )
        return tuple(layout)

    def _collect(
        self,
        parent: GraphQLNamedType,
        typename: str | None,
        selections: tuple[Selection, ...],
        into: dict[str, tuple[_Composite, list[Field]]],
    ) -> None:
        for selection in selections:
            if not included(selection.directives, self.rules.variables):
                continue
            if isinstance(selection, Field):
                if isinstance(parent, _Composite):  # on a union only `__typename`, which costs nothing
                    into.setdefault(selection.response_key, (parent, []))[1].append(selection)
                continue
            condition = (
                self.rules.schema.get_type(selection.type_condition) if selection.type_condition else parent
            )
            if condition is not None and self._may_apply(condition, typename):
                self._collect(condition, typename, selection.selections, into)

    def _may_apply(self, condition: GraphQLNamedType, typename: str | None) -> bool:
        """Whether a fragment on `condition` applies to an object of `typename` (when unknown, it may: only
        the keys present in the response are counted)."""
        if typename is None or condition.name == typename:
            return True
        runtime = self.rules.schema.get_type(typename)
        return (
            isinstance(condition, GraphQLInterfaceType | GraphQLUnionType)
            and isinstance(runtime, GraphQLObjectType)
            and self.rules.schema.is_sub_type(condition, runtime)
        )
