"""Decoded values kept by their bytes: decoded once, bounded, nothing kept for bytes that fail, only
values nothing can change, and the views made of them made once while they are kept."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest
from pydantic import BaseModel

from subgraphs.common.decoded import MAX_VIEWS_PER_VALUE, DecodedByKind, DecodedValues


@pytest.fixture
def decodings() -> list[bytes | str]:
    """The bytes `decoded` decoded, in order."""
    return []


@pytest.fixture
def kept(decodings: list[bytes | str]) -> DecodedValues[object]:
    def decode(raw: bytes | str) -> object:
        decodings.append(raw)
        return orjson.loads(raw)

    return DecodedValues(decode, capacity=2)


def test_the_same_bytes_are_decoded_once(kept: DecodedValues[object], decodings: list[bytes | str]) -> None:
    assert kept.decoded(b'{"a": 1}') == {"a": 1}
    assert kept.decoded(b'{"a": 1}') == {"a": 1}
    assert decodings == [b'{"a": 1}']


def test_the_value_kept_longest_goes_first_once_full(
    kept: DecodedValues[object], decodings: list[bytes | str]
) -> None:
    for raw in (b"1", b"2", b"3"):
        kept.decoded(raw)
    kept.decoded(b"3")
    kept.decoded(b"1")  # dropped when 3 came: decoded again

    assert len(kept) == 2
    assert decodings == [b"1", b"2", b"3", b"1"]


def test_bytes_that_do_not_decode_raise_and_are_not_kept(
    kept: DecodedValues[object], decodings: list[bytes | str]
) -> None:
    for _ in range(2):
        with pytest.raises(orjson.JSONDecodeError):
            kept.decoded(b"{not json")
    assert (len(kept), len(decodings)) == (0, 2)


class Line(BaseModel, frozen=True):
    sku: str


class FrozenOrder(BaseModel, frozen=True):
    lines: tuple[Line, ...]
    note: str | None = None


class ListedOrder(BaseModel, frozen=True):
    lines: list[Line]


class LooseLine(BaseModel):
    sku: str


class OrderOfLooseLines(BaseModel, frozen=True):
    lines: tuple[LooseLine, ...]


def test_a_frozen_model_of_tuples_and_frozen_models_is_kept() -> None:
    kept = DecodedByKind().of("orders", FrozenOrder)

    value = kept.decoded(b'{"lines": [{"sku": "a"}]}')

    assert value == FrozenOrder(lines=(Line(sku="a"),))


@pytest.mark.parametrize(
    ("model", "named"),
    [(ListedOrder, "ListedOrder.lines"), (OrderOfLooseLines, "LooseLine")],
)
def test_a_model_with_a_part_that_can_change_is_refused(model: type[BaseModel], named: str) -> None:
    with pytest.raises(TypeError, match=named):
        DecodedByKind().of("orders", model)


@pytest.fixture
def views_made() -> list[object]:
    """The values a view was made of, in order."""
    return []


def _described(views_made: list[object]) -> Callable[[object], str]:
    def describe(value: object) -> str:
        views_made.append(value)
        return f"view of {value}"

    return describe


def test_a_view_of_a_kept_value_is_made_once(kept: DecodedValues[object], views_made: list[object]) -> None:
    describe = _described(views_made)
    value = kept.decoded(b'{"a": 1}')

    first, second = kept.view(value, describe), kept.view(kept.decoded(b'{"a": 1}'), describe)

    assert first == second == "view of {'a': 1}"
    assert views_made == [value]


def test_a_view_of_a_value_not_kept_is_made_every_time(
    kept: DecodedValues[object], views_made: list[object]
) -> None:
    describe = _described(views_made)
    from_sql = {"a": 1}  # equal to a kept value, but not one

    kept.decoded(b'{"a": 1}')
    kept.view(from_sql, describe)
    kept.view(from_sql, describe)

    assert views_made == [from_sql, from_sql]


def test_views_made_by_a_new_function_each_time_are_kept_only_up_to_the_bound(
    kept: DecodedValues[object], views_made: list[object]
) -> None:
    value = kept.decoded(b'{"a": 1}')
    makers = [_described(views_made) for _ in range(MAX_VIEWS_PER_VALUE + 2)]
    for make in makers:  # a lambda per call would be a new function each time
        kept.view(value, make)

    for make in makers:
        kept.view(value, make)

    made_twice = len(views_made) - len(makers)
    assert made_twice == 2


def test_a_view_goes_with_its_value(kept: DecodedValues[object], views_made: list[object]) -> None:
    describe = _described(views_made)
    first = kept.decoded(b"1")
    kept.view(first, describe)
    for raw in (b"2", b"3"):  # the capacity is 2: the first value goes
        kept.decoded(raw)

    again = kept.decoded(b"1")
    kept.view(again, describe)

    assert views_made == [first, again]


def test_bytes_that_decode_to_an_object_already_kept_leave_the_kept_values_whole() -> None:
    kept = DecodedValues(orjson.loads, capacity=2)  # b"1" and b" 1" give Python's one small int 1

    for raw in (b"1", b" 1", b"2", b"3"):
        assert kept.decoded(raw) == orjson.loads(raw)
    assert len(kept) == 2
