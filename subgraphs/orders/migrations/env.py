"""Alembic environment of the orders subgraph (see `subgraphs.common.migrations.run_env`)."""

from sqlmodel import SQLModel

from subgraphs.common.migrations import run_env
from subgraphs.orders import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from subgraphs.orders.webhooks import models as webhook_models  # noqa: F401  (likewise)

run_env(SQLModel.metadata)
