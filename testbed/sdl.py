"""Build supergraph SDL for tests from just the interesting part: subgraphs and annotated types.

The boilerplate (`@link`s, join/link directive definitions, the `join__Graph` enum) is what composition
emits for join v0.3; tests write only the types, as a supergraph would contain them.
"""

from __future__ import annotations

import re

_DIRECTIVES = """
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, \
external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String) repeatable \
on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable \
on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR \
| ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

scalar join__FieldSet
scalar link__Import

enum link__Purpose {
  SECURITY
  EXECUTION
}
"""


def graph_enum(name: str) -> str:
    """The join__Graph value composition derives from a subgraph name."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def supergraph_sdl(
    graphs: dict[str, str], types: str, *, join_version: str = "v0.3", links: tuple[str, ...] = ()
) -> str:
    """A complete supergraph document: `graphs` maps subgraph names to URLs; `types` is the type SDL;
    `links` are more `@link(...)` applications for the schema (e.g. the cost spec)."""
    roots = ["  query: Query"]
    if re.search(r"\btype Mutation\b", types):
        roots.append("  mutation: Mutation")
    values = "\n".join(
        f'  {graph_enum(name)} @join__graph(name: "{name}", url: "{url}")' for name, url in graphs.items()
    )
    header = (
        "schema\n"
        '  @link(url: "https://specs.apollo.dev/link/v1.0")\n'
        f'  @link(url: "https://specs.apollo.dev/join/{join_version}", for: EXECUTION)\n'
        '  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)\n'
        + "".join(f"  {link}\n" for link in links)
        + "{\n"
        + "\n".join(roots)
        + "\n}\n"
    )
    return f"{header}{_DIRECTIVES}\nenum join__Graph {{\n{values}\n}}\n\n{types}"
