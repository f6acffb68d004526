"""Where in the client's document an error happened: the fields its response path names.

Subgraph errors arrive with locations in the router's own subgraph operation (always line 1), which
mean nothing to the client; GraphiQL would highlight the wrong place. The response path, already in
the client's terms, names fields of the client's operation: those fields' locations are what the
client should see, and an error whose path names no field of the document gets no `locations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.language import Location as SourceSpan
from graphql.language import get_location

from router.executor.paths import ResponsePath
from router.plan.operation import included, select_operation

Applies = Callable[[str | None, str], bool]
Location = dict[str, int]


class ClientDocument:
    """The client's operation and fragments, to find the fields that a response path names.

    `applies(type_condition, typename)` tells whether a fragment applies to an object of a type; where
    the merged data gives no `__typename`, every fragment is taken to apply.
    """

    def __init__(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any],
        applies: Applies,
    ) -> None:
        self.operation = select_operation(document, operation_name)
        self.fragments = {
            node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)
        }
        self.variables = variables
        self.applies = applies

    def locations(self, path: ResponsePath, data: Any) -> list[Location]:
        """The locations of the fields at the end of `path`, in document order; [] when none matches.

        `data` is the merged response data, which tells the runtime type of each object on the way.
        """
        selection_sets = [self.operation.selection_set]
        value = data
        matches: list[FieldNode] = []
        for segment in path:
            if isinstance(segment, int):
                value = value[segment] if isinstance(value, list) and 0 <= segment < len(value) else None
                continue
            typename = value.get("__typename") if isinstance(value, dict) else None
            matches = [
                node
                for selection_set in selection_sets
                for node in self._fields(selection_set, typename if isinstance(typename, str) else None)
                if (node.alias or node.name).value == segment
            ]
            if not matches:
                return []
            selection_sets = [node.selection_set for node in matches if node.selection_set is not None]
            value = value.get(segment) if isinstance(value, dict) else None
        return [_location(span) for node in matches if (span := node.loc) is not None]

    def _fields(self, selection_set: SelectionSetNode, typename: str | None) -> Iterator[FieldNode]:
        """The fields of a selection set that objects of `typename` get, through fragments that apply."""
        for node in selection_set.selections:
            if not included(tuple(node.directives or ()), self.variables):
                continue
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                if typename is None or self.applies(condition, typename):
                    yield from self._fields(node.selection_set, typename)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None and (
                    typename is None or self.applies(fragment.type_condition.name.value, typename)
                ):
                    yield from self._fields(fragment.selection_set, typename)


def _location(span: SourceSpan) -> Location:
    source_location = get_location(span.source, span.start)
    return {"line": source_location.line, "column": source_location.column}


def locate_errors(errors: list[dict[str, Any]], document: ClientDocument, data: Any) -> list[dict[str, Any]]:
    """The errors, each one that has a path but no locations given the client's locations (or none).

    Errors that carry `locations` already (graphql-core's, for introspection) are kept as they are.
    """
    located: list[dict[str, Any]] = []
    for error in errors:
        path = error.get("path")
        if "locations" in error or not isinstance(path, list):
            located.append(error)
            continue
        locations = document.locations(path, data)
        if not locations:
            located.append(error)
            continue
        ordered: dict[str, Any] = {"message": error.get("message"), "locations": locations}
        ordered.update(error)
        located.append(ordered)
    return located
