"""Estimates kept per operation and variables: the same figures as estimating afresh, keyed so that other
variables, another operation or another default list size are estimated again."""

from __future__ import annotations

from typing import Any

import pytest

import router.demand.estimates as estimates_module
from router.demand import CostEstimates, CostEstimationFailed, actual_cost, estimate_cost
from router.demand.cost import MeasureLayouts, _Measure
from router.demand.estimates import frozen_variables
from tests.router.demand.library import LIBRARY, operation

SHELF = operation(
    LIBRARY,
    "query ($n: Int, $more: Boolean!) { shelf(first: $n) { id ... @include(if: $more) { author { name } } } }",
)


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The variables of each estimate actually computed (not answered from the cache)."""
    calls: list[dict[str, Any]] = []

    def counting(*args: Any) -> int:
        calls.append(dict(args[2]))
        return estimate_cost(*args)

    monkeypatch.setattr(estimates_module, "estimate_cost", counting)
    return calls


def test_the_same_operation_and_variables_are_estimated_once(computed: list[dict[str, Any]]) -> None:
    estimates = CostEstimates()
    variables = {"n": 3, "more": True}
    first = estimates.estimate(LIBRARY, SHELF, variables, 10)
    again = estimates.estimate(LIBRARY, SHELF, dict(variables), 10)
    assert first == again == estimate_cost(LIBRARY, SHELF, variables, 10) == 3 * (1 + 1)
    assert computed == [variables]


@pytest.mark.parametrize(
    "variables",
    [{"n": 3, "more": True}, {"n": 4, "more": True}, {"n": 3, "more": False}, {"n": None, "more": True}],
)
def test_every_variable_is_part_of_the_key(variables: dict[str, Any]) -> None:
    estimates = CostEstimates()
    estimates.estimate(LIBRARY, SHELF, {"n": 7, "more": False}, 10)
    assert estimates.estimate(LIBRARY, SHELF, variables, 10) == estimate_cost(LIBRARY, SHELF, variables, 10)


def test_another_operation_or_default_list_size_is_estimated_again(computed: list[dict[str, Any]]) -> None:
    estimates = CostEstimates()
    books = operation(LIBRARY, "{ books { id } }")
    same_text = operation(LIBRARY, "{ books { id } }")
    assert estimates.estimate(LIBRARY, books, {}, 10) == 10
    assert estimates.estimate(LIBRARY, books, {}, 4) == 4
    assert estimates.estimate(LIBRARY, same_text, {}, 4) == 4
    assert len(computed) == 3


def test_a_failed_estimate_raises_every_time() -> None:
    strict = operation(LIBRARY, "{ strictShelf(first: 1, last: 2) { id } }")
    estimates = CostEstimates()
    for _ in range(2):
        with pytest.raises(CostEstimationFailed):
            estimates.estimate(LIBRARY, strict, {}, 10)
    assert len(estimates) == 0


def test_unhashable_variables_are_estimated_without_the_cache(computed: list[dict[str, Any]]) -> None:
    estimates = CostEstimates()
    unhashable = {"n": 2, "more": True, "custom": [{1, 2}]}  # a custom scalar's value, say
    estimates.estimate(LIBRARY, SHELF, unhashable, 10)
    estimates.estimate(LIBRARY, SHELF, unhashable, 10)
    assert len(computed) == 2
    assert len(estimates) == 0


def test_frozen_variables_keep_values_of_other_types_apart() -> None:
    assert frozen_variables({"n": 1}) != frozen_variables({"n": True})
    assert frozen_variables({"n": 1}) != frozen_variables({"n": 1.0})
    assert frozen_variables({"a": [1, {"b": "c"}]}) == frozen_variables({"a": [1, {"b": "c"}]})
    assert frozen_variables({"a": 1, "b": 2}) == frozen_variables({"b": 2, "a": 1})
    assert frozen_variables({"a": [1]}) != frozen_variables({"a": {"0": 1}})
    assert frozen_variables({"a": {1, 2}}) is None


def test_the_capacity_bounds_the_cache() -> None:
    estimates = CostEstimates(capacity=2)
    for n in range(5):
        estimates.estimate(LIBRARY, SHELF, {"n": n, "more": False}, 10)
    assert len(estimates) == 2


SHELF_DATA = {"shelf": [{"id": str(n), "author": {"name": "Ann"}} for n in range(3)]}


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The selection sets the actual-cost measure compiled (not found among the kept layouts)."""
    calls: list[object] = []
    compile_layout = _Measure._compile

    def counting(measure: _Measure, *args: Any) -> Any:
        calls.append(args[2])
        return compile_layout(measure, *args)

    monkeypatch.setattr(_Measure, "_compile", counting)
    return calls


def test_a_repeated_operation_and_variables_are_measured_without_compiling_again(
    compiled: list[object],
) -> None:
    estimates = CostEstimates()
    variables = {"n": 3, "more": True}
    first = estimates.measure(LIBRARY, SHELF, variables, SHELF_DATA)
    compiled_once = len(compiled)
    again = estimates.measure(LIBRARY, SHELF, dict(variables), SHELF_DATA)
    assert (first, again, len(compiled)) == (
        actual_cost(LIBRARY, SHELF, variables, SHELF_DATA),
        first,
        compiled_once,
    )


@pytest.mark.parametrize("more", [True, False])
def test_layouts_kept_for_some_variables_are_not_used_for_others(more: bool) -> None:
    estimates = CostEstimates()
    estimates.measure(LIBRARY, SHELF, {"n": 3, "more": not more}, SHELF_DATA)
    variables = {"n": 3, "more": more}
    assert estimates.measure(LIBRARY, SHELF, variables, SHELF_DATA) == actual_cost(
        LIBRARY, SHELF, variables, SHELF_DATA
    )


def test_a_kept_layout_is_used_only_for_the_selections_it_was_compiled_from() -> None:
    """A key whose selections' id now belongs to another tuple (the first was freed) is compiled again."""
    variables = {"n": 3, "more": True}
    stale: MeasureLayouts = {(id(SHELF.selections), "Query", "Query", 0): ((), ())}
    assert actual_cost(LIBRARY, SHELF, variables, SHELF_DATA, stale) == actual_cost(
        LIBRARY, SHELF, variables, SHELF_DATA
    )


def test_layouts_past_the_limit_are_dropped_and_compiled_again(
    compiled: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(estimates_module, "MAX_KEPT_LAYOUTS", 0)
    estimates = CostEstimates()
    estimates.measure(LIBRARY, SHELF, {}, SHELF_DATA)
    compiled_once = len(compiled)
    estimates.measure(LIBRARY, SHELF, {}, SHELF_DATA)
    assert len(compiled) == 2 * compiled_once > 0
