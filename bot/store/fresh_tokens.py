"""Decrypted access tokens that are still fresh, remembered per process.

Without it every Zoom call of every command reads the link row and decrypts it — about a
sixth of the bot's CPU per `/zoom` command (see ``bench/run.py``). An entry is
only a shortcut for the first read in ``UserTokenSource.access_token``; the refresh
algorithm itself always reads the row. It is safe to be out of date:

- this process's own writes to a link (new link, refresh, needs_reauth, unlink,
  deauthorization) drop the entry (``LinkStore`` does it);
- another process's writes are not seen here, but each of them leaves the cached access
  token refused by Zoom (a refresh rotates it, an unlink or deauthorization revokes it),
  and a refusal (401/124) makes the token source drop the entry and read the row again.

The cache is bounded (least recently used entries go first) and holds nothing that is
not already in this process's memory while a call runs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

LinkKey = tuple[str, str]  # (Slack team id, Slack user id)


@dataclass(frozen=True)
class _Entry:
    link_id: int
    access_token: str = field(repr=False)
    expires_at: datetime


class FreshTokens:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[LinkKey, _Entry] = OrderedDict()
        self._key_by_link: dict[int, LinkKey] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: LinkKey, *, valid_after: datetime) -> str | None:
        """The remembered token if it stays valid past ``valid_after``; else forget it."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= valid_after:
            self.forget(key)
            return None
        self._entries.move_to_end(key)
        return entry.access_token

    def put(self, key: LinkKey, link_id: int, access_token: str, expires_at: datetime) -> None:
        self.forget(key)
        self._entries[key] = _Entry(link_id, access_token, expires_at)
        self._key_by_link[link_id] = key
        while len(self._entries) > self._max_entries:
            _, oldest = self._entries.popitem(last=False)
            self._key_by_link.pop(oldest.link_id, None)

    def forget(self, key: LinkKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._key_by_link.pop(entry.link_id, None)

    def forget_link(self, link_id: int) -> None:
        key = self._key_by_link.get(link_id)
        if key is not None:
            self.forget(key)
