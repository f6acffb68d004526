"""The API schema: what clients see once join/link machinery and @inaccessible elements are removed."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLUnionType, print_schema

from router.supergraph import parse_supergraph
from testbed.sdl import supergraph_sdl
from testbed.shop_supergraph import SHOP
from tests.router.supergraphs.federation1 import FEDERATION1, RENAMED_JOIN

HIDDEN = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  search(term: String, debug: Boolean @inaccessible, filter: Filter): [Result] @join__field(graph: A)
  internal: Internal @join__field(graph: B) @inaccessible
  color: Color @join__field(graph: A)
}

type Internal @join__type(graph: B) @inaccessible {
  secret: String
}

input Filter @join__type(graph: A) {
  tag: String
  trace: Boolean @inaccessible
}

enum Color @join__type(graph: A) @join__type(graph: B) {
  RED @join__enumValue(graph: A) @join__enumValue(graph: B)
  GREEN @join__enumValue(graph: A)
  DEBUG @join__enumValue(graph: A) @inaccessible
}

interface Named @join__type(graph: A) {
  name: String
}

interface Audited @join__type(graph: A) @inaccessible {
  auditedBy: String
}

type Page implements Named & Audited
  @join__type(graph: A)
  @join__implements(graph: A, interface: "Named")
  @join__implements(graph: A, interface: "Audited")
{
  name: String
  auditedBy: String @inaccessible
}

type Draft @join__type(graph: A) @inaccessible {
  name: String
}

union Result @join__type(graph: A) @join__unionMember(graph: A, member: "Page")
  @join__unionMember(graph: A, member: "Draft") = Page | Draft
""",
)


def test_join_and_link_machinery_is_removed() -> None:
    sdl = print_schema(parse_supergraph(SHOP).api_schema)
    assert "join__" not in sdl
    assert "link" not in sdl
    assert "@inaccessible" not in sdl


def test_inaccessible_field_is_removed() -> None:
    user = parse_supergraph(SHOP).api_schema.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    assert list(user.fields) == ["id", "name", "username", "reviews"]


def test_inaccessible_type_and_fields_returning_it_are_removed() -> None:
    schema = parse_supergraph(HIDDEN).api_schema
    assert schema.get_type("Internal") is None
    assert schema.query_type is not None
    assert "internal" not in schema.query_type.fields


def test_inaccessible_argument_is_removed() -> None:
    schema = parse_supergraph(HIDDEN).api_schema
    assert schema.query_type is not None
    assert list(schema.query_type.fields["search"].args) == ["term", "filter"]


def test_inaccessible_input_field_is_removed() -> None:
    filter_type = parse_supergraph(HIDDEN).api_schema.get_type("Filter")
    assert isinstance(filter_type, GraphQLInputObjectType)
    assert list(filter_type.fields) == ["tag"]


def test_inaccessible_enum_value_is_removed() -> None:
    color = parse_supergraph(HIDDEN).api_schema.get_type("Color")
    assert isinstance(color, GraphQLEnumType)
    assert list(color.values) == ["RED", "GREEN"]


def test_inaccessible_interface_and_union_member_are_removed() -> None:
    schema = parse_supergraph(HIDDEN).api_schema
    page = schema.get_type("Page")
    assert isinstance(page, GraphQLObjectType)
    assert [interface.name for interface in page.interfaces] == ["Named"]
    assert list(page.fields) == ["name"]
    result = schema.get_type("Result")
    assert isinstance(result, GraphQLUnionType)
    assert [member.name for member in result.types] == ["Page"]


def test_federation1_api_schema_has_no_core_machinery() -> None:
    sdl = print_schema(parse_supergraph(FEDERATION1).api_schema)
    assert "core" not in sdl
    assert "join__" not in sdl
    assert "type Money" in sdl


def test_renamed_inaccessible_is_honoured() -> None:
    schema = parse_supergraph(RENAMED_JOIN).api_schema
    assert schema.query_type is not None
    assert list(schema.query_type.fields) == ["thing"]
    assert "j__" not in print_schema(schema)
