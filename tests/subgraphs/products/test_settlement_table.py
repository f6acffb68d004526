"""The settlements' table: every status a reservation can have has an answer in every settlement."""

from __future__ import annotations

import pytest

from subgraphs.products.models import ReservationStatus
from subgraphs.products.services.settlement import COMMIT, RELEASE, RETURN, Answer, Settlement

CLIENT_SETTLEMENTS = {"release": RELEASE, "return": RETURN, "commit": COMMIT}


@pytest.mark.parametrize("settlement", CLIENT_SETTLEMENTS.values(), ids=CLIENT_SETTLEMENTS.keys())
def test_every_status_has_an_answer(settlement: Settlement) -> None:
    assert set(settlement.answers) == set(ReservationStatus)


@pytest.mark.parametrize("settlement", CLIENT_SETTLEMENTS.values(), ids=CLIENT_SETTLEMENTS.keys())
def test_a_settled_reservation_answers_without_moving_stock(settlement: Settlement) -> None:
    assert settlement.answers[settlement.reaches] in (Answer.DONE, Answer.AS_IT_IS)


def test_only_a_return_hands_over_to_a_release() -> None:
    handing_over = [
        name
        for name, settlement in CLIENT_SETTLEMENTS.items()
        if Answer.RELEASE in settlement.answers.values()
    ]
    assert handing_over == ["return"]


def test_a_release_never_hands_over() -> None:
    assert RELEASE.when_unknown is not Answer.RELEASE
