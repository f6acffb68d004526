"""Turn supergraph SDL into a `Supergraph`: read the join directives into per-subgraph data, and the cost
directives (`@cost`, `@listSize`) into weights and list sizes for demand control."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    get_named_type,
    is_abstract_type,
    parse,
)
from graphql.utilities import type_from_ast, value_from_ast_untyped

from router.errors import SupergraphError
from router.supergraph import context, cost_directives
from router.supergraph.api_schema import build_api_schema
from router.supergraph.links import SpecNames, resolve_spec_names
from router.supergraph.model import FieldDef, FieldJoin, Graph, Supergraph, TypeDef, TypeJoin, TypeKind

_KINDS: dict[type[Any], TypeKind] = {
    ObjectTypeDefinitionNode: TypeKind.OBJECT,
    ObjectTypeExtensionNode: TypeKind.OBJECT,
    InterfaceTypeDefinitionNode: TypeKind.INTERFACE,
    InterfaceTypeExtensionNode: TypeKind.INTERFACE,
    UnionTypeDefinitionNode: TypeKind.UNION,
    UnionTypeExtensionNode: TypeKind.UNION,
    EnumTypeDefinitionNode: TypeKind.ENUM,
    EnumTypeExtensionNode: TypeKind.ENUM,
    InputObjectTypeDefinitionNode: TypeKind.INPUT_OBJECT,
    InputObjectTypeExtensionNode: TypeKind.INPUT_OBJECT,
    ScalarTypeDefinitionNode: TypeKind.SCALAR,
    ScalarTypeExtensionNode: TypeKind.SCALAR,
}


def _arguments(directive: DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _applications(directives: Iterable[DirectiveNode] | None, name: str) -> list[dict[str, Any]]:
    return [_arguments(directive) for directive in directives or () if directive.name.value == name]


class _Reader:
    """Reads join directives of one supergraph document; holds the name tables while doing so."""

    def __init__(self, document: DocumentNode, names: SpecNames, schema: GraphQLSchema) -> None:
        self.document = document
        self.names = names
        self.schema = schema
        self.graphs = self._read_graphs()
        self.context_directive = context.context_directive_name(document)
        self.context_arguments = context.ContextArgumentReader()

    def _read_graphs(self) -> dict[str, Graph]:
        graph_enum = self.names.join("Graph")
        graphs: dict[str, Graph] = {}
        for node in self.document.definitions:
            if not isinstance(node, EnumTypeDefinitionNode) or node.name.value != graph_enum:
                continue
            for value in node.values or ():
                applications = _applications(value.directives, self.names.join("graph"))
                args = applications[0] if applications else {}
                name = str(args.get("name") or value.name.value.lower())
                graphs[value.name.value] = Graph(
                    name=name, enum_value=value.name.value, url=str(args.get("url") or "")
                )
        if not graphs:
            raise SupergraphError(f"the supergraph declares no subgraphs (enum {graph_enum})")
        return graphs

    def graph_name(self, enum_value: Any) -> str:
        try:
            return self.graphs[str(enum_value)].name
        except KeyError:
            raise SupergraphError(f"unknown join__Graph value {enum_value!r}") from None

    def read_types(self) -> dict[str, TypeDef]:
        grouped: dict[str, list[TypeDefinitionNode | TypeExtensionNode]] = {}
        for node in self.document.definitions:
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                grouped.setdefault(node.name.value, []).append(node)
        return {
            name: self._read_type(name, nodes)
            for name, nodes in grouped.items()
            if not self.names.is_machinery_type(name)
        }

    def _read_type(self, name: str, nodes: Sequence[TypeDefinitionNode | TypeExtensionNode]) -> TypeDef:
        directives = [directive for node in nodes for directive in node.directives or ()]
        joins = tuple(self._type_join(args) for args in _applications(directives, self.names.join("type")))
        implements: dict[str, list[str]] = {}
        for args in _applications(directives, self.names.join("implements")):
            implements.setdefault(self.graph_name(args["graph"]), []).append(str(args["interface"]))
        members: dict[str, list[str]] = {}
        for args in _applications(directives, self.names.join("unionMember")):
            members.setdefault(self.graph_name(args["graph"]), []).append(str(args["member"]))
        owners = _applications(directives, self.names.join("owner"))
        fields: dict[str, FieldDef] = {}
        input_field_weights: dict[str, int] = {}
        for node in nodes:
            for field_node in getattr(node, "fields", None) or ():
                if isinstance(field_node, FieldDefinitionNode):
                    fields[field_node.name.value] = self._read_field(name, field_node)
            if isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
                input_field_weights.update(cost_directives.input_weights(node.fields, self.names, name))
        return TypeDef(
            name=name,
            kind=_KINDS[type(nodes[0])],
            joins=joins,
            fields=fields,
            implements={graph: tuple(names) for graph, names in implements.items()},
            union_members={graph: tuple(names) for graph, names in members.items()},
            owner=self.graph_name(owners[0]["graph"]) if owners else None,
            weight=cost_directives.weight(directives, self.names, name),
            input_field_weights=input_field_weights,
            contexts=context.type_contexts(directives, self.context_directive),
        )

    def _type_join(self, args: dict[str, Any]) -> TypeJoin:
        return TypeJoin(
            graph=self.graph_name(args["graph"]),
            key=str(args["key"]) if args.get("key") is not None else None,
            resolvable=bool(args.get("resolvable", True)),
            extension=bool(args.get("extension", False)),
            is_interface_object=bool(args.get("isInterfaceObject", False)),
        )

    def _read_field(self, type_name: str, node: FieldDefinitionNode) -> FieldDef:
        joins = tuple(
            FieldJoin(
                graph=self.graph_name(args["graph"]),
                requires=_optional_str(args.get("requires")),
                provides=_optional_str(args.get("provides")),
                type=_optional_str(args.get("type")),
                external=bool(args.get("external", False)),
                override=_optional_str(args.get("override")),
                used_overridden=bool(args.get("usedOverridden", False)),
                override_label=_optional_str(args.get("overrideLabel")),
                context_arguments=self.context_arguments.arguments(
                    args.get("contextArguments"), f"{type_name}.{node.name.value}"
                ),
            )
            for args in _applications(node.directives, self.names.join("field"))
            if args.get("graph") is not None
        )
        has_graphless_join = any(
            args.get("graph") is None for args in _applications(node.directives, self.names.join("field"))
        )
        coordinate = f"{type_name}.{node.name.value}"
        type_ref = type_from_ast(self.schema, node.type)
        if type_ref is None:
            raise SupergraphError(f"field {node.name.value} has an unknown type")
        return FieldDef(
            name=node.name.value,
            type_name=get_named_type(type_ref).name,
            type_ref=str(type_ref),
            joins=joins,
            unresolvable=has_graphless_join and not joins,
            weight=cost_directives.weight(node.directives, self.names, coordinate),
            list_size=cost_directives.list_size(node.directives, self.names, coordinate),
            argument_weights=cost_directives.input_weights(node.arguments, self.names, coordinate),
        )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _possible_types(schema: GraphQLSchema) -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(possible.name for possible in schema.get_possible_types(named))
        for name, named in schema.type_map.items()
        if is_abstract_type(named)
    }


def parse_supergraph(sdl: str) -> Supergraph:
    """Parse supergraph SDL (Federation 2 `@link`, or Federation 1 `@core`) into a `Supergraph`."""
    try:
        document = parse(sdl)
        schema = build_ast_schema(document, assume_valid_sdl=True)
    except GraphQLError as error:
        raise SupergraphError(f"invalid supergraph SDL: {error.message}") from error
    names = resolve_spec_names(document)
    reader = _Reader(document, names, schema)
    query = schema.query_type
    if query is None:
        raise SupergraphError("the supergraph has no query type")
    return Supergraph(
        sdl=sdl,
        graphs={graph.name: graph for graph in reader.graphs.values()},
        types=reader.read_types(),
        query_type=query.name,
        mutation_type=schema.mutation_type.name if schema.mutation_type else None,
        subscription_type=schema.subscription_type.name if schema.subscription_type else None,
        possible_types=_possible_types(schema),
        api_schema=build_api_schema(document, names),
    )
