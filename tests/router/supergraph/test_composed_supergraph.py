"""A supergraph shaped exactly like Apollo composition's join v0.5 output parses, plans and hides machinery."""

from graphql import GraphQLObjectType, print_schema

from router.supergraph import parse_supergraph
from tests.router.planning import plan_text
from tests.router.supergraphs.composed_v05 import COMPOSED_V05


def test_graphs_and_urls() -> None:
    supergraph = parse_supergraph(COMPOSED_V05)
    assert {name: graph.url for name, graph in supergraph.graphs.items()} == {
        "products": "http://localhost:4001/graphql",
        "reviews": "http://localhost:4002/graphql",
    }


def test_api_schema_keeps_descriptions_and_deprecations_but_no_machinery() -> None:
    sdl = print_schema(parse_supergraph(COMPOSED_V05).api_schema)
    assert '"""A product in the catalog."""' in sdl
    assert '@deprecated(reason: "Use text")' in sdl
    for hidden in ("join__", "link__", "@tag", "@link", "@inaccessible", "internalCode", "ContextArgument"):
        assert hidden not in sdl


def test_fields_of_the_api_schema() -> None:
    product = parse_supergraph(COMPOSED_V05).api_schema.get_type("Product")
    assert isinstance(product, GraphQLObjectType)
    assert list(product.fields) == ["id", "name", "reviews"]


def test_plans_like_any_other_supergraph() -> None:
    assert plan_text(COMPOSED_V05, "{ products { name reviews { rating } } }").splitlines()[1:3] == [
        "  Sequence {",
        '    Fetch(service: "products") {',
    ]
