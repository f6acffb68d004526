"""The users subgraph's keys: the JWKS it publishes, and a rotation of its key folder taking effect
without a restart (files read again when they change, a half-written file never taken)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from gocart.keys import KeyFolder
from subgraphs.common.signing import SigningKey
from subgraphs.users.config import UsersSettings
from subgraphs.users.keys import KeyMaterial, UsersKeys

RELOAD_SECONDS = 10


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def folder(tmp_path: Path) -> KeyFolder:
    return KeyFolder.open(tmp_path / "keys")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def settings_on(folder: KeyFolder, **overrides: object) -> UsersSettings:
    values: dict[str, object] = {
        "jwt_private_key_file": folder.signing_key_path,
        "jwt_published_jwks_file": folder.published_jwks_path,
        "jwt_key_reload_seconds": RELOAD_SECONDS,
        **overrides,
    }
    return UsersSettings(**values)  # type: ignore[arg-type]


def published_kids(keys: UsersKeys) -> list[str]:
    return [entry["kid"] for entry in keys.jwks()["keys"]]


def test_the_jwks_lists_the_signing_key_then_the_published_ones() -> None:
    signing, other = SigningKey.generate(), SigningKey.generate()
    published = json.dumps({"keys": [other.public_jwk(), signing.public_jwk()]})

    material = KeyMaterial.build(signing, published)

    assert [entry["kid"] for entry in material.document["keys"]] == [signing.kid, other.kid]
    assert set(material.public_keys) == {signing.kid, other.kid}


def test_a_published_jwks_holding_a_private_key_is_refused() -> None:
    signing, other = SigningKey.generate(), SigningKey.generate()
    private_jwk = json.loads(__import__("jwt").algorithms.OKPAlgorithm.to_jwk(other.private_key))
    with pytest.raises(ValueError, match="private key"):
        KeyMaterial.build(signing, json.dumps({"keys": [{**private_jwk, "kid": other.kid}]}))


def test_the_folder_publishes_the_current_key_and_the_next(folder: KeyFolder, clock: Clock) -> None:
    keys = UsersKeys.from_settings(settings_on(folder), clock)
    assert keys.signing_key().kid == folder.signing_key().kid
    assert published_kids(keys) == [folder.signing_key().kid, folder.next_key().kid]


async def test_after_a_rotation_it_signs_with_the_next_key_and_still_verifies_the_previous(
    folder: KeyFolder, clock: Clock
) -> None:
    keys = UsersKeys.from_settings(settings_on(folder), clock)
    before, upcoming = folder.signing_key(), folder.next_key()

    rotation = folder.rotate(min_interval_seconds=0)
    clock.now += RELOAD_SECONDS

    assert keys.signing_key().kid == upcoming.kid
    assert published_kids(keys) == [upcoming.kid, rotation.next, before.kid]
    assert await keys.get(before.kid) is not None


def test_files_are_looked_at_no_more_often_than_the_reload_interval(folder: KeyFolder, clock: Clock) -> None:
    keys = UsersKeys.from_settings(settings_on(folder), clock)
    before = folder.signing_key().kid

    folder.rotate(min_interval_seconds=0)
    clock.now += RELOAD_SECONDS - 1

    assert keys.signing_key().kid == before


def test_a_half_written_key_file_leaves_the_keys_as_they_were(folder: KeyFolder, clock: Clock) -> None:
    keys = UsersKeys.from_settings(settings_on(folder), clock)
    before = folder.signing_key()

    folder.signing_key_path.write_text("-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n")
    clock.now += RELOAD_SECONDS
    during = keys.signing_key().kid
    replacement = SigningKey.generate()
    folder.signing_key_path.write_text(replacement.private_pem())
    clock.now += RELOAD_SECONDS

    assert (during, keys.signing_key().kid) == (before.kid, replacement.kid)


def test_a_fixed_kid_never_reloads_the_key_file(folder: KeyFolder, clock: Clock) -> None:
    keys = UsersKeys.from_settings(settings_on(folder, jwt_key_id="fixed"), clock)

    folder.rotate(min_interval_seconds=0)
    clock.now += RELOAD_SECONDS

    assert keys.signing_key().kid == "fixed"
    assert keys.signing_key().public_jwk()["x"] != folder.signing_key().public_jwk()["x"]


def test_a_key_given_inline_is_fixed(folder: KeyFolder, clock: Clock) -> None:
    inline = SigningKey.generate()
    settings = settings_on(folder, jwt_private_key=SecretStr(inline.private_pem()), jwt_private_key_file=None)
    keys = UsersKeys.from_settings(settings, clock)

    folder.rotate(min_interval_seconds=0)
    clock.now += RELOAD_SECONDS

    assert keys.signing_key().kid == inline.kid
    assert folder.signing_key().kid in published_kids(keys)  # the published file is still followed
