"""Which progressive-override labels are in force for a request, and which can change a plan."""

from __future__ import annotations

import random

import pytest
from graphql import parse

from router.config import ProgressiveOverrideSettings
from router.overrides.draw import LabelDraw
from router.overrides.labels import OperationLabels, percent_of
from router.planner.normalize import normalize_operation
from testbed.sdl import supergraph_sdl
from tests.router.planning import supergraph_of
from tests.router.supergraphs.progressive import PROGRESSIVE

LABELS = frozenset({"percent(25)", "percent(50)", "new-stock", "beta"})


def draw(**settings: object) -> LabelDraw:
    return LabelDraw(LABELS, ProgressiveOverrideSettings.model_validate(settings))


@pytest.mark.parametrize(
    ("label", "percent"),
    [("percent(25)", 25.0), ("percent(0.5)", 0.5), ("percent(100)", 100.0), ("new-stock", None)],
)
def test_percent_labels_are_told_from_custom_ones(label: str, percent: float | None) -> None:
    assert percent_of(label) == percent


def test_each_percent_label_is_drawn_once_per_request_in_label_order() -> None:
    chance = random.Random(7)
    expected = []
    for _ in range(50):
        quarter, half = chance.random() * 100 < 25, chance.random() * 100 < 50
        expected.append({label for label, on in (("percent(25)", quarter), ("percent(50)", half)) if on})
    seeded = draw(seed=7)
    assert [set(seeded.active(None)) for _ in range(50)] == expected


def test_percent_labels_are_in_force_about_as_often_as_they_say() -> None:
    seeded = draw(seed=3)
    draws = [seeded.active(None) for _ in range(2000)]
    quarter = sum("percent(25)" in labels for labels in draws) / len(draws)
    half = sum("percent(50)" in labels for labels in draws) / len(draws)
    assert 0.2 < quarter < 0.3
    assert 0.45 < half < 0.55


def test_the_same_seed_gives_the_same_draws() -> None:
    first, second = draw(seed=11), draw(seed=11)
    assert [first.active(None) for _ in range(20)] == [second.active(None) for _ in range(20)]


def test_a_request_may_bring_its_own_random_source() -> None:
    unseeded = draw()
    own = [unseeded.active(None, chance=random.Random(5)) for _ in range(5)]
    assert own == [draw(seed=5).active(None)] * 5


def test_percent_0_and_100_need_no_luck() -> None:
    labels = LabelDraw(frozenset({"percent(0)", "percent(100)"}), ProgressiveOverrideSettings())
    assert {labels.active(None) for _ in range(50)} == {frozenset({"percent(100)"})}


def test_custom_labels_are_off_unless_enabled() -> None:
    assert not draw(seed=1).active("new-stock") & {"new-stock", "beta"}


def test_enabled_labels_are_in_force_for_every_request() -> None:
    assert "beta" in draw(enabled_labels=["beta"]).active(None)


def test_the_header_enables_only_the_labels_the_settings_let_it() -> None:
    labels = draw(header_labels=["new-stock"]).active(" new-stock , beta")
    assert "new-stock" in labels
    assert "beta" not in labels


class _Unlucky(random.Random):
    """Every draw lands at the top: no percentage below 100 is ever in force."""

    def random(self) -> float:
        return 0.999


def test_the_header_cannot_enable_a_percent_label() -> None:
    labels = draw(header_labels=["new-stock"]).active("percent(25),new-stock", chance=_Unlucky())
    assert labels == {"new-stock"}


def test_labels_the_supergraph_does_not_have_are_never_in_force() -> None:
    labels = draw(enabled_labels=["elsewhere"], header_labels=["other"]).active("other")
    assert not labels & {"elsewhere", "other"}


REQUIRES_LABELLED = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  item: Item @join__field(graph: A)
}

type Item @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  size: Size @join__field(graph: A) @join__field(graph: B, external: true)
  volume: Int @join__field(graph: B, requires: "size { width }")
}

type Size @join__type(graph: A) @join__type(graph: B) {
  width: Int @join__field(graph: A) @join__field(graph: B, override: "a", overrideLabel: "percent(5)")
}
""",
    join_version="v0.4",
)


def labels_of(query: str, sdl: str = PROGRESSIVE) -> frozenset[str]:
    supergraph = supergraph_of(sdl)
    operation = normalize_operation(parse(query), None, {"query": "Query"})
    return OperationLabels(supergraph).of(operation)


def test_an_operation_can_be_changed_by_the_labels_of_the_types_it_reaches() -> None:
    assert labels_of("{ item { name } }") == {"percent(25)", "new-stock"}


def test_an_operation_reaching_no_labelled_type_depends_on_no_label() -> None:
    assert labels_of("{ tags }") == frozenset()


def test_labels_on_what_a_requires_selects_can_change_the_plan() -> None:
    assert labels_of("{ item { volume } }", REQUIRES_LABELLED) == {"percent(5)"}
