"""TokenVault: authenticated encryption bound to an owner and a purpose, with key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.store.vault import TokenVault, VaultError, generate_key, link_owner

SECRET = "canary-secret-3f9c1a"


def test_round_trip() -> None:
    vault = TokenVault([generate_key()])
    ciphertext = vault.encrypt("link:T1:U1", "zoom_access_token", SECRET)
    assert SECRET not in ciphertext
    assert vault.decrypt("link:T1:U1", "zoom_access_token", ciphertext) == SECRET


def test_same_secret_encrypts_differently_each_time() -> None:
    vault = TokenVault([generate_key()])
    assert vault.encrypt("o", "p", SECRET) != vault.encrypt("o", "p", SECRET)


def test_link_owner_format_is_stable() -> None:
    # Inside every stored ciphertext: changing it would make every link unreadable.
    assert link_owner("T01", "U02") == "link:T01:U02"


@pytest.mark.parametrize(
    ("owner", "purpose"),
    [("link:T1:U2", "zoom_access_token"), ("link:T1:U1", "zoom_refresh_token")],
    ids=["other-owner", "other-purpose"],
)
def test_wrong_owner_or_purpose_is_refused_without_leaking(owner: str, purpose: str) -> None:
    vault = TokenVault([generate_key()])
    ciphertext = vault.encrypt("link:T1:U1", "zoom_access_token", SECRET)
    with pytest.raises(VaultError) as raised:
        vault.decrypt(owner, purpose, ciphertext)
    assert SECRET not in str(raised.value)
    assert ciphertext not in str(raised.value)


def test_unknown_key_and_tampering_are_refused() -> None:
    vault = TokenVault([generate_key()])
    foreign = TokenVault([generate_key()]).encrypt("o", "p", SECRET)
    with pytest.raises(VaultError, match="none of the configured keys"):
        vault.decrypt("o", "p", foreign)
    good = vault.encrypt("o", "p", SECRET)
    flipped = good[:20] + ("A" if good[20] != "A" else "B") + good[21:]
    with pytest.raises(VaultError):
        vault.decrypt("o", "p", flipped)
    with pytest.raises(VaultError):
        vault.decrypt("o", "p", "not a fernet token ✓")


def test_plain_fernet_data_without_envelope_is_refused() -> None:
    key = generate_key()
    bare = Fernet(key.encode()).encrypt(SECRET.encode()).decode()
    with pytest.raises(VaultError, match="malformed envelope"):
        TokenVault([key]).decrypt("o", "p", bare)


def test_rotation_moves_ciphertext_to_newest_key() -> None:
    old_key, new_key = generate_key(), generate_key()
    old_ciphertext = TokenVault([old_key]).encrypt("o", "p", SECRET)
    both = TokenVault([new_key, old_key])
    assert both.needs_rotation(old_ciphertext)
    rotated = both.rotate(old_ciphertext)
    assert not both.needs_rotation(rotated)
    # The newest key alone opens it, and the envelope (owner, purpose) survived.
    assert TokenVault([new_key]).decrypt("o", "p", rotated) == SECRET
    with pytest.raises(VaultError):
        TokenVault([new_key]).decrypt("o", "p", old_ciphertext)


def test_rotate_refuses_data_no_key_opens() -> None:
    stranger = TokenVault([generate_key()]).encrypt("o", "p", SECRET)
    with pytest.raises(VaultError):
        TokenVault([generate_key()]).rotate(stranger)


def test_bad_keys_are_named_by_position_never_echoed() -> None:
    bad = "this-is-not-a-fernet-key"
    with pytest.raises(VaultError, match="#2") as raised:
        TokenVault([generate_key(), bad])
    assert bad not in str(raised.value)
    with pytest.raises(VaultError, match="no encryption key"):
        TokenVault([])


def test_repr_hides_keys() -> None:
    key = generate_key()
    assert key not in repr(TokenVault([key]))
