"""Alembic environment of the users subgraph (see `subgraphs.common.migrations.run_env`)."""

from sqlmodel import SQLModel

from subgraphs.common.migrations import run_env
from subgraphs.users import models  # noqa: F401  (registers the tables on SQLModel.metadata)

run_env(SQLModel.metadata)
