"""Plan data for `@fromContext` arguments: where the executor reads each contextual variable's value.

Kept apart from the planning algorithm (`context.py`) so the executor imports plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.plan.selection import Selection


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextRewrite:
    """Set `variable` (a `type_ref`) per entity from its ancestor at `ancestor_depth` segments of the
    Flatten path: the value `selection` (fields, maybe under `... on T`) reaches in that ancestor.

    Apollo's plans say the same with a path of `..` steps and `... on T` conditions; the ancestor is
    named here by depth because the executor already knows each entity's full response path.
    """

    variable: str
    type_ref: str
    ancestor_depth: int
    selection: tuple[Selection, ...]
