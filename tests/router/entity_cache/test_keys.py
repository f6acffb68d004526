"""The entity cache's keys: an entity's identity comes from its key fields only, whatever their order;
scopes keep callers apart; anything that changes the answer changes the variant."""

from __future__ import annotations

from router.entity_cache.keys import PUBLIC_SCOPE, CacheKeys, entity_id, private_scope, variant
from router.executor.cached import EntityKeys, top_level_fields
from router.supergraph import parse_supergraph
from tests.router.cache_control_subgraphs import cache_control_supergraph

URLS = {"catalog": "http://catalog/graphql", "details": "http://details/graphql"}


def test_an_entitys_identity_does_not_depend_on_the_order_of_its_key_fields() -> None:
    assert entity_id({"sku": "a", "region": "eu"}) == entity_id({"region": "eu", "sku": "a"})
    assert entity_id({"id": "p1"}) != entity_id({"id": "p2"})


def test_two_subjects_never_share_a_scope() -> None:
    assert private_scope("alice") != private_scope("bob")
    assert PUBLIC_SCOPE not in {private_scope("alice"), private_scope("public")}


def test_the_variant_changes_with_the_selection_the_variables_and_the_representation() -> None:
    base = variant("query A { x }", {"first": 1}, {"id": "p1"})
    assert variant("query A { y }", {"first": 1}, {"id": "p1"}) != base
    assert variant("query A { x }", {"first": 2}, {"id": "p1"}) != base
    assert variant("query A { x }", {"first": 1}, {"id": "p1", "weight": 2}) != base
    assert variant("query A { x }", {"first": 1}, {"id": "p1"}) == base


def test_an_entity_key_names_subgraph_type_entity_variant_and_scope() -> None:
    key = CacheKeys("ns").entity("details", "Product", "e1", "v1", PUBLIC_SCOPE)
    assert key == "ns:entity-cache:e:details:Product:e1:v1:public"


def test_the_top_level_fields_of_a_key() -> None:
    assert top_level_fields("id") == ("id",)
    assert top_level_fields("sku variant { id size { name } } region") == ("sku", "variant", "region")


def test_a_representations_identity_is_that_of_its_key_fields() -> None:
    keys = EntityKeys(parse_supergraph(cache_control_supergraph(URLS)))
    typename, identity = keys.identity("details", {"__typename": "Product", "id": "p1", "weight": 3})
    assert (typename, identity) == ("Product", entity_id({"id": "p1"}))
