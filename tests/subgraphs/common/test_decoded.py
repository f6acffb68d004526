"""Decoded values kept by their bytes: decoded once, bounded, nothing kept for bytes that fail."""

from __future__ import annotations

import orjson
import pytest

from subgraphs.common.decoded import DecodedValues


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
