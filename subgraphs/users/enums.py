"""The GraphQL enums of the users subgraph: the domain enums themselves, registered with Strawberry."""

from __future__ import annotations

import strawberry

from subgraphs.users.models import UserRole

strawberry.enum(UserRole, name="UserRole", description="What an account may do.")

__all__ = ["UserRole"]
