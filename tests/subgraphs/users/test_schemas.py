"""What the users use cases accept (`subgraphs/users/schemas.py`), built from the GraphQL inputs."""

from __future__ import annotations

import pytest

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.model_inputs import given, parse_input
from subgraphs.users.inputs import LoginInput, RegisterInput, UpdateUserInput
from subgraphs.users.models import UserRole
from subgraphs.users.schemas import Credentials, PasswordChange, UserRegistration, UserUpdate

GOOD_PASSWORD = "correct horse battery staple"


def registration(**changes: str | None) -> RegisterInput:
    fields: dict[str, str | None] = {
        "email": "Ada@Example.com ",
        "password": GOOD_PASSWORD,
        "first_name": " Ada ",
        "last_name": "Lovelace",
        "phone": None,
    }
    fields.update(changes)
    return RegisterInput(**fields)  # type: ignore[arg-type]


def refusal(model: type[UserRegistration | UserUpdate], source: object) -> BadUserInputError:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(model, source)
    return raised.value


def test_a_registration_is_trimmed_and_its_email_lower_cased() -> None:
    parsed = parse_input(UserRegistration, registration(phone=" +44 20 7946 0958 "))

    assert (parsed.email, parsed.first_name, parsed.phone) == ("ada@example.com", "Ada", "+44 20 7946 0958")


def test_a_blank_phone_is_no_phone() -> None:
    assert parse_input(UserRegistration, registration(phone="  ")).phone is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "email is not a valid email address."),
        ("first_name", " ", "firstName must be 1 to 100 characters."),
        ("last_name", "x" * 101, "lastName must be 1 to 100 characters."),
        ("phone", "call me", "phone must be a phone number such as +44 20 7946 0958."),
    ],
)
def test_bad_details_name_the_field_as_the_client_spells_it(field: str, value: str, message: str) -> None:
    error = refusal(UserRegistration, registration(**{field: value}))

    assert (error.message, error.extensions["code"]) == (message, "BAD_USER_INPUT")


def test_a_password_containing_the_name_is_refused_against_the_cleaned_name() -> None:
    error = refusal(UserRegistration, registration(first_name="  Augusta ", password="augusta-rules-ok"))

    assert error.extensions["field"] == "password"
    assert error.message == "The password must not contain your email or name."


def test_the_email_is_judged_before_the_password() -> None:
    error = refusal(UserRegistration, registration(email="nope", password="short"))

    assert error.extensions["field"] == "email"


def test_an_update_gives_only_the_fields_sent_a_null_phone_included() -> None:
    update = parse_input(UserUpdate, UpdateUserInput(first_name=" Augusta ", phone=None))

    assert given(update) == {"first_name": "Augusta", "phone": None}


def test_an_update_refuses_a_null_name_or_email() -> None:
    assert refusal(UserUpdate, UpdateUserInput(first_name=None)).extensions["field"] == "firstName"
    assert refusal(UserUpdate, UpdateUserInput(email=None)).extensions["field"] == "email"


def test_an_update_leaves_the_role_to_the_service_null_included() -> None:
    assert given(parse_input(UserUpdate, UpdateUserInput(role=None))) == {"role": None}
    assert given(parse_input(UserUpdate, UpdateUserInput(role=UserRole.ADMIN))) == {"role": UserRole.ADMIN}


def test_a_sign_in_email_is_normalised_but_never_refused() -> None:
    credentials = parse_input(Credentials, LoginInput(email=" Not An Email ", password="whatever"))

    assert credentials.email == "not an email"


def test_a_password_change_takes_the_arguments_as_given() -> None:
    change = parse_input(PasswordChange, current_password="old one", new_password="new one")

    assert (change.current_password, change.new_password) == ("old one", "new one")
