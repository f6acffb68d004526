"""The Cache-Control a subgraph answers, from its policy table: the default, restricted by every name
the query mentions and by the caller; mutations and failures never stored."""

from __future__ import annotations

from subgraphs.common.auth import ANONYMOUS, Principal, Role
from subgraphs.common.cache_control import (
    NO_STORE,
    CacheHint,
    CachePolicyTable,
    private,
    public,
    restricted_header,
)

TABLE = CachePolicyTable(
    default=public(60),
    names={"stock": public(5)},
    for_caller=lambda caller: private(60) if isinstance(caller, Principal) and caller.is_admin() else None,
)
ADMIN = Principal(subject="a1", role=Role.ADMIN)
CUSTOMER = Principal(subject="c1", role=Role.CUSTOMER)


def test_a_query_gets_the_default() -> None:
    assert TABLE.hint("{ products { name } }", ANONYMOUS, failed=False) == public(60)


def test_a_name_with_a_stricter_policy_restricts_the_query() -> None:
    assert TABLE.hint("{ products { name stock { available } } }", ANONYMOUS, failed=False) == public(5)


def test_a_name_in_a_comment_does_not_count() -> None:
    assert TABLE.hint("{ products { name } } # no stock here", ANONYMOUS, failed=False) == public(60)


def test_a_mutation_is_never_stored() -> None:
    assert TABLE.hint("mutation { createProduct { name } }", ANONYMOUS, failed=False) == NO_STORE


def test_a_failed_operation_is_never_stored() -> None:
    assert TABLE.hint("{ products { name } }", ANONYMOUS, failed=True) == NO_STORE


def test_a_caller_whose_role_changes_the_answer_gets_it_private() -> None:
    assert TABLE.hint("{ products { name } }", ADMIN, failed=False) == private(60)
    assert TABLE.hint("{ products { name } }", CUSTOMER, failed=False) == public(60)


def test_the_header_says_how_long_and_for_whom() -> None:
    assert public(60).header() == "public, max-age=60"
    assert private(5).header() == "private, max-age=5"
    assert NO_STORE.header() == "no-store"
    assert CacheHint(0).header() == "no-store"


def test_operations_of_one_response_share_the_strictest_header() -> None:
    assert restricted_header("public, max-age=60", private(30)) == "private, max-age=30"
    assert restricted_header("no-store", public(60)) == "no-store"
    assert restricted_header(None, public(60)) == "public, max-age=60"
