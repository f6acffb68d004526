"""The key folder: one folder per identity, private keys owner-only, and a rotation that keeps every
token verifying until it expires (next key published ahead, previous key kept)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gocart.keys import SERVICES, KeyFolder, RotationTooSoon
from subgraphs.common.signing import SigningKey

HOUR = 3600


@pytest.fixture
def folder(tmp_path: Path) -> KeyFolder:
    return KeyFolder.open(tmp_path / "keys")


def published_kids(folder: KeyFolder) -> list[str]:
    return [entry["kid"] for entry in json.loads(folder.published_jwks_path.read_text())["keys"]]


def test_every_private_key_is_the_owners_only(folder: KeyFolder) -> None:
    private = [folder.signing_key_path, folder.next_key_path, *map(folder.service_key_path, SERVICES)]
    assert [path.stat().st_mode & 0o077 for path in private] == [0] * len(private)


def test_a_new_folder_publishes_the_current_key_and_the_next(folder: KeyFolder) -> None:
    assert published_kids(folder) == [folder.signing_key().kid, folder.next_key().kid]


def test_the_service_jwks_holds_the_orders_key_and_no_users_key(folder: KeyFolder) -> None:
    service_kids = {entry["kid"] for entry in json.loads(folder.service_jwks_path.read_text())["keys"]}
    assert service_kids == {folder.service_key("orders").kid}
    assert service_kids.isdisjoint(published_kids(folder))


def test_the_jwks_documents_hold_no_private_key(folder: KeyFolder) -> None:
    folder.rotate(min_interval_seconds=0)
    documents = [
        json.loads(path.read_text()) for path in (folder.published_jwks_path, folder.service_jwks_path)
    ]
    assert all("d" not in entry for document in documents for entry in document["keys"])


def test_reopening_keeps_the_keys(folder: KeyFolder) -> None:
    again = KeyFolder.open(folder.root)
    assert (again.signing_key().kid, again.next_key().kid) == (
        folder.signing_key().kid,
        folder.next_key().kid,
    )


def test_given_keys_are_the_ones_created(tmp_path: Path) -> None:
    users, orders = SigningKey.generate(), SigningKey.generate()
    folder = KeyFolder.open(tmp_path, signing_key=users, service_keys={"orders": orders})
    assert (folder.signing_key().kid, folder.service_key("orders").kid) == (users.kid, orders.kid)


def test_a_rotation_signs_with_the_next_key_and_keeps_the_current_one_published(folder: KeyFolder) -> None:
    current, upcoming = folder.signing_key().kid, folder.next_key().kid

    rotation = folder.rotate(min_interval_seconds=0)

    assert (rotation.current, rotation.previous, rotation.retired) == (upcoming, current, None)
    assert folder.signing_key().kid == upcoming
    assert published_kids(folder) == [upcoming, rotation.next, current]


def test_a_second_rotation_retires_the_oldest_key(folder: KeyFolder) -> None:
    first = folder.signing_key().kid
    folder.rotate(min_interval_seconds=HOUR, now=0)

    second = folder.rotate(min_interval_seconds=HOUR, now=HOUR)

    assert second.retired == first
    assert first not in published_kids(folder)
    assert len(published_kids(folder)) == 3


def test_a_rotation_sooner_than_the_interval_is_refused(folder: KeyFolder) -> None:
    folder.rotate(min_interval_seconds=HOUR, now=0)
    before = published_kids(folder)

    with pytest.raises(RotationTooSoon):
        folder.rotate(min_interval_seconds=HOUR, now=HOUR - 1)

    assert published_kids(folder) == before


def test_a_forced_rotation_is_not_refused(folder: KeyFolder) -> None:
    folder.rotate(min_interval_seconds=HOUR, now=0)
    upcoming = folder.next_key().kid

    folder.rotate(min_interval_seconds=HOUR, now=1, force=True)

    assert folder.signing_key().kid == upcoming


def test_the_first_rotation_is_never_too_soon(folder: KeyFolder) -> None:
    upcoming = folder.next_key().kid
    folder.rotate(min_interval_seconds=HOUR)
    assert folder.signing_key().kid == upcoming


def test_a_rotation_cut_short_gets_a_new_next_key_when_reopened(folder: KeyFolder) -> None:
    # Cut short after the next key became the current one, before a new next key was written.
    folder.signing_key_path.write_bytes(folder.next_key_path.read_bytes())

    reopened = KeyFolder.open(folder.root)

    assert reopened.next_key().kid != reopened.signing_key().kid
    assert published_kids(reopened) == [reopened.signing_key().kid, reopened.next_key().kid]


def test_a_folder_of_the_earlier_flat_layout_keeps_its_key(tmp_path: Path) -> None:
    old = SigningKey.generate()
    (tmp_path / "signing-key.pem").write_text(old.private_pem())
    (tmp_path / "signing-key.kid").write_text(old.kid)
    (tmp_path / "jwks.json").write_text(old.jwks())

    folder = KeyFolder.open(tmp_path)

    assert folder.signing_key().kid == old.kid
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["service-jwks.json"]
