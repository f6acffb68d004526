"""Reading supergraph SDL into the model: graphs, type joins, field joins, Federation 1 and renamed specs."""

from __future__ import annotations

import pytest

from router.errors import SupergraphError
from router.supergraph import FieldJoin, Graph, TypeJoin, TypeKind, parse_supergraph
from router.supergraph.model import ContextArgument
from testbed.sdl import supergraph_sdl
from testbed.shop_supergraph import SHOP
from tests.router.supergraphs.abstract import ABSTRACT
from tests.router.supergraphs.context import CONTEXT
from tests.router.supergraphs.federation1 import FEDERATION1, RENAMED_JOIN
from tests.router.supergraphs.keys import KEYS
from tests.router.supergraphs.shareable import SHAREABLE


def test_graphs_have_names_enum_values_and_urls() -> None:
    supergraph = parse_supergraph(SHOP)
    assert list(supergraph.graphs) == ["accounts", "products", "inventory", "reviews"]
    assert supergraph.graphs["inventory"] == Graph("inventory", "INVENTORY", "http://inventory.local/graphql")


def test_root_types() -> None:
    supergraph = parse_supergraph(SHOP)
    assert (supergraph.query_type, supergraph.mutation_type, supergraph.subscription_type) == (
        "Query",
        "Mutation",
        None,
    )


def test_type_joins_carry_keys_per_graph() -> None:
    product = parse_supergraph(SHOP).type("Product")
    assert product.kind is TypeKind.OBJECT
    assert product.graphs == ("products", "inventory", "reviews")
    assert product.keys_in("inventory") == (TypeJoin("inventory", key="upc"),)


def test_several_keys_in_one_graph() -> None:
    t = parse_supergraph(KEYS).type("T")
    assert [join.key for join in t.keys_in("b")] == ["id", "sku"]


def test_non_resolvable_key() -> None:
    reference = parse_supergraph(KEYS).type("Reference")
    assert reference.keys_in("d") == (TypeJoin("d", key="id", resolvable=False),)


def test_field_joins_with_requires_external_and_provides() -> None:
    supergraph = parse_supergraph(SHOP)
    estimate = supergraph.field("Product", "shippingEstimate")
    assert estimate is not None
    assert estimate.joins == (FieldJoin("inventory", requires="price weight"),)
    price = supergraph.field("Product", "price")
    assert price is not None
    assert price.join_for("inventory") == FieldJoin("inventory", external=True)
    author = supergraph.field("Review", "author")
    assert author is not None
    assert author.join_for("reviews") == FieldJoin("reviews", provides="username")
    assert (author.type_name, author.type_ref) == ("User", "User")


def test_field_without_join_is_in_every_graph_of_its_type() -> None:
    user_id = parse_supergraph(SHOP).field("User", "id")
    assert user_id is not None
    assert user_id.joins == ()
    assert user_id.type_ref == "ID!"


def test_override_and_used_overridden() -> None:
    legacy = parse_supergraph(SHAREABLE).field("Product", "legacyCode")
    assert legacy is not None
    assert legacy.joins == (FieldJoin("a", used_overridden=True), FieldJoin("c", override="a"))


def test_interface_object_implements_and_union_members() -> None:
    supergraph = parse_supergraph(ABSTRACT)
    media = supergraph.type("Media")
    assert media.kind is TypeKind.INTERFACE
    assert media.is_interface_object_in("ratings")
    assert not media.is_interface_object_in("media")
    assert supergraph.type("Book").implements == {"media": ("Media", "Node")}
    assert supergraph.type("Result").union_members["media"] == ("Book", "Movie", "Author")
    assert supergraph.possible_types["Media"] == ("Book", "Movie")


def test_graphless_join_field_marks_a_field_no_graph_resolves_directly() -> None:
    stars = parse_supergraph(ABSTRACT).field("Book", "stars")
    assert stars is not None
    assert stars.unresolvable


def test_federation1_supergraph_with_owner() -> None:
    supergraph = parse_supergraph(FEDERATION1)
    assert supergraph.type("Product").owner == "products"
    assert supergraph.type("Money").joins == ()
    assert "Query" in supergraph.types


def test_renamed_join_spec() -> None:
    supergraph = parse_supergraph(RENAMED_JOIN)
    assert list(supergraph.graphs) == ["one", "two"]
    assert supergraph.type("Thing").keys_in("two") == (TypeJoin("two", key="id"),)
    assert "j__Graph" not in supergraph.types


def test_machinery_types_are_not_in_the_model() -> None:
    types = parse_supergraph(SHOP).types
    assert not [name for name in types if name.startswith(("join__", "link__"))]


def test_sdl_without_join_is_rejected() -> None:
    with pytest.raises(SupergraphError, match="join"):
        parse_supergraph("type Query { a: Int }")


def test_invalid_sdl_is_rejected() -> None:
    with pytest.raises(SupergraphError, match="invalid supergraph SDL"):
        parse_supergraph("type Query {")


def test_unknown_graph_in_a_join_is_rejected() -> None:
    sdl = supergraph_sdl({"a": "http://a"}, "type Query @join__type(graph: B) { a: Int }")
    with pytest.raises(SupergraphError):
        parse_supergraph(sdl)


def test_context_arguments_and_contexts_are_read_with_apollo_variable_names() -> None:
    supergraph = parse_supergraph(CONTEXT)
    assert supergraph.type("Store").contexts == ("shop__store", "pricing__store")
    price = supergraph.field("Product", "price")
    assert price is not None
    join = price.join_for("pricing")
    assert join is not None
    assert join.context_arguments == (
        ContextArgument(
            name="currency",
            type_ref="String",
            context="pricing__store",
            selection="currency",
            variable="contextualArgument_2_0",
        ),
    )


def test_contextual_arguments_stay_out_of_the_api_schema() -> None:
    schema = parse_supergraph(CONTEXT).api_schema
    assert "context" not in {directive.name for directive in schema.directives}
    assert not schema.get_type("Product").fields["price"].args  # type: ignore[union-attr]
