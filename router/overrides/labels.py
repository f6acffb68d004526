"""The two kinds of progressive-override labels, and the labels that can change one operation's plan.

Federation allows `percent(x)` (x from 0 to 100, up to 8 decimals) and custom labels matching
`CUSTOM_LABEL` (`syntax.py`); composition rejects anything else.
"""

from __future__ import annotations

import re

from router.plan.operation import Operation
from router.plan.selection import Field, Selection
from router.planner.normalize import parse_field_set
from router.supergraph.model import Supergraph

_PERCENT_LABEL = re.compile(r"percent\((\d{1,2}(?:\.\d{1,8})?|100(?:\.0{1,8})?)\)")


def percent_of(label: str) -> float | None:
    """The percentage of a `percent(x)` label; None for a custom label."""
    matched = _PERCENT_LABEL.fullmatch(label)
    return float(matched.group(1)) if matched else None


class OperationLabels:
    """Which of a supergraph's labels can change the plan of an operation.

    A label counts when it sits on a field of a type the operation reaches (the types of its
    selections, every possible type of an abstract one, and the types the `@requires` of their fields
    select): the planner only picks subgraphs for fields of those types, keys included. Two label sets
    that agree on these get the same plan, so plans are cached per operation and this subset, not per
    whole draw.
    """

    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.by_type = supergraph.override_labels()
        self.all = frozenset[str]().union(*self.by_type.values())

    def of(self, operation: Operation) -> frozenset[str]:
        if not self.all:
            return frozenset()
        reached: set[str] = set()
        self._reach(operation.root_type, operation.selections, reached)
        return frozenset[str]().union(*(self.by_type.get(name, frozenset()) for name in reached))

    def _reach(self, type_name: str, selections: tuple[Selection, ...], reached: set[str]) -> None:
        types = (type_name, *self.supergraph.possible_types.get(type_name, ()))
        for name in types:
            if name not in reached:
                reached.add(name)
                self._reach_requirements(name, reached)
        for selection in selections:
            if not isinstance(selection, Field):
                self._reach(selection.type_condition or type_name, selection.selections, reached)
                continue
            if not selection.selections:
                continue
            for owner in types:
                fdef = self.supergraph.types[owner].fields.get(selection.name)
                if fdef is not None:
                    self._reach(fdef.type_name, selection.selections, reached)
                    break

    def _reach_requirements(self, type_name: str, reached: set[str]) -> None:
        """The types that the `@requires` of a reached type's fields select, which planning reaches."""
        tdef = self.supergraph.types.get(type_name)
        for fdef in tdef.fields.values() if tdef is not None else ():
            for join in fdef.joins:
                if join.requires:
                    self._reach(type_name, parse_field_set(join.requires), reached)
