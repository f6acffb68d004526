"""Parse, validation and planning happen once per distinct operation (and set of override labels that
can change its plan); failures are cached too."""

import pytest

from router.errors import ValidationFailed
from router.executor import SubgraphResponse
from router.gateway import Gateway
from router.plan.printer import print_plan
from router.supergraph import parse_supergraph
from testbed.shop_supergraph import SHOP
from tests.router.supergraphs.progressive import PROGRESSIVE


class _NoFetcher:
    async def fetch(
        self, service: str, url: str, body: object, headers: object, *, operation_kind: str
    ) -> SubgraphResponse:
        raise AssertionError("preparing an operation never calls a subgraph")

    def max_representations(self, service: str) -> None:
        return None


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway(parse_supergraph(SHOP), _NoFetcher(), {}, cache_size=2)


def test_same_operation_is_prepared_once(gateway: Gateway) -> None:
    first = gateway.prepare("{ me { name } }", None)
    assert gateway.prepare("{ me { name } }", None) is first
    assert gateway.prepare("query A { me { name } }", "A") is not first


def test_invalid_operation_fails_the_same_way_from_the_cache(gateway: Gateway) -> None:
    with pytest.raises(ValidationFailed) as first:
        gateway.prepare("{ me { nope } }", None)
    with pytest.raises(ValidationFailed) as second:
        gateway.prepare("{ me { nope } }", None)
    assert second.value is first.value


def test_least_recently_used_operations_are_planned_again(gateway: Gateway) -> None:
    first = gateway.prepare("{ me { id } }", None)
    gateway.prepare("{ me { reviews { body } } }", None)
    gateway.prepare("{ topReviews { body } }", None)
    assert gateway.prepare("{ me { id } }", None) is not first


@pytest.fixture(scope="module")
def labelled_gateway() -> Gateway:
    return Gateway(parse_supergraph(PROGRESSIVE), _NoFetcher(), {})


def test_each_set_of_labels_in_force_gets_its_own_plan(labelled_gateway: Gateway) -> None:
    without = labelled_gateway.prepare("{ item { price } }", None)
    moved = labelled_gateway.prepare("{ item { price } }", None, frozenset({"percent(25)"}))
    assert print_plan(moved.plan) != print_plan(without.plan)
    assert labelled_gateway.prepare("{ item { price } }", None, frozenset({"percent(25)"})) is moved


def test_labels_that_cannot_change_the_plan_share_it(labelled_gateway: Gateway) -> None:
    quarter = labelled_gateway.prepare("{ item { price } }", None, frozenset({"percent(25)"}))
    more = frozenset({"percent(25)", "percent(50)"})
    assert labelled_gateway.prepare("{ item { price } }", None, more) is quarter
    assert quarter.override_labels == {"percent(25)"}
