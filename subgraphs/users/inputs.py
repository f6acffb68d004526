"""GraphQL inputs of the users subgraph."""

from __future__ import annotations

import strawberry

from subgraphs.users.enums import UserRole
from subgraphs.users.search import UserSearch


@strawberry.input
class RegisterInput:
    email: str
    password: str = strawberry.field(description="At least 10 characters, not a common password.")
    first_name: str
    last_name: str
    phone: str | None = None


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input(description="Only the fields given change; `role` may be changed by admins only.")
class UpdateUserInput:
    email: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    role: UserRole | None = strawberry.UNSET


@strawberry.input
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Part of an email or name.")
    role: UserRole | None = None
    include_deleted: bool = False

    def as_search(self) -> UserSearch:
        """What the listing asks for: the search text trimmed, blank meaning none."""
        text = (self.search or "").strip() or None
        return UserSearch(text=text, role=self.role, include_deleted=self.include_deleted)
