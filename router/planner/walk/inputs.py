"""Keep the inputs of entity fetches apart when one field is required with different arguments.

A representation carries each required field under its name (`price`), whatever alias fetched it. Two
`@requires` of `price(currency: "USD")` and `price(currency: "EUR")` therefore need two response keys in
the fetch that provides them (`price` and `price__alias_0`), and two representations: an entity fetch
whose inputs would carry `price` twice is split into one fetch per argument set.
"""

from __future__ import annotations

from router.plan.selection import Field, InlineFragment, Selection, print_arguments


def _head(field: Field) -> str:
    return field.name + print_arguments(field.arguments)


class InputKeys:
    """Which field (name and arguments) owns each response key the plan adds, per response path."""

    def __init__(self) -> None:
        self.owners: dict[tuple[tuple[str, ...], str], str] = {}

    def apart(self, path: tuple[str, ...], inputs: tuple[Selection, ...]) -> tuple[Selection, ...]:
        """The inputs, each field (at any depth) aliased away from a response key that a field with other
        arguments owns at its path."""
        result: list[Selection] = []
        for selection in inputs:
            if isinstance(selection, Field) and selection.name != "__typename":
                selection = self._claim(path, selection)
            result.append(selection)
        return tuple(result)

    def _claim(self, path: tuple[str, ...], field: Field) -> Field:
        """The field under a response key it owns at `path`, its sub-selection claimed below that key."""
        head = _head(field)
        key = field.response_key
        if self.owners.setdefault((path, key), head) != head:
            index = 0
            while self.owners.setdefault((path, f"{field.name}__alias_{index}"), head) != head:
                index += 1
            key = f"{field.name}__alias_{index}"
        selections = self.apart((*path, key), field.selections) if field.selections else ()
        return Field(
            name=field.name,
            alias=None if key == field.name else key,
            arguments=field.arguments,
            directives=field.directives,
            selections=selections,
        )


def _fields(selections: tuple[Selection, ...]) -> list[Field]:
    """The fields of one object level, fragments looked through (they may all apply to one object)."""
    fields: list[Field] = []
    for selection in selections:
        if isinstance(selection, InlineFragment):
            fields.extend(_fields(selection.selections))
        else:
            fields.append(selection)
    return fields


def inputs_conflict(first: tuple[Selection, ...], second: tuple[Selection, ...]) -> bool:
    """Whether one representation cannot carry both: a field required with two argument sets."""
    by_name: dict[str, list[Field]] = {}
    for field in _fields(first):
        by_name.setdefault(field.name, []).append(field)
    for field in _fields(second):
        for other in by_name.get(field.name, ()):
            if _head(other) != _head(field):
                return True
            if other.selections and field.selections and inputs_conflict(other.selections, field.selections):
                return True
    return False
