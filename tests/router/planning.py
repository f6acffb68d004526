"""Helpers for planner scenarios: plan a query against supergraph SDL and print the plan."""

from __future__ import annotations

from functools import lru_cache

from graphql import parse, validate

from router.plan.nodes import QueryPlan
from router.plan.printer import print_plan
from router.planner import QueryPlanner
from router.supergraph import Supergraph, parse_supergraph


@lru_cache(maxsize=64)
def supergraph_of(sdl: str) -> Supergraph:
    return parse_supergraph(sdl)


@lru_cache(maxsize=64)
def planner_of(sdl: str) -> QueryPlanner:
    return QueryPlanner(supergraph_of(sdl))


def build_plan(
    sdl: str, query: str, operation_name: str | None = None, override_labels: frozenset[str] = frozenset()
) -> QueryPlan:
    """Plan `query`, after checking it is valid against the API schema (as the router does), with the
    progressive-override labels `override_labels` in force."""
    document = parse(query)
    errors = validate(supergraph_of(sdl).api_schema, document)
    assert not errors, [error.message for error in errors]
    return planner_of(sdl).build(document, operation_name, override_labels)


def plan_text(
    sdl: str, query: str, operation_name: str | None = None, override_labels: frozenset[str] = frozenset()
) -> str:
    return print_plan(build_plan(sdl, query, operation_name, override_labels))
