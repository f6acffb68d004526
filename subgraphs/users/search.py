"""What a user listing asks for.

A plain value beside the models, so resolvers, types, services and the repository share it without the
upper layers importing SQL code.
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.users.models import UserRole


@dataclass(frozen=True)
class UserSearch:
    text: str | None = None
    role: UserRole | None = None
    include_deleted: bool = False
