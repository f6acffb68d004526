"""Registering and signing in people through the users subgraph's API, as a storefront would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.graphql import GraphQLClient, GraphQLResponse

BOOTSTRAP_ADMIN = ("root@gocart.test", "a very long admin passphrase")
PASSWORD = "correct horse battery staple"

REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { id email firstName lastName phone role } }
"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    accessToken refreshToken tokenType expiresIn user { id email role }
  }
}
"""


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str


class Accounts:
    """Registers and signs in people through the API, as a storefront would."""

    def __init__(self, gql: GraphQLClient) -> None:
        self.gql = gql

    async def register(self, email: str, password: str = PASSWORD, **names: Any) -> dict[str, Any]:
        variables = {
            "input": {
                "email": email,
                "password": password,
                "firstName": "Ada",
                "lastName": "Lovelace",
                **names,
            }
        }
        user: dict[str, Any] = (await self.gql.execute(REGISTER, variables)).ok()["register"]
        return user

    async def login(self, email: str, password: str = PASSWORD) -> GraphQLResponse:
        return await self.gql.execute(LOGIN, {"email": email, "password": password})

    async def signed_in(self, email: str, password: str = PASSWORD, **names: Any) -> Account:
        user = await self.register(email, password, **names)
        payload = (await self.login(email, password)).ok()["login"]
        return Account(user["id"], email, password, payload["accessToken"], payload["refreshToken"])

    async def admin(self) -> Account:
        payload = (await self.login(*BOOTSTRAP_ADMIN)).ok()["login"]
        return Account(
            payload["user"]["id"],
            BOOTSTRAP_ADMIN[0],
            BOOTSTRAP_ADMIN[1],
            payload["accessToken"],
            payload["refreshToken"],
        )
