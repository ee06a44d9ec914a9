"""Decrypted access tokens that are still fresh, remembered per process.

Without it every Zoom call of every command reads the link row and decrypts it — about a
sixth of the bot's CPU per `/zoom` command (see ``bench/run.py``). An entry is only a
shortcut for a read of the row: the refresh itself (the lease, Zoom, the save) always reads
the row; only callers queued behind one refresh take its result from here. It is safe to
be out of date:

- this process's own writes to a link (new link, refresh, needs_reauth, unlink,
  deauthorization) drop the entry once the write is committed (``LinkStore`` does it);
- a reader that read the row *before* such a write may only put what it read if no
  write was forgotten in between: it takes the key's :meth:`FreshTokens.generation`
  before reading the row and hands it to :meth:`FreshTokens.put`, which refuses when
  a :meth:`FreshTokens.forget` has moved the generation since. Without that, a command
  that read the link just before a deauthorization deleted it would put the deleted
  link's token back, and later commands would keep using it;
- another process's writes are not seen here, but each of them leaves the cached access
  token refused by Zoom (a refresh rotates it, an unlink or deauthorization revokes it),
  and a refusal (401/124) makes the token source drop the entry and read the row again;
- a refresh this process saved leaves its new token here (:meth:`FreshTokens.settle`),
  marked as the successor of the token it replaced, unless the link was written by anything
  else while the refresh was saved. Calls that went out with the old token and were refused
  take the successor (:meth:`FreshTokens.successor`) instead of each reading the row: when
  every token of a workspace has expired (a 9:00 burst), ten commands of one person cost one
  refresh and no further reads.

The cache is bounded (least recently used entries go first) and holds nothing that is
not already in this process's memory while a call runs. So are the generations: they
come from one counter, and a key whose generation is no longer remembered reads as the
highest generation ever dropped (the *floor*), which is newer than anything a reader of
that key can hold from before its last forget — so a dropped generation can only make a
put miss, never let a stale one land.
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
    zoom_account_id: str = ""
    zoom_user: str = ""  # the link's Zoom e-mail (else id): whose daily meeting create/update cap it spends
    replaces: str = field(default="", repr=False)  # the access token this one's refresh retired


class FreshTokens:
    def __init__(self, max_entries: int = 10_000, max_generations: int = 10_000) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[LinkKey, _Entry] = OrderedDict()
        self._key_by_link: dict[int, LinkKey] = {}
        # Generation of each recently forgotten key, oldest first (so values ascend).
        self._max_generations = max_generations
        self._generations: OrderedDict[LinkKey, int] = OrderedDict()
        self._last_generation = 0
        self._floor = 0  # the generation of every key not in _generations

    def __len__(self) -> int:
        return len(self._entries)

    def generation(self, key: LinkKey) -> int:
        """Take this BEFORE reading the row whose token you may :meth:`put`."""
        return self._generations.get(key, self._floor)

    def get(self, key: LinkKey, *, valid_after: datetime) -> str | None:
        """The remembered token if it stays valid past ``valid_after``; else drop it."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= valid_after:
            self._drop(key)  # expired, not written: no generation moves
            return None
        self._entries.move_to_end(key)
        return entry.access_token

    def ran_out(self, key: LinkKey, *, valid_after: datetime) -> bool:
        """Whether a token is remembered that does not stay valid past ``valid_after`` (kept:
        the refresh that replaces it drops it)."""
        entry = self._entries.get(key)
        return entry is not None and entry.expires_at <= valid_after

    def successor(self, key: LinkKey, refused: str, *, valid_after: datetime) -> str | None:
        """The token this process's refresh put in place of ``refused``, if it is remembered
        and stays valid past ``valid_after``; None otherwise (the row must be read)."""
        entry = self._entries.get(key)
        if entry is None or not refused or entry.replaces != refused:
            return None
        return self.get(key, valid_after=valid_after)

    def drop_if(self, key: LinkKey, access_token: str) -> None:
        """Zoom refused ``access_token``: forget the key if that is the token remembered.

        Another token (a successor) stays, and so does the generation when nothing is
        remembered: a refresh being saved meanwhile may still :meth:`settle`."""
        entry = self._entries.get(key)
        if entry is not None and entry.access_token == access_token:
            self.forget(key)

    def zoom_account(self, key: LinkKey) -> str | None:
        """The Zoom account of a remembered link (for pacing calls under its limits)."""
        entry = self._entries.get(key)
        return entry.zoom_account_id if entry is not None and entry.zoom_account_id else None

    def zoom_user(self, key: LinkKey) -> str | None:
        """The Zoom user of a remembered link (for its per-host daily create/update count)."""
        entry = self._entries.get(key)
        return entry.zoom_user if entry is not None and entry.zoom_user else None

    def put(
        self,
        key: LinkKey,
        link_id: int,
        access_token: str,
        expires_at: datetime,
        *,
        generation: int,
        zoom_account_id: str = "",
        zoom_user: str = "",
        replaces: str = "",
    ) -> bool:
        """Remember a token read at ``generation``; refused (False) if the key was forgotten since."""
        if self.generation(key) != generation:
            return False
        self._drop(key)
        self._entries[key] = _Entry(link_id, access_token, expires_at, zoom_account_id, zoom_user, replaces)
        self._key_by_link[link_id] = key
        while len(self._entries) > self._max_entries:
            _, oldest = self._entries.popitem(last=False)
            self._key_by_link.pop(oldest.link_id, None)
        return True

    def settle(
        self,
        key: LinkKey,
        link_id: int,
        access_token: str,
        expires_at: datetime,
        *,
        generation: int,
        replaces: str,
        zoom_account_id: str = "",
        zoom_user: str = "",
    ) -> bool:
        """After this process committed a refresh of the key begun at ``generation``: forget
        the key (every put read before the commit is refused), then remember the new token
        as the successor of ``replaces`` — unless something else forgot the key meanwhile
        (another write to the link: an unlink must not see the token come back)."""
        written_by_others = self.generation(key) != generation
        self.forget(key)
        if written_by_others:
            return False
        return self.put(
            key,
            link_id,
            access_token,
            expires_at,
            generation=self.generation(key),
            zoom_account_id=zoom_account_id,
            zoom_user=zoom_user,
            replaces=replaces,
        )

    def forget(self, key: LinkKey) -> None:
        """The link was written: drop its token and refuse every put read before now."""
        self._drop(key)
        self._last_generation += 1
        self._generations[key] = self._last_generation
        self._generations.move_to_end(key)
        while len(self._generations) > self._max_generations:
            _, dropped = self._generations.popitem(last=False)
            self._floor = dropped

    def forget_link(self, link_id: int) -> None:
        key = self._key_by_link.get(link_id)
        if key is not None:
            self.forget(key)

    def _drop(self, key: LinkKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._key_by_link.pop(entry.link_id, None)
