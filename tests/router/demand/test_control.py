"""The budget an operation's estimate is held to: the signed-in caller's, or the anonymous one's."""

from __future__ import annotations

import pytest

from router.config import DemandControlSettings
from router.demand import CostEstimatedTooExpensive, CostEstimates, budget_for, enforce_budget
from router.metrics import RouterMetrics
from tests.router.demand.library import LIBRARY, operation

SETTINGS = DemandControlSettings(max_cost_anonymous=3, max_cost_authenticated=5, default_list_size=4)
FOUR_BOOKS = operation(LIBRARY, "{ books { id } }")


def test_an_anonymous_caller_has_the_anonymous_budget() -> None:
    assert budget_for(SETTINGS, None) == 3


def test_a_caller_with_a_token_subject_has_the_authenticated_budget() -> None:
    assert budget_for(SETTINGS, "u1") == 5


def test_over_the_budget_is_refused_with_the_estimate_and_the_budget() -> None:
    with pytest.raises(CostEstimatedTooExpensive) as refused:
        enforce_budget(SETTINGS, RouterMetrics(), LIBRARY, FOUR_BOOKS, {}, None, CostEstimates())
    assert (refused.value.code, refused.value.status_code) == ("COST_ESTIMATED_TOO_EXPENSIVE", 400)
    assert "estimated cost is 4, over the budget of 3" in refused.value.messages[0]


def test_within_the_budget_the_estimate_is_returned() -> None:
    assert enforce_budget(SETTINGS, RouterMetrics(), LIBRARY, FOUR_BOOKS, {}, "u1", CostEstimates()) == 4


def test_no_estimate_when_demand_control_is_off() -> None:
    off = SETTINGS.model_copy(update={"enabled": False})
    assert enforce_budget(off, RouterMetrics(), LIBRARY, FOUR_BOOKS, {}, None, CostEstimates()) is None
