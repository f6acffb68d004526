"""Reading subgraphs' Cache-Control headers, and combining policies (the most restrictive wins)."""

from __future__ import annotations

import pytest

from router.entity_cache import NO_STORE, CachePolicy, Visibility, parse_cache_control

PUBLIC_MINUTE = CachePolicy(60, Visibility.PUBLIC)


@pytest.mark.parametrize(
    ("header", "policy"),
    [
        ("public, max-age=60", PUBLIC_MINUTE),
        ("Public, Max-Age=60", PUBLIC_MINUTE),
        ("private, max-age=30", CachePolicy(30, Visibility.PRIVATE)),
        ("max-age=30", CachePolicy(30, Visibility.PRIVATE)),
        ("public, max-age=60, s-maxage=10", CachePolicy(10, Visibility.PUBLIC)),
        ("public, private, max-age=60", CachePolicy(60, Visibility.PRIVATE)),
    ],
)
def test_a_header_that_allows_storing_gives_its_age_and_visibility(header: str, policy: CachePolicy) -> None:
    assert parse_cache_control(header) == policy


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "no-store",
        "public, max-age=60, no-store",
        "no-cache",
        "public",
        "public, max-age=0",
        "public, max-age=soon",
        "public, max-age=-5",
    ],
)
def test_a_header_that_does_not_allow_storing_means_no_store(header: str | None) -> None:
    assert not parse_cache_control(header).storable


def test_restricting_takes_the_shorter_age() -> None:
    assert PUBLIC_MINUTE.restrict(CachePolicy(5, Visibility.PUBLIC)) == CachePolicy(5, Visibility.PUBLIC)


def test_private_wins_over_public() -> None:
    restricted = PUBLIC_MINUTE.restrict(CachePolicy(120, Visibility.PRIVATE))
    assert restricted == CachePolicy(60, Visibility.PRIVATE)


def test_no_store_wins_over_everything() -> None:
    assert not PUBLIC_MINUTE.restrict(NO_STORE).storable
    assert not NO_STORE.restrict(PUBLIC_MINUTE).storable


@pytest.mark.parametrize(
    ("policy", "header"),
    [
        (PUBLIC_MINUTE, "public, max-age=60"),
        (CachePolicy(5, Visibility.PRIVATE), "private, max-age=5"),
        (NO_STORE, "no-store"),
    ],
)
def test_a_policy_is_sent_as_a_header_it_parses_back_from(policy: CachePolicy, header: str) -> None:
    assert policy.header() == header
    assert parse_cache_control(header) == policy
