"""Fixtures for the edge tests: the server tests' shop subgraphs and supergraph file, shared."""

from __future__ import annotations

from tests.router.server.conftest import subgraph_urls, supergraph_file

__all__ = ["subgraph_urls", "supergraph_file"]
