"""Resolve the names under which a supergraph imports the join, link, inaccessible and cost specs.

A supergraph may rename a feature (`@link(url: ".../join/v0.3", as: "j")`) or import a directive under
another name, so directive names are looked up through this table rather than hard-coded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, SchemaDefinitionNode, SchemaExtensionNode
from graphql.utilities import value_from_ast_untyped

from router.errors import SupergraphError

_LINK_FEATURES = ("link", "core")


@dataclass(frozen=True, slots=True)
class SpecNames:
    """Names of the directives and types the supergraph uses for federation machinery.

    `cost` and `list_size` are the names of the cost spec's `@cost` and `@listSize` (demand control),
    None when the supergraph does not link that spec.
    """

    join_prefix: str
    join_version: tuple[int, int]
    link_prefixes: tuple[str, ...]
    inaccessible: str
    machinery_prefixes: tuple[str, ...]
    machinery_directives: frozenset[str]
    cost: str | None = None
    list_size: str | None = None

    def join(self, name: str) -> str:
        """The directive or type name of `join__<name>` as this supergraph spells it."""
        return f"{self.join_prefix}__{name}"

    def is_machinery_type(self, name: str) -> bool:
        return any(name.startswith(f"{prefix}__") for prefix in self.machinery_prefixes)


def _feature_of(url: str) -> tuple[str, tuple[int, int]]:
    """Split `https://specs.apollo.dev/join/v0.3` into ("join", (0, 3))."""
    parts = url.rstrip("/").split("/")
    if len(parts) < 2 or not parts[-1].startswith("v"):
        return parts[-1], (0, 0)
    major, _, minor = parts[-1][1:].partition(".")
    try:
        return parts[-2], (int(major), int(minor or 0))
    except ValueError:
        return parts[-2], (0, 0)


def _imported_names(imports: Any) -> dict[str, str]:
    """Map of original directive name (without @) to the local name, from `@link(import: [...])`."""
    names: dict[str, str] = {}
    for item in imports or ():
        if isinstance(item, str):
            names[item.lstrip("@")] = item.lstrip("@")
        elif isinstance(item, dict) and "name" in item:
            names[str(item["name"]).lstrip("@")] = str(item.get("as", item["name"])).lstrip("@")
    return names


def resolve_spec_names(document: DocumentNode) -> SpecNames:
    """Read the schema's `@link`/`@core` applications into a `SpecNames` table."""
    schema_nodes = [
        node for node in document.definitions if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode)
    ]
    join_prefix: str | None = None
    join_version = (0, 0)
    inaccessible = "inaccessible"
    cost: str | None = None
    list_size: str | None = None
    prefixes: list[str] = []
    directives: set[str] = set()
    for schema_node in schema_nodes:
        for directive in schema_node.directives or ():
            if directive.name.value not in _LINK_FEATURES:
                continue
            args = {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}
            url = str(args.get("url") or args.get("feature") or "")
            feature, version = _feature_of(url)
            local = str(args.get("as") or feature)
            prefixes.append(local)
            directives.add(local)
            imported = _imported_names(args.get("import"))
            directives.update(imported.values())
            if feature == "join":
                join_prefix, join_version = local, version
            elif feature == "inaccessible":
                inaccessible = imported.get("inaccessible", local)
            elif feature == "cost":
                # The feature's own directive is named like it; the others are namespaced unless imported.
                cost = imported.get("cost", local)
                list_size = imported.get("listSize", f"{local}__listSize")
    if join_prefix is None:
        raise SupergraphError("not a supergraph: no @link to the join spec")
    return SpecNames(
        join_prefix=join_prefix,
        join_version=join_version,
        link_prefixes=tuple(prefixes),
        inaccessible=inaccessible,
        machinery_prefixes=tuple(dict.fromkeys([*prefixes, "link", "core", "join"])),
        machinery_directives=frozenset(directives),
        cost=cost,
        list_size=list_size,
    )
