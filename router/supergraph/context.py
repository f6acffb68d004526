"""Read Federation 2.8's `@context` (on types) and `@join__field(contextArguments:)` (on fields).

A subgraph marks an ancestor type `@context(name: "ctx")` and an argument `@fromContext(field: "$ctx {
prop }")`; composition renames the context per subgraph (`Subgraph1__ctx`), drops the argument from the
supergraph field and records it in the field's join as a `join__ContextArgument`. The router must then
read `prop` off the nearest ancestor carrying that context and pass it as the argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import count
from typing import Any

from graphql import DirectiveNode, DocumentNode, SchemaDefinitionNode, SchemaExtensionNode
from graphql.utilities import value_from_ast_untyped

from router.errors import SupergraphError
from router.supergraph.model import ContextArgument

_CONTEXT_FEATURE = "https://specs.apollo.dev/context/"


def context_directive_name(document: DocumentNode) -> str:
    """The name under which the supergraph applies `@context` (`as:` or an import may rename it)."""
    for node in document.definitions:
        if not isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in node.directives or ():
            arguments = {
                arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()
            }
            if not str(arguments.get("url") or "").startswith(_CONTEXT_FEATURE):
                continue
            for item in arguments.get("import") or ():
                if isinstance(item, dict) and str(item.get("name", "")).lstrip("@") == "context":
                    return str(item.get("as", "context")).lstrip("@")
            return str(arguments.get("as") or "context")
    return "context"


def type_contexts(directives: Iterable[DirectiveNode] | None, directive_name: str) -> tuple[str, ...]:
    """The (subgraph-qualified) context names a type provides."""
    names: list[str] = []
    for directive in directives or ():
        if directive.name.value != directive_name:
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "name":
                names.append(str(value_from_ast_untyped(argument.value)))
    return tuple(names)


def _selection_text(raw: str) -> str:
    """The selection as a field set: `{ prop }` loses its braces, `... on A { prop }` stays as is."""
    text = raw.strip()
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1].strip()
    return text


class ContextArgumentReader:
    """Numbers the fields with contextual arguments in supergraph order, as Apollo names the variables
    (`contextualArgument_<field>_<argument>`, both counted as Apollo does: from 1, and from 0)."""

    def __init__(self) -> None:
        self._fields = count(1)

    def arguments(self, raw: Any, coordinate: str) -> tuple[ContextArgument, ...]:
        if not raw:
            return ()
        if not isinstance(raw, list):
            raise SupergraphError(f"{coordinate}: contextArguments must be a list")
        number = next(self._fields)
        found: list[ContextArgument] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not {"name", "type", "context", "selection"} <= item.keys():
                raise SupergraphError(
                    f"{coordinate}: a context argument needs name, type, context, selection"
                )
            found.append(
                ContextArgument(
                    name=str(item["name"]),
                    type_ref=str(item["type"]),
                    context=str(item["context"]),
                    selection=_selection_text(str(item["selection"])),
                    variable=f"contextualArgument_{number}_{index}",
                )
            )
        return tuple(found)
