"""The users subgraph's answers are about people: private to their caller."""

from subgraphs.common.auth import Principal, Role
from subgraphs.users.cache_control import USERS_CACHE_POLICY


def test_people_are_private_to_the_caller() -> None:
    caller = Principal(subject="c1", role=Role.CUSTOMER)
    hint = USERS_CACHE_POLICY.hint("{ me { firstName } }", caller, failed=False)
    assert hint.private
    assert hint.max_age > 0
