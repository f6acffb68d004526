"""The check a new supergraph passes before it may replace the one serving: its API schema is a valid
GraphQL schema, and one small operation per root field validates and plans.

Each operation asks only `__typename` below its field (or nothing, for a leaf), so it plans in any
supergraph where the field is reachable at all; arguments without a default are given variables, which
planning never needs values for. A subgraph dropped from a root type, a field no subgraph resolves or an
API schema graphql-core rejects are caught here instead of by the first client asking.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
    is_non_null_type,
    parse,
    validate,
    validate_schema,
)
from graphql.pyutils import Undefined

from router.errors import PlanningError, RouterError
from router.planner import QueryPlanner


class SmokeCheckFailed(RouterError):
    """The supergraph would not serve; the message says which field or schema rule failed, in one line."""


def smoke_operation(kind: str, name: str, field: GraphQLField) -> str:
    """`query Smoke($id: ID!) { user(id: $id) { __typename } }`: the smallest operation using `field`."""
    required = [
        (argument_name, argument)
        for argument_name, argument in field.args.items()
        if is_non_null_type(argument.type) and argument.default_value is Undefined
    ]
    variables = ", ".join(f"${argument_name}: {argument.type}" for argument_name, argument in required)
    arguments = ", ".join(f"{argument_name}: ${argument_name}" for argument_name, _ in required)
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    header = f"{kind} Smoke({variables})" if variables else f"{kind} Smoke"
    call = f"{name}({arguments})" if arguments else name
    return f"{header} {{ {call}{selection} }}"


def _root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, GraphQLObjectType, str, GraphQLField]]:
    # Subscriptions are refused by the router anyway, so their fields are not planned here.
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is not None:
            for name, field in root.fields.items():
                yield kind, root, name, field


def smoke_check(api_schema: GraphQLSchema, planner: QueryPlanner) -> None:
    """Raise `SmokeCheckFailed` unless the API schema is valid and every root field's operation plans."""
    schema_errors = validate_schema(api_schema)
    if schema_errors:
        raise SmokeCheckFailed(f"the API schema is invalid: {schema_errors[0].message}")
    for kind, root, name, field in _root_fields(api_schema):
        document = parse(smoke_operation(kind, name, field))
        errors = validate(api_schema, document)
        if errors:
            raise SmokeCheckFailed(f"{root.name}.{name} does not validate: {errors[0].message}")
        try:
            planner.build(document)
        except PlanningError as error:
            raise SmokeCheckFailed(f"{root.name}.{name} cannot be planned: {error}") from error
        except Exception as error:  # the planner failing on this supergraph refuses it just the same
            raise SmokeCheckFailed(
                f"{root.name}.{name} cannot be planned: {type(error).__name__}: {error}"
            ) from error
