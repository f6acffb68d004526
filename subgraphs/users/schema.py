"""The users subgraph's Federation 2 schema."""

from __future__ import annotations

from subgraphs.common.graphql import SubgraphSchema, build_schema
from subgraphs.common.settings import DEFAULT_MAX_REPRESENTATIONS
from subgraphs.users.resolvers import Mutation, Query
from subgraphs.users.types import User


def create_schema(
    *, document_cache_size: int = 1024, max_representations: int = DEFAULT_MAX_REPRESENTATIONS
) -> SubgraphSchema:
    return build_schema(
        query=Query,
        mutation=Mutation,
        types=[User],
        document_cache_size=document_cache_size,
        max_representations=max_representations,
    )
