"""Whose entries a caller reads and writes: anonymous callers share the public scope, signed-in ones
a public scope per role and a private one of their own, and unverified credentials get none."""

from __future__ import annotations

from router.entity_cache import ANONYMOUS, UNCACHED, scope_of
from router.entity_cache.keys import private_scope


def test_an_anonymous_caller_reads_the_public_scope_only() -> None:
    assert scope_of(signed_in=False, subject=None, role=None) == ANONYMOUS
    assert ANONYMOUS.private is None


def test_a_verified_caller_has_the_public_scope_of_its_role_and_a_private_one() -> None:
    scope = scope_of(signed_in=True, subject="alice", role="customer")
    assert scope.public == "public-customer"
    assert scope.private == private_scope("alice")
    assert scope_of(signed_in=True, subject="root", role="admin").public != scope.public


def test_credentials_the_router_did_not_verify_get_no_scope() -> None:
    assert scope_of(signed_in=True, subject=None, role=None) == UNCACHED
    assert UNCACHED.readable == ()
