"""The progressive-override labels in force for one request.

Each `percent(x)` label of the supergraph is drawn once per request (in force x% of the time), so every
operation of a batch, and every field carrying that label, sees the same outcome. Custom labels are in
force when the settings enable them for everyone, or when the request's header names them and the
settings let the header enable them: a header alone can turn on nothing.
"""

from __future__ import annotations

import random

from router.config import ProgressiveOverrideSettings
from router.overrides.labels import percent_of


class LabelDraw:
    """Chooses the active labels of each request among those of one supergraph.

    `chance` is the random source of the percentage draws, seeded from the settings when they give a
    seed; a request may bring its own (`active(..., chance=...)`) for reproducible tests.
    """

    def __init__(
        self,
        labels: frozenset[str],
        settings: ProgressiveOverrideSettings,
        chance: random.Random | None = None,
    ) -> None:
        self.percentages = {
            label: percent for label in sorted(labels) if (percent := percent_of(label)) is not None
        }
        self.always = frozenset(settings.enabled_labels) & labels
        self.header = settings.header
        self.header_may_enable = frozenset(settings.header_labels) & labels
        self.chance = chance or random.Random(settings.seed)  # noqa: S311  (a traffic split, not a secret)

    def active(self, header_value: str | None, chance: random.Random | None = None) -> frozenset[str]:
        """The labels in force for a request whose override header is `header_value` (None: absent)."""
        if not self.percentages and not self.always and not self.header_may_enable:
            return frozenset()  # nothing to draw or enable: the common case costs nothing
        source = chance or self.chance
        drawn = {label for label, percent in self.percentages.items() if source.random() * 100 < percent}
        asked = {label.strip() for label in (header_value or "").split(",")} & self.header_may_enable
        return frozenset(drawn) | self.always | asked
