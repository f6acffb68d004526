"""Read the cost spec's `@cost` and `@listSize` (https://specs.apollo.dev/cost/v0.1) off supergraph nodes.

Composition (Federation 2.9+) copies them from the subgraphs into the supergraph under the names the
supergraph's `@link` gives them; `SpecNames` has those names, None when the spec is not linked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graphql import DirectiveNode, InputValueDefinitionNode
from graphql.utilities import value_from_ast_untyped

from router.errors import SupergraphError
from router.supergraph.links import SpecNames
from router.supergraph.model import ListSize


def _arguments_of(directives: Iterable[DirectiveNode] | None, name: str | None) -> dict[str, Any] | None:
    """The arguments of the first application of the directive `name`, None when it is not applied."""
    if name is None:
        return None
    for directive in directives or ():
        if directive.name.value == name:
            return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}
    return None


def _integer(value: Any, where: str) -> int:
    """An `Int` argument; the first cost spec drafts spelled weights as strings ("5"), so those too."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SupergraphError(f"{where}: {value!r} is not an integer") from None


def weight(directives: Iterable[DirectiveNode] | None, names: SpecNames, where: str) -> int | None:
    """The `@cost(weight:)` applied among the directives, if any."""
    arguments = _arguments_of(directives, names.cost)
    if arguments is None:
        return None
    return _integer(arguments.get("weight"), f"@cost on {where}")


def list_size(directives: Iterable[DirectiveNode] | None, names: SpecNames, where: str) -> ListSize | None:
    """The `@listSize` applied among the directives, if any."""
    arguments = _arguments_of(directives, names.list_size)
    if arguments is None:
        return None
    assumed = arguments.get("assumedSize")
    return ListSize(
        assumed_size=None if assumed is None else _integer(assumed, f"@listSize on {where}"),
        slicing_arguments=tuple(str(name) for name in arguments.get("slicingArguments") or ()),
        sized_fields=tuple(str(name) for name in arguments.get("sizedFields") or ()),
        require_one_slicing_argument=bool(arguments.get("requireOneSlicingArgument", True)),
    )


def input_weights(
    inputs: Sequence[InputValueDefinitionNode] | None, names: SpecNames, where: str
) -> dict[str, int]:
    """The `@cost` of each argument (or input field) that declares one, by name."""
    weights: dict[str, int] = {}
    for node in inputs or ():
        declared = weight(node.directives, names, f"{where}.{node.name.value}")
        if declared is not None:
            weights[node.name.value] = declared
    return weights
