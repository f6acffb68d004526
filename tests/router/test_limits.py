"""Operation limits: depth, aliases and root fields, each with its own error code."""

import pytest
from graphql import parse

from router.limits import LimitExceeded, OperationLimits, aliases_in_text, check_limits, check_text_limits
from router.planner.normalize import normalize_operation

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


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("{ a: me { b: name } }", 2),
        ("{ me(x: 1, y: {z: [2]}) { id } }", 0),
        ("query Q($x: Int = 3) { f(a: $x) { k: id } }", 1),
        ('{ f(s: "a: b") { id } } # c: d', 0),
        ('{ f(s: """x: \\""" y:""") { q: id } }', 1),
        ('{ f(s: "escaped \\" k: ") { id } }', 0),
        ("{ ...F } fragment F on Query { a: me { id } }", 1),
    ],
)
def test_aliases_are_counted_in_the_text_without_parsing(text: str, aliases: int) -> None:
    assert aliases_in_text(text) == aliases


def test_an_alias_bomb_is_refused_before_it_is_parsed() -> None:
    bomb = "{ " + " ".join(f"a{index}: products(first: 100) {{ id }}" for index in range(1000)) + " }"
    with pytest.raises(LimitExceeded) as raised:
        check_text_limits(bomb, OperationLimits(max_aliases=30))
    assert raised.value.code == "MAX_ALIASES_LIMIT"
