"""Accounts: registering, reading, changing and deleting them, and who may see or do what."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.users.builders import PASSWORD, REGISTER, Accounts
from tests.support.graphql import GraphQLClient

ME = "{ me { id email firstName role } }"
USER = "query($id: ID!) { user(id: $id) { id email phone role firstName deleted } }"
UPDATE = "mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id email firstName phone role } }"
DELETE = "mutation($id: ID!) { deleteUser(id: $id) { id deleted } }"
USERS = """
query($filter: UserFilter, $first: Int, $after: String) {
  users(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { email } } pageInfo { hasNextPage endCursor }
  }
}
"""
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id firstName email phone role deleted } } }"


def registration(**overrides: object) -> dict[str, object]:
    return {
        "input": {
            "email": "ada@example.com",
            "password": PASSWORD,
            "firstName": "Ada",
            "lastName": "Lovelace",
            **overrides,
        }
    }


async def test_register_creates_a_customer_and_shows_the_owner_their_details(gql: GraphQLClient) -> None:
    user = (
        await gql.execute(REGISTER, registration(email=" Ada@Example.COM ", phone="+44 20 7946 0958"))
    ).ok()["register"]
    assert (user["email"], user["role"], user["phone"]) == ("ada@example.com", "CUSTOMER", "+44 20 7946 0958")


async def test_an_email_is_taken_whatever_its_case(gql: GraphQLClient, accounts: Accounts) -> None:
    await accounts.register("ada@example.com")
    result = await gql.execute(REGISTER, registration(email="ADA@example.com"))
    assert result.codes == ["CONFLICT"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "at least 10"),
        ("x" * 129, "at most 128"),
        ("password123", "too easy"),
        ("aaaaaaaaaaaa", "too easy"),
        ("ada-lovelace-rules", "email or name"),
    ],
)
async def test_weak_or_over_long_passwords_are_refused(
    gql: GraphQLClient, password: str, reason: str
) -> None:
    result = await gql.execute(REGISTER, registration(email="ada.lovelace@example.com", password=password))
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "password"
    assert reason in result.errors[0]["message"]


@pytest.mark.parametrize(
    ("field", "value"), [("email", "not-an-email"), ("firstName", " "), ("phone", "call me")]
)
async def test_bad_details_are_refused_with_the_field(gql: GraphQLClient, field: str, value: str) -> None:
    result = await gql.execute(REGISTER, registration(**{field: value}))
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field


async def test_me_is_null_for_nobody(gql: GraphQLClient) -> None:
    assert (await gql.execute(ME)).ok() == {"me": None}


async def test_me_is_the_signed_in_account(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    me = (await gql.execute(ME, token=ada.access_token)).ok()["me"]
    assert (me["id"], me["email"], me["role"]) == (ada.id, "ada@example.com", "CUSTOMER")


async def test_me_with_a_bad_token_is_unauthenticated(gql: GraphQLClient) -> None:
    assert (await gql.execute(ME, token="garbage")).codes == ["UNAUTHENTICATED"]


async def test_user_is_visible_to_its_owner_and_admins_only(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    bob = await accounts.signed_in("bob@example.com")
    admin = await accounts.admin()

    own = await gql.execute(USER, {"id": ada.id}, token=ada.access_token)
    other = await gql.execute(USER, {"id": ada.id}, token=bob.access_token)
    by_admin = await gql.execute(USER, {"id": ada.id}, token=admin.access_token)
    anonymous = await gql.execute(USER, {"id": ada.id})

    assert own.ok()["user"]["email"] == by_admin.ok()["user"]["email"] == "ada@example.com"
    assert (other.codes, anonymous.codes) == (["FORBIDDEN"], ["UNAUTHENTICATED"])


async def test_an_unknown_user_is_null_for_an_admin(gql: GraphQLClient, accounts: Accounts) -> None:
    admin = await accounts.admin()
    assert (await gql.execute(USER, {"id": str(uuid.uuid4())}, token=admin.access_token)).ok() == {
        "user": None
    }


async def test_private_fields_are_hidden_when_reached_through_another_subgraph(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com", phone="+1 555 0100")
    bob = await accounts.signed_in("bob@example.com")
    representations = {"r": [{"__typename": "User", "id": ada.id}]}

    as_bob = (await gql.execute(ENTITIES, representations, token=bob.access_token)).ok()["_entities"][0]
    as_ada = (await gql.execute(ENTITIES, representations, token=ada.access_token)).ok()["_entities"][0]

    assert as_bob == {
        "id": ada.id,
        "firstName": "Ada",
        "email": None,
        "phone": None,
        "role": None,
        "deleted": False,
    }
    assert (as_ada["email"], as_ada["phone"], as_ada["role"]) == (
        "ada@example.com",
        "+1 555 0100",
        "CUSTOMER",
    )


async def test_admins_list_and_search_accounts(gql: GraphQLClient, accounts: Accounts) -> None:
    admin = await accounts.admin()
    await accounts.register("ada@example.com")
    await accounts.register("grace@example.com", firstName="Grace", lastName="Hopper")

    by_name = (await gql.execute(USERS, {"filter": {"search": "hopper"}}, token=admin.access_token)).ok()[
        "users"
    ]
    customers = (
        await gql.execute(USERS, {"filter": {"role": "CUSTOMER"}, "first": 1}, token=admin.access_token)
    ).ok()["users"]
    rest = (
        await gql.execute(
            USERS,
            {"filter": {"role": "CUSTOMER"}, "after": customers["pageInfo"]["endCursor"]},
            token=admin.access_token,
        )
    ).ok()["users"]

    assert [e["node"]["email"] for e in by_name["edges"]] == ["grace@example.com"]
    assert customers["totalCount"] == 2
    assert [e["node"]["email"] for e in customers["edges"] + rest["edges"]] == [
        "grace@example.com",
        "ada@example.com",
    ]


async def test_customers_cannot_list_accounts(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    assert (await gql.execute(USERS, token=ada.access_token)).codes == ["FORBIDDEN"]
    assert (await gql.execute(USERS)).codes == ["UNAUTHENTICATED"]


async def test_owners_update_their_details(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    result = await gql.execute(
        UPDATE, {"id": ada.id, "input": {"firstName": "Augusta", "phone": None}}, token=ada.access_token
    )
    assert result.ok()["updateUser"]["firstName"] == "Augusta"


async def test_customers_cannot_change_a_role(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    result = await gql.execute(UPDATE, {"id": ada.id, "input": {"role": "ADMIN"}}, token=ada.access_token)
    assert result.codes == ["FORBIDDEN"]


async def test_customers_cannot_update_someone_else(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    bob = await accounts.signed_in("bob@example.com")
    result = await gql.execute(
        UPDATE, {"id": ada.id, "input": {"firstName": "Mallory"}}, token=bob.access_token
    )
    assert result.codes == ["FORBIDDEN"]


async def test_an_admin_changing_a_role_ends_that_accounts_sessions(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com")
    admin = await accounts.admin()

    result = await gql.execute(UPDATE, {"id": ada.id, "input": {"role": "ADMIN"}}, token=admin.access_token)

    assert result.ok()["updateUser"]["role"] == "ADMIN"
    assert (await gql.execute(ME, token=ada.access_token)).codes == ["UNAUTHENTICATED"]
    promoted = (await accounts.login("ada@example.com")).ok()["login"]
    assert promoted["user"]["role"] == "ADMIN"


async def test_changing_to_a_taken_email_is_a_conflict(gql: GraphQLClient, accounts: Accounts) -> None:
    await accounts.register("bob@example.com")
    ada = await accounts.signed_in("ada@example.com")
    result = await gql.execute(
        UPDATE, {"id": ada.id, "input": {"email": "BOB@example.com"}}, token=ada.access_token
    )
    assert result.codes == ["CONFLICT"]


async def test_the_last_admin_can_be_neither_demoted_nor_deleted(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    admin = await accounts.admin()

    demoted = await gql.execute(
        UPDATE, {"id": admin.id, "input": {"role": "CUSTOMER"}}, token=admin.access_token
    )
    deleted = await gql.execute(DELETE, {"id": admin.id}, token=admin.access_token)

    assert (demoted.codes, deleted.codes) == (["CONFLICT"], ["CONFLICT"])


async def test_deleting_an_account_frees_its_email_and_keeps_it_resolvable(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com")

    deleted = (await gql.execute(DELETE, {"id": ada.id}, token=ada.access_token)).ok()["deleteUser"]
    again = await accounts.register("ada@example.com")
    entity = (await gql.execute(ENTITIES, {"r": [{"__typename": "User", "id": ada.id}]})).ok()["_entities"][0]

    assert deleted == {"id": ada.id, "deleted": True}
    assert again["id"] != ada.id
    assert (entity["firstName"], entity["deleted"]) == ("Ada", True)
    assert (await gql.execute(ME, token=ada.access_token)).codes == ["UNAUTHENTICATED"]


async def test_customers_cannot_delete_someone_else(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    bob = await accounts.signed_in("bob@example.com")
    assert (await gql.execute(DELETE, {"id": ada.id}, token=bob.access_token)).codes == ["FORBIDDEN"]


async def test_an_admin_deletes_an_account(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    admin = await accounts.admin()
    assert (await gql.execute(DELETE, {"id": ada.id}, token=admin.access_token)).ok()["deleteUser"][
        "deleted"
    ] is True
    assert (await accounts.login("ada@example.com")).codes == ["UNAUTHENTICATED"]
