"""Planner scenarios for entity keys: several keys, composite and nested keys, non-resolvable keys."""

from textwrap import dedent

from tests.router.planning import plan_text
from tests.router.supergraphs.keys import KEYS


def test_key_known_to_both_subgraphs_is_used_directly() -> None:
    query = "{ t { inA inB } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  inA
                  __typename
                  id
                }
              }
            },
            Flatten(path: "t") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    inB
                  }
                }
              },
            },
          },
        }""")


def test_second_key_is_reached_through_a_subgraph_that_has_both() -> None:
    query = "{ t { inC } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "t") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    sku
                  }
                }
              },
            },
            Flatten(path: "t") {
              Fetch(service: "c") {
                {
                  ... on T {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on T {
                    inC
                  }
                }
              },
            },
          },
        }""")


def test_fields_of_the_intermediate_subgraph_join_the_key_hop() -> None:
    query = "{ t { inB inC } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "t") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    inB
                    sku
                  }
                }
              },
            },
            Flatten(path: "t") {
              Fetch(service: "c") {
                {
                  ... on T {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on T {
                    inC
                  }
                }
              },
            },
          },
        }""")


def test_key_field_itself_fetched_from_another_subgraph() -> None:
    query = "{ t { sku } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "t") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    sku
                  }
                }
              },
            },
          },
        }""")


def test_composite_key_with_nested_selection() -> None:
    query = "{ account { owner balance } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                account {
                  owner
                  __typename
                  number
                  org {
                    id
                  }
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                {
                  ... on Account {
                    __typename
                    number
                    org {
                      id
                    }
                  }
                } =>
                {
                  ... on Account {
                    balance
                  }
                }
              },
            },
          },
        }""")


def test_composite_key_with_a_field_from_another_subgraph() -> None:
    query = "{ account { limit } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                account {
                  __typename
                  number
                  org {
                    id
                  }
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                {
                  ... on Account {
                    __typename
                    number
                    org {
                      id
                    }
                  }
                } =>
                {
                  ... on Account {
                    region
                  }
                }
              },
            },
            Flatten(path: "account") {
              Fetch(service: "b") {
                {
                  ... on Account {
                    __typename
                    number
                    region
                  }
                } =>
                {
                  ... on Account {
                    limit
                  }
                }
              },
            },
          },
        }""")


def test_all_keys_of_an_account() -> None:
    query = "{ account { limit owner balance } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                account {
                  __typename
                  number
                  org {
                    id
                  }
                  owner
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                {
                  ... on Account {
                    __typename
                    number
                    org {
                      id
                    }
                  }
                } =>
                {
                  ... on Account {
                    region
                    balance
                  }
                }
              },
            },
            Flatten(path: "account") {
              Fetch(service: "b") {
                {
                  ... on Account {
                    __typename
                    number
                    region
                  }
                } =>
                {
                  ... on Account {
                    limit
                  }
                }
              },
            },
          },
        }""")


def test_every_field_of_an_entity_with_several_keys() -> None:
    query = "{ t { id sku inA inB inC } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                t {
                  id
                  __typename
                  inA
                }
              }
            },
            Flatten(path: "t") {
              Fetch(service: "b") {
                {
                  ... on T {
                    __typename
                    id
                  }
                } =>
                {
                  ... on T {
                    sku
                    inB
                  }
                }
              },
            },
            Flatten(path: "t") {
              Fetch(service: "c") {
                {
                  ... on T {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on T {
                    inC
                  }
                }
              },
            },
          },
        }""")


def test_key_part_from_another_subgraph() -> None:
    query = "{ account { number region } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                account {
                  number
                  __typename
                  org {
                    id
                  }
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                {
                  ... on Account {
                    __typename
                    number
                    org {
                      id
                    }
                  }
                } =>
                {
                  ... on Account {
                    region
                  }
                }
              },
            },
          },
        }""")


def test_non_resolvable_reference_is_completed_by_the_owning_subgraph() -> None:
    query = "{ ref { id label } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "d") {
              {
                ref {
                  id
                  __typename
                }
              }
            },
            Flatten(path: "ref") {
              Fetch(service: "a") {
                {
                  ... on Reference {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Reference {
                    label
                  }
                }
              },
            },
          },
        }""")


def test_non_resolvable_reference_key_alone_needs_no_jump() -> None:
    query = "{ ref { id } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Fetch(service: "d") {
            {
              ref {
                id
              }
            }
          },
        }""")


def test_non_resolvable_reference_without_the_key() -> None:
    query = "{ ref { label } }"
    assert plan_text(KEYS, query) == dedent("""\
        QueryPlan {
          Sequence {
            Fetch(service: "d") {
              {
                ref {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "ref") {
              Fetch(service: "a") {
                {
                  ... on Reference {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Reference {
                    label
                  }
                }
              },
            },
          },
        }""")
