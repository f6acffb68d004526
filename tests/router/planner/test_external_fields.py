"""Planner scenarios for `@external`: such a field is not resolvable in its subgraph, nor key material there.

Only a `@provides` in scope, or the key of a type extension (Federation 1 style `extend type`), makes an
`@external` field available; an operation only answerable from one fails to plan.
"""

from textwrap import dedent

import pytest

from router.errors import PlanningError
from tests.router.planning import build_plan, plan_text
from tests.router.supergraphs.external_node import EXTENSION_KEY, EXTERNAL_NODE


def test_typename_only_stays_in_the_first_subgraph() -> None:
    query = """{ account: node(id: "a1") { __typename } chat: node(id: "c1") { __typename } }"""
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Fetch(service: "a") {
            {
              account: node(id: "a1") {
                __typename
              }
              chat: node(id: "c1") {
                __typename
              }
            }
          },
        }""")


def test_each_member_goes_to_the_subgraph_where_its_id_is_not_external() -> None:
    query = """
        { account: node(id: "a1") { ... on Account { id username } } chat: node(id: "c1") { ... on Chat
        { id text } } }
    """
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                account: node(id: "a1") {
                  __typename
                  ... on Account {
                    id
                    username
                  }
                }
              }
            },
            Fetch(service: "b") {
              {
                chat: node(id: "c1") {
                  __typename
                  ... on Chat {
                    id
                    text
                  }
                }
              }
            },
          },
        }""")


def test_a_fragment_on_a_member_is_asked_where_that_member_resolves_its_id() -> None:
    query = """
        { account: node(id: "a1") { ... on Chat { id } } chat: node(id: "c1") { ... on Account { id } }
        }
    """
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Parallel {
            Fetch(service: "b") {
              {
                account: node(id: "a1") {
                  __typename
                  ... on Chat {
                    id
                  }
                }
              }
            },
            Fetch(service: "a") {
              {
                chat: node(id: "c1") {
                  __typename
                  ... on Account {
                    id
                  }
                }
              }
            },
          },
        }""")


def test_an_external_key_is_not_key_material_but_the_entity_is_still_reachable() -> None:
    query = """{ chat(id: "c1") { id text account { id } } }"""
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                chat(id: "c1") {
                  id
                  text
                  __typename
                }
              }
            },
            Flatten(path: "chat") {
              Fetch(service: "a") {
                {
                  ... on Chat {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Chat {
                    account {
                      id
                    }
                  }
                }
              },
            },
          },
        }""")


def test_a_subgraph_with_an_external_key_is_reached_through_the_owner_key() -> None:
    query = """{ account(id: "a1") { id username chats { id } } }"""
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                account(id: "a1") {
                  id
                  username
                  __typename
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "b") {
                {
                  ... on Account {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Account {
                    chats {
                      id
                    }
                  }
                }
              },
            },
          },
        }""")


def test_an_extension_key_marked_external_is_still_resolved_by_the_extending_subgraph() -> None:
    query = "{ cheapestProduct { id price name } }"
    assert plan_text(EXTENSION_KEY, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "price") {
              {
                cheapestProduct {
                  id
                  price
                  __typename
                }
              }
            },
            Flatten(path: "cheapestProduct") {
              Fetch(service: "product") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    name
                  }
                }
              },
            },
          },
        }""")


def test_an_external_key_is_never_the_key_an_entity_fetch_starts_from() -> None:
    query = """{ node(id: "c1") { ... on Chat { text account { username } } } }"""
    assert plan_text(EXTERNAL_NODE, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                node(id: "c1") {
                  __typename
                  ... on Chat {
                    text
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "a") {
                {
                  ... on Chat {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Chat {
                    account {
                      username
                    }
                  }
                }
              },
            },
          },
        }""")


def test_a_field_only_answerable_from_external_fields_fails_to_plan() -> None:
    with pytest.raises(PlanningError, match=r"Account\.id"):
        build_plan(EXTERNAL_NODE, '{ node(id: "a1") { id } }')


def test_an_interface_field_external_for_one_member_fails_to_plan() -> None:
    with pytest.raises(PlanningError, match=r"Chat\.id"):
        build_plan(EXTERNAL_NODE, '{ node(id: "a1") { id ... on Chat { id } } }')
