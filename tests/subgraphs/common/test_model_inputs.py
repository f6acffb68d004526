"""Pydantic models built from Strawberry inputs: not given stays apart from null, errors are BAD_USER_INPUT."""

from __future__ import annotations

import pytest
import strawberry
from pydantic import BaseModel, Field, field_validator

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.model_inputs import given, parse_input


@strawberry.input
class RenameInput:
    display_name: str | None = strawberry.UNSET
    image_url: str | None = strawberry.UNSET


class Rename(BaseModel):
    display_name: str | None = Field(default=None, max_length=10)
    image_url: str | None = None

    @field_validator("display_name")
    @classmethod
    def not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise BadUserInputError("displayName must not be blank.", field="displayName")
        return value


def test_fields_not_sent_are_not_given() -> None:
    model = parse_input(Rename, RenameInput(display_name="Ada"))

    assert given(model) == {"display_name": "Ada"}


def test_a_null_sent_is_given_as_none() -> None:
    model = parse_input(Rename, RenameInput(image_url=None))

    assert given(model) == {"image_url": None}


def test_resolver_values_join_the_input_and_unset_ones_are_left_out() -> None:
    model = parse_input(Rename, None, display_name="Bo", image_url=strawberry.UNSET)

    assert given(model) == {"display_name": "Bo"}


def test_a_pydantic_check_is_bad_user_input_naming_the_graphql_field() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(Rename, RenameInput(display_name="x" * 11))

    assert raised.value.extensions["code"] == "BAD_USER_INPUT"
    assert raised.value.extensions["field"] == "displayName"
    assert raised.value.message.startswith("displayName: ")


def test_a_validator_raising_the_domain_error_reaches_the_caller_as_it_is() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(Rename, RenameInput(display_name="   "))

    assert raised.value.message == "displayName must not be blank."
    assert raised.value.extensions["field"] == "displayName"


def test_a_source_that_is_not_an_input_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_input(Rename, object())
