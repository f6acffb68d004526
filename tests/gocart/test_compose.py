"""The checked-in supergraph is what Apollo's composition makes of the subgraphs' SDL today."""

from __future__ import annotations

import pytest

from gocart.cli import SUBGRAPHS
from gocart.compose import SUPERGRAPH, Composition, accepted_hints, compose

pytestmark = pytest.mark.slow  # runs Apollo's composition


@pytest.fixture(scope="module")
def composition() -> Composition:
    return compose([subgraph.source() for subgraph in SUBGRAPHS.values()])


def test_composition_reports_no_error(composition: Composition) -> None:
    assert composition.errors == []


def test_composition_reports_no_hint_we_have_not_accepted(composition: Composition) -> None:
    assert composition.unaccepted_hints(accepted_hints()) == []


def test_checked_in_supergraph_is_current(composition: Composition) -> None:
    assert composition.supergraph_sdl is not None
    assert SUPERGRAPH.read_text() == composition.supergraph_sdl.rstrip() + "\n", (
        "schema/supergraph.graphql is out of date: run `gocart compose`"
    )


def test_internal_operations_stay_out_of_the_api(composition: Composition) -> None:
    assert composition.supergraph_sdl is not None
    reserve = next(line for line in composition.supergraph_sdl.splitlines() if "reserveStock(" in line)
    assert "@inaccessible" in reserve
