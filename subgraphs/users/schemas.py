"""What each users use case accepts, checked once: registration, sign-in, a password change, an update.

Resolvers build these with `parse_input` from the client's input; services take them. A rule that breaks
raises `BadUserInputError` naming the field as the client spells it (`firstName`). Checks that need the
database or the caller (the password against the account's name, who may change a role) stay in the
services, so an unauthorised caller is still refused before its input is judged there.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from subgraphs.common.errors import BadUserInputError
from subgraphs.users.models import UserRole
from subgraphs.users.passwords import check_password

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")


def normalize_email(value: Any) -> str:
    """An email trimmed and lower-cased, so one address is one account whatever its case."""
    email = str(value or "").strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise BadUserInputError("email is not a valid email address.", field="email")
    return email


def person_name(value: Any, field: str) -> str:
    """A first or last name, trimmed: 1 to 100 characters."""
    name = str(value or "").strip()
    if not name or len(name) > 100:
        raise BadUserInputError(f"{field} must be 1 to 100 characters.", field=field)
    return name


def phone_number(value: Any) -> str | None:
    """A phone number, trimmed; blank means none."""
    if value is None or not str(value).strip():
        return None
    phone = str(value).strip()
    if not PHONE_PATTERN.match(phone):
        raise BadUserInputError("phone must be a phone number such as +44 20 7946 0958.", field="phone")
    return phone


class PersonDetails(BaseModel):
    """The rules for an account's details, for each model that declares them (registration, update);
    a model's fields are checked in the order it declares them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("email", mode="before", check_fields=False)
    @classmethod
    def _email(cls, value: Any) -> str:
        return normalize_email(value)

    @field_validator("first_name", mode="before", check_fields=False)
    @classmethod
    def _first_name(cls, value: Any) -> str:
        return person_name(value, "firstName")

    @field_validator("last_name", mode="before", check_fields=False)
    @classmethod
    def _last_name(cls, value: Any) -> str:
        return person_name(value, "lastName")

    @field_validator("phone", mode="before", check_fields=False)
    @classmethod
    def _phone(cls, value: Any) -> str | None:
        return phone_number(value)


class UserRegistration(PersonDetails):
    """A new customer account. Fields are checked in this order, the password against the (clean)
    email and names before it."""

    email: str
    first_name: str
    last_name: str
    password: str
    phone: str | None = None

    @field_validator("password")
    @classmethod
    def _password(cls, value: str, info: ValidationInfo) -> str:
        check_password(
            value,
            email=info.data.get("email", ""),
            first_name=info.data.get("first_name", ""),
            last_name=info.data.get("last_name", ""),
        )
        return value


class UserUpdate(PersonDetails):
    """The details to change; only the fields given (`given(update)`) change, a null one is cleared.

    `role` is taken as given, null included: whether the caller may change it, and that it cannot be
    null, is for the service to say after it checked who is asking."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    role: UserRole | None = None


class Credentials(BaseModel):
    """An email and password to sign in with. The email is only normalised, never refused: an address
    that cannot exist gets the same answer as a wrong password."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str
    password: str

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str:
        return str(value or "").strip().lower()


class PasswordChange(BaseModel):
    """The current password and the new one; the new one is checked against the account's email and
    name by the service, which knows them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    current_password: str
    new_password: str
