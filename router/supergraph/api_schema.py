"""Derive the API schema (what clients validate against and introspect) from the supergraph SDL.

The API schema is the supergraph without federation machinery (link/join types and directives) and
without anything marked `@inaccessible`. It is built by filtering the SDL's AST and building a fresh
graphql-core schema from what remains.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypeVar

from graphql import (
    DirectiveDefinitionNode,
    DirectiveLocation,
    DirectiveNode,
    DocumentNode,
    GraphQLSchema,
    Node,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    build_ast_schema,
)
from graphql.language import NamedTypeNode, TypeNode

from router.supergraph.links import SpecNames

_EXECUTABLE_LOCATIONS = frozenset(
    {
        DirectiveLocation.QUERY,
        DirectiveLocation.MUTATION,
        DirectiveLocation.SUBSCRIPTION,
        DirectiveLocation.FIELD,
        DirectiveLocation.FRAGMENT_DEFINITION,
        DirectiveLocation.FRAGMENT_SPREAD,
        DirectiveLocation.INLINE_FRAGMENT,
        DirectiveLocation.VARIABLE_DEFINITION,
    }
)
_KEPT_SCHEMA_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})

NodeT = TypeVar("NodeT", bound=Node)


class _Filter:
    """Removes machinery and inaccessible elements from a supergraph document."""

    def __init__(self, names: SpecNames, document: DocumentNode) -> None:
        self.names = names
        self.hidden_types = {
            node.name.value
            for node in document.definitions
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode)
            and (names.is_machinery_type(node.name.value) or self._is_inaccessible(node))
        }

    def _is_inaccessible(self, node: Any) -> bool:
        return any(d.name.value == self.names.inaccessible for d in getattr(node, "directives", None) or ())

    def _is_hidden_type_ref(self, type_node: TypeNode) -> bool:
        inner: Any = type_node
        while not isinstance(inner, NamedTypeNode):
            inner = inner.type
        return inner.name.value in self.hidden_types

    def _directives(self, directives: Sequence[DirectiveNode] | None) -> tuple[DirectiveNode, ...]:
        return tuple(d for d in directives or () if d.name.value in _KEPT_SCHEMA_DIRECTIVES)

    def _visible(self, nodes: Sequence[NodeT] | None) -> tuple[NodeT, ...]:
        return tuple(
            self._clean(node)
            for node in nodes or ()
            if not self._is_inaccessible(node)
            and not (hasattr(node, "type") and self._is_hidden_type_ref(node.type))
        )

    def _clean(self, node: NodeT) -> NodeT:
        """A copy of the node without machinery directives or inaccessible members."""
        source: Any = node
        changes: dict[str, Any] = {}
        if hasattr(node, "directives"):
            changes["directives"] = self._directives(node.directives)
        for attribute in ("fields", "arguments", "values"):
            if getattr(node, attribute, None) is not None:
                changes[attribute] = self._visible(getattr(node, attribute))
        if getattr(node, "interfaces", None) is not None:
            changes["interfaces"] = tuple(
                i for i in source.interfaces if i.name.value not in self.hidden_types
            )
        if getattr(node, "types", None) is not None:
            changes["types"] = tuple(t for t in source.types if t.name.value not in self.hidden_types)
        return dataclasses.replace(source, **changes) if changes else node

    def _keep_directive_definition(self, node: DirectiveDefinitionNode) -> bool:
        name = node.name.value
        if name in self.names.machinery_directives or self.names.is_machinery_type(name):
            return False
        return {DirectiveLocation[loc.value] for loc in node.locations} <= _EXECUTABLE_LOCATIONS

    def document(self, document: DocumentNode) -> DocumentNode:
        definitions: list[Any] = []
        for node in document.definitions:
            if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
                definitions.append(dataclasses.replace(node, directives=()))
            elif isinstance(node, DirectiveDefinitionNode):
                if self._keep_directive_definition(node):
                    definitions.append(node)
            elif (
                isinstance(node, TypeDefinitionNode | TypeExtensionNode)
                and node.name.value not in self.hidden_types
            ):
                definitions.append(self._clean(node))
        return dataclasses.replace(document, definitions=tuple(definitions))


def build_api_schema(document: DocumentNode, names: SpecNames) -> GraphQLSchema:
    """The client-facing schema of a supergraph document."""
    return build_ast_schema(_Filter(names, document).document(document), assume_valid_sdl=True)
