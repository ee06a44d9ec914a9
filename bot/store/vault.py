"""Encryption of secrets at rest (Zoom tokens, PKCE verifiers).

Fernet (AES-CBC + HMAC, random IV) via ``MultiFernet``: the first key encrypts, every
key decrypts, so keys rotate by prepending a new one, running ``zoombot db rotate-key``
(``bot.store.rotate.rotate_keys``) and then dropping the old key.

Fernet has no associated data, so whoever can write the database could swap two users'
ciphertexts and make the bot act for one user with another's token. To stop that, the
plaintext is a small JSON envelope ``{"v": 1, "o": owner, "p": purpose, "s": secret}``
and ``decrypt`` refuses a ciphertext whose owner or purpose is not the expected one.

Owner strings used by the store (keep them stable: they are inside every ciphertext):

- Zoom link tokens: ``f"link:{slack_team_id}:{slack_user_id}"``
  (purposes ``zoom_access_token`` and ``zoom_refresh_token``)
- OAuth state PKCE verifiers: ``f"oauth_state:{state_hash}:{slack_team_id}:{slack_user_id}"``
  (purpose ``pkce_code_verifier``)
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

_ENVELOPE_VERSION = 1


class VaultError(Exception):
    """A secret cannot be encrypted or decrypted. The message never contains the secret."""


def generate_key() -> str:
    """A fresh Fernet key (URL-safe base64, 32 bytes) for ``TOKEN_ENCRYPTION_KEY``."""
    return Fernet.generate_key().decode("ascii")


def link_owner(team_id: str, user_id: str) -> str:
    """The vault owner string for a Slack user's Zoom link tokens."""
    return f"link:{team_id}:{user_id}"


class TokenVault:
    """Encrypts secrets bound to an owner and a purpose. ``keys``: Fernet keys, newest first."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise VaultError("no encryption key configured (TOKEN_ENCRYPTION_KEY is empty)")
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip()))
            except (ValueError, TypeError):
                # Never echo the key itself: say which one is wrong.
                raise VaultError(
                    f"encryption key #{position} is not a valid Fernet key "
                    "(expected 32 bytes of URL-safe base64; make one with `zoombot keygen`)"
                ) from None
        self._newest = fernets[0]
        self._all = MultiFernet(fernets)

    def __repr__(self) -> str:
        return "TokenVault(keys=[redacted])"

    def encrypt(self, owner: str, purpose: str, plaintext: str) -> str:
        envelope = json.dumps(
            {"v": _ENVELOPE_VERSION, "o": owner, "p": purpose, "s": plaintext},
            separators=(",", ":"),
        )
        return self._all.encrypt(envelope.encode("utf-8")).decode("ascii")

    def decrypt(self, owner: str, purpose: str, ciphertext: str) -> str:
        envelope = self._open(ciphertext, purpose)
        if envelope.get("p") != purpose:
            raise VaultError(f"stored secret is not a {purpose!r}; refusing to use it (the row was altered)")
        if envelope.get("o") != owner:
            raise VaultError(
                f"stored {purpose!r} belongs to a different owner than {owner!r}; "
                "refusing to use it (ciphertexts were swapped or copied between rows)"
            )
        secret = envelope.get("s")
        if not isinstance(secret, str):
            raise VaultError(f"stored {purpose!r} has a malformed envelope")
        return secret

    def needs_rotation(self, ciphertext: str) -> bool:
        """True when the newest key cannot decrypt ``ciphertext`` (it was made with an older key)."""
        try:
            self._newest.decrypt(ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return True
        return False

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the newest key, keeping the envelope (owner, purpose) unchanged."""
        try:
            return self._all.rotate(ciphertext.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise VaultError(
                "cannot re-encrypt a stored secret: none of the configured keys opens it"
            ) from None

    def _open(self, ciphertext: str, purpose: str) -> dict[str, Any]:
        try:
            raw = self._all.decrypt(ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise VaultError(
                f"cannot decrypt stored {purpose!r}: none of the configured keys opens it, "
                "or the ciphertext was altered"
            ) from None
        try:
            envelope = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise VaultError(f"stored {purpose!r} has a malformed envelope") from None
        if not isinstance(envelope, dict) or envelope.get("v") != _ENVELOPE_VERSION:
            raise VaultError(f"stored {purpose!r} has an unknown envelope version")
        return envelope
