"""Normalized, immutable selections: the planner's and the executor's view of an operation.

Named fragments are inlined and constant `@skip`/`@include` are applied when an operation is normalized,
so only fields and inline fragments remain. Arguments and directives keep graphql-core AST values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import ArgumentNode, DirectiveNode, print_ast
from graphql.language import VariableNode, Visitor, visit


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    selections: tuple[Selection, ...] = ()

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def with_selections(self, selections: tuple[Selection, ...]) -> Field:
        return Field(self.name, self.alias, self.arguments, self.directives, selections)


@dataclass(frozen=True, slots=True)
class InlineFragment:
    type_condition: str | None
    directives: tuple[DirectiveNode, ...] = ()
    selections: tuple[Selection, ...] = ()


Selection = Field | InlineFragment

TYPENAME = Field("__typename")


def print_arguments(arguments: tuple[ArgumentNode, ...]) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(f"{arg.name.value}: {print_ast(arg.value)}" for arg in arguments) + ")"


def print_directives(directives: tuple[DirectiveNode, ...]) -> str:
    return "".join(f" {print_ast(directive)}" for directive in directives)


def field_head(field: Field) -> str:
    """`alias: name(args) @directives`, the part of a field before its sub-selection."""
    alias = f"{field.alias}: " if field.alias else ""
    return f"{alias}{field.name}{print_arguments(field.arguments)}{print_directives(field.directives)}"


def fragment_head(fragment: InlineFragment) -> str:
    on = f" on {fragment.type_condition}" if fragment.type_condition else ""
    return f"...{on}{print_directives(fragment.directives)}"


def print_compact(selections: tuple[Selection, ...]) -> str:
    """A selection set on one line, as sent to subgraphs."""
    parts: list[str] = []
    for selection in selections:
        head = field_head(selection) if isinstance(selection, Field) else fragment_head(selection)
        parts.append(f"{head} {print_compact(selection.selections)}" if selection.selections else head)
    return "{ " + " ".join(parts) + " }"


def print_indented(selections: tuple[Selection, ...], indent: str) -> Iterator[str]:
    """A selection set over several lines, two spaces per level, as in Apollo's plan printer."""
    yield "{"
    for selection in selections:
        head = field_head(selection) if isinstance(selection, Field) else fragment_head(selection)
        if selection.selections:
            lines = list(print_indented(selection.selections, indent + "  "))
            yield f"{indent}  {head} {lines[0]}"
            yield from lines[1:]
        else:
            yield f"{indent}  {head}"
    yield indent + "}"


class _VariableCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, None] = {}

    def enter_variable(self, node: VariableNode, *_args: Any) -> None:
        self.names[node.name.value] = None


def variables_used(selections: tuple[Selection, ...]) -> tuple[str, ...]:
    """Names of the variables the selections use, in order of first use."""
    collector = _VariableCollector()
    _collect_variables(selections, collector)
    return tuple(collector.names)


def _collect_variables(selections: tuple[Selection, ...], collector: _VariableCollector) -> None:
    for selection in selections:
        nodes: tuple[Any, ...] = selection.directives
        if isinstance(selection, Field):
            nodes = (*selection.arguments, *selection.directives)
        for node in nodes:
            visit(node, collector)
        _collect_variables(selection.selections, collector)
