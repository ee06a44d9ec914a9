"""How Zoom's paths name users and meetings: references and ids checked before they reach a URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

ME = "me"


@dataclass(frozen=True)
class ZoomUserRef:
    """A Zoom user named by id or e-mail, for account mode. Never empty, never ``me``."""

    value: str

    def __post_init__(self) -> None:
        cleaned = self.value.strip()
        if not cleaned:
            raise ValueError("a Zoom user reference cannot be empty")
        if cleaned.lower() == ME:
            raise ValueError("'me' has no meaning for an account token; name the user by id or e-mail")
        if any(c in cleaned for c in "/?#\\") or any(c.isspace() for c in cleaned):
            raise ValueError("a Zoom user reference is an id or an e-mail address")
        object.__setattr__(self, "value", cleaned)


def meeting_id_param(meeting_id: int | str) -> str:
    """Meeting ids as typed by people (``812 3456 7890``, ``812-3456-7890``) or as ints."""
    digits = str(meeting_id).replace(" ", "").replace("-", "")
    if not digits.isdigit() or int(digits) <= 0:
        raise ValueError(f"not a Zoom meeting id: {meeting_id!r}")
    return str(int(digits))


def meeting_uuid_param(uuid: str) -> str:
    """A meeting UUID as Zoom wants it in a path, before the path itself is percent-encoded.

    Zoom's rule: a UUID that begins with ``/`` or contains ``//`` must be encoded twice.
    The path builder encodes once; such a UUID is encoded here first. Other UUIDs (``+``,
    ``=``, a single inner ``/``) are encoded once, by the path builder.
    """
    if not uuid.strip():
        raise ValueError("a meeting UUID cannot be empty")
    if uuid.startswith("/") or "//" in uuid:
        return quote(uuid, safe="")
    return uuid
