"""Operation limits: depth, aliases and root fields, each with its own error code."""

import pytest
from graphql import parse

from router.limits import LimitExceeded, OperationLimits, check_limits
from router.planner.operation import normalize_operation

QUERY = "query { a: me { reviews { product { name } } } b: me { id } ... on Query { c: me { id } } }"
OPERATION = normalize_operation(parse(QUERY), None, {"query": "Query"})


def test_operation_within_limits_passes() -> None:
    check_limits(OPERATION, OperationLimits(max_depth=4, max_aliases=3, max_root_fields=3))


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (OperationLimits(max_depth=3), "MAX_DEPTH_LIMIT"),
        (OperationLimits(max_aliases=2), "MAX_ALIASES_LIMIT"),
        (OperationLimits(max_root_fields=2), "MAX_ROOT_FIELDS_LIMIT"),
    ],
)
def test_each_limit_has_its_code(limits: OperationLimits, code: str) -> None:
    with pytest.raises(LimitExceeded) as raised:
        check_limits(OPERATION, limits)
    assert raised.value.to_errors()[0]["extensions"] == {"code": code}
