"""Building a use case's Pydantic model from a Strawberry input, keeping "not given" apart from null.

Each subgraph describes what a use case accepts as a Pydantic model family (`ProductCreate`,
`ProductUpdate`, ...): the checks live on the model, once, whichever resolver or task builds it. A
client's Strawberry input leaves out what it did not send as `UNSET`; `parse_input` drops those, so the
model's `model_fields_set` (and `given(model)`) holds exactly what the client sent, a `null` included
(an update then clears that field), while a field not sent keeps its value.

A model's validators raise the domain's `BadUserInputError(field=...)` for a rule of its own; Pydantic's
own checks (a type, a length) are reported the same way: BAD_USER_INPUT naming the GraphQL field.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.utils.str_converters import to_camel_case

from subgraphs.common.errors import BadUserInputError

ModelT = TypeVar("ModelT", bound=BaseModel)


def sent_values(source: object) -> dict[str, Any]:
    """The fields of a Strawberry input (a dataclass) the client sent, by attribute name."""
    if not dataclasses.is_dataclass(source) or isinstance(source, type):
        raise TypeError(f"{type(source).__name__} is not a Strawberry input")
    values: dict[str, Any] = {}
    for field in dataclasses.fields(source):
        value = getattr(source, field.name)
        if value is not strawberry.UNSET:
            values[field.name] = value
    return values


def parse_input(model: type[ModelT], source: object | None = None, /, **values: Any) -> ModelT:
    """`model` from what the client sent in `source` and the resolver's own `values` (an id taken
    from an argument, say); UNSET anywhere means "not given". Invalid input is BAD_USER_INPUT."""
    given = sent_values(source) if source is not None else {}
    given.update({name: value for name, value in values.items() if value is not strawberry.UNSET})
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise bad_user_input(error) from error


def given(model: BaseModel) -> dict[str, Any]:
    """The fields a client gave (null ones included), for an update that changes only those."""
    return {name: getattr(model, name) for name in model.model_fields_set}


def bad_user_input(error: ValidationError) -> BadUserInputError:
    """Pydantic's first complaint as BAD_USER_INPUT, naming the field as the client spells it."""
    first = error.errors(include_url=False)[0]
    location = [str(part) for part in first["loc"] if isinstance(part, str)]
    field = to_camel_case(location[0]) if location else None
    message = str(first["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    text = f"{field}: {message}." if field else f"{message}."
    return BadUserInputError(text, field=field) if field else BadUserInputError(text)
