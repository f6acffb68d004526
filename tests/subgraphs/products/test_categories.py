"""The category tree: reading it, and admin writes that keep it a tree."""

from __future__ import annotations

import uuid

from tests.subgraphs.products.builders import CREATE_CATEGORY, Catalog
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

TREE = """
query($slug: String!) {
  category(slug: $slug) {
    name
    parent { slug }
    children { slug }
    path { slug }
    products(first: 10, sort: NAME_ASC) { edges { node { sku } } }
  }
}
"""
MOVE = "mutation($id: ID!, $parent: ID) { moveCategory(id: $id, parentId: $parent) { slug parent { slug } } }"
DELETE = "mutation($id: ID!) { deleteCategory(id: $id) { slug } }"


async def test_category_knows_parent_children_breadcrumb_and_products(
    gql: GraphQLClient, catalog: Catalog
) -> None:
    electronics = await catalog.category("Electronics")
    audio = await catalog.category("Audio", parent=electronics)
    headphones = await catalog.category("Headphones", parent=audio)
    await catalog.category("Speakers", parent=audio)
    await catalog.product("HP-1", category=headphones)
    await catalog.product("AU-1", category=audio)

    audio_node = (await gql.execute(TREE, {"slug": "audio"})).ok()["category"]

    assert audio_node["parent"] == {"slug": "electronics"}
    assert audio_node["children"] == [{"slug": "headphones"}, {"slug": "speakers"}]
    assert audio_node["path"] == [{"slug": "electronics"}, {"slug": "audio"}]
    assert [edge["node"]["sku"] for edge in audio_node["products"]["edges"]] == ["AU-1", "HP-1"]


async def test_categories_lists_parents_before_children(gql: GraphQLClient, catalog: Catalog) -> None:
    root = await catalog.category("Home")
    await catalog.category("Kitchen", parent=root)
    await catalog.category("Books")

    every = (await gql.execute("{ categories { slug } }")).ok()["categories"]
    roots = (await gql.execute("{ categories(rootsOnly: true) { slug } }")).ok()["categories"]

    assert [c["slug"] for c in every] == ["books", "home", "kitchen"]
    assert [c["slug"] for c in roots] == ["books", "home"]


async def test_category_by_id_or_slug_needs_exactly_one(gql: GraphQLClient) -> None:
    result = await gql.execute('{ category(id: "x", slug: "y") { slug } }')
    assert result.codes == ["BAD_USER_INPUT"]


async def test_slug_is_made_from_the_name(gql: GraphQLClient, catalog: Catalog) -> None:
    category = await catalog.category("Home & Kitchen")
    assert category["slug"] == "home-kitchen"


async def test_duplicate_slug_is_a_conflict(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    await catalog.category("Books")
    result = await gql.execute(CREATE_CATEGORY, {"input": {"name": "Books"}}, token=tokens.admin)
    assert result.codes == ["CONFLICT"]


async def test_customer_cannot_create_categories(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(CREATE_CATEGORY, {"input": {"name": "Toys"}}, token=tokens.customer)
    assert result.codes == ["FORBIDDEN"]


async def test_update_renames_a_category(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    category = await catalog.category("Bookz")
    mutation = (
        'mutation($id: ID!) { updateCategory(id: $id, input: {name: "Books", slug: "books"}) { name slug } }'
    )

    result = await gql.execute(mutation, {"id": category["id"]}, token=tokens.admin)

    assert result.ok() == {"updateCategory": {"name": "Books", "slug": "books"}}


async def test_move_re_parents_a_category(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    home = await catalog.category("Home")
    kitchen = await catalog.category("Kitchen")

    moved = await gql.execute(MOVE, {"id": kitchen["id"], "parent": home["id"]}, token=tokens.admin)
    back = await gql.execute(MOVE, {"id": kitchen["id"], "parent": None}, token=tokens.admin)

    assert moved.ok() == {"moveCategory": {"slug": "kitchen", "parent": {"slug": "home"}}}
    assert back.ok() == {"moveCategory": {"slug": "kitchen", "parent": None}}


async def test_move_under_its_own_descendant_is_refused(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    top = await catalog.category("Top")
    middle = await catalog.category("Middle", parent=top)
    bottom = await catalog.category("Bottom", parent=middle)

    result = await gql.execute(MOVE, {"id": top["id"], "parent": bottom["id"]}, token=tokens.admin)

    assert result.codes == ["BAD_USER_INPUT"]
    assert (await gql.execute(TREE, {"slug": "top"})).ok()["category"]["parent"] is None


async def test_move_of_an_unknown_category_is_not_found(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(MOVE, {"id": str(uuid.uuid4()), "parent": None}, token=tokens.admin)
    assert result.codes == ["NOT_FOUND"]


async def test_delete_removes_an_empty_category(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    category = await catalog.category("Empty")

    result = await gql.execute(DELETE, {"id": category["id"]}, token=tokens.admin)

    assert result.ok() == {"deleteCategory": {"slug": "empty"}}
    assert (await gql.execute(TREE, {"slug": "empty"})).ok() == {"category": None}


async def test_delete_refuses_a_category_with_children_or_products(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    parent = await catalog.category("Parent")
    await catalog.category("Child", parent=parent)
    stocked = await catalog.category("Stocked")
    await catalog.product("IN-1", category=stocked)

    with_child = await gql.execute(DELETE, {"id": parent["id"]}, token=tokens.admin)
    with_product = await gql.execute(DELETE, {"id": stocked["id"]}, token=tokens.admin)

    assert with_child.codes == ["CONFLICT"]
    assert with_product.codes == ["CONFLICT"]


async def test_a_category_whose_products_were_all_deleted_can_be_deleted(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    category = await catalog.category("Discontinued")
    product = await catalog.product("GONE-1", category=category)
    (
        await gql.execute(
            "mutation($id: ID!) { deleteProduct(id: $id) { id } }", {"id": product["id"]}, token=tokens.admin
        )
    ).ok()

    result = await gql.execute(DELETE, {"id": category["id"]}, token=tokens.admin)

    assert result.ok() == {"deleteCategory": {"slug": "discontinued"}}
