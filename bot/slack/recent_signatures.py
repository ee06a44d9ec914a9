"""The Slack signatures this process admitted lately: its own replay memory, kept small.

Every signed request a process admits is remembered for at least the replay window (a
captured request stays valid that long), and a busy process admits thousands a minute. So
what one costs matters: as a ``str`` key with a ``float`` time in an ``OrderedDict`` it was
about 206 bytes; here it is the signature's 64-bit hash, 16 to 32 bytes in a table of its own.

- **Why a hash is enough.** Only a signature that matched our signing secret gets here, and
  nobody without the secret can make one, so nobody can aim a collision. By chance, a new
  request is mistaken for a replay with odds of about n / 2**64 (n remembered: under 10**-14
  at the 100,000 cap), and then Slack shows the user a failed command they can send again.
- **Why two generations, not a time per entry.** New signatures go into the current set. Once
  it is a window old (or holds half the cap), it becomes the previous set and the older one is
  dropped whole. So a signature is remembered for at least one window and at most about two,
  with no per-entry time and no scan to expire.
"""

from __future__ import annotations

from array import array

_EMPTY = 0  # a free slot; a hash that happens to be 0 is stored as 1
_BITS = 0xFFFF_FFFF_FFFF_FFFF


class _HashTable:
    """A set of 64-bit keys in one ``array``: open addressing, linear probing, at most half full.

    A Python ``set`` holds an int object per key (~40 bytes) besides its slots (16 bytes each;
    a set under 50,000 keys grows fourfold, so 15–60% of them are in use): 65 to 145 bytes a
    key. Here a key is its 8 bytes in a table kept between a quarter and half full: 16 to 32
    bytes. Doubling re-places every key in Python: at the default cap the largest step (to
    131,072 slots) holds the loop ~11 ms, once per generation."""

    __slots__ = ("_slots", "_mask", "_used")

    def __init__(self, size: int = 16) -> None:
        self._slots = array("Q", bytes(8 * size))
        self._mask = size - 1
        self._used = 0

    def __len__(self) -> int:
        return self._used

    def __contains__(self, key: int) -> bool:
        slots, mask = self._slots, self._mask
        index = key & mask
        while (held := slots[index]) != _EMPTY:
            if held == key:
                return True
            index = (index + 1) & mask
        return False

    def add(self, key: int) -> None:
        """Add a key known not to be here yet."""
        if 2 * (self._used + 1) > len(self._slots):
            self._grow()
        self._place(key)
        self._used += 1

    def _place(self, key: int) -> None:
        slots, mask = self._slots, self._mask
        index = key & mask
        while slots[index] != _EMPTY:
            index = (index + 1) & mask
        slots[index] = key

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._mask = 2 * len(old) - 1
        for key in old:
            if key != _EMPTY:
                self._place(key)


def _key(signature: str) -> int:
    return (hash(signature) & _BITS) or 1


class RecentSignatures:
    def __init__(self, window_s: float, most: int) -> None:
        self._window = window_s
        self._half = max(1, most // 2)
        self._current = _HashTable()
        self._previous = _HashTable()
        self._started = float("-inf")  # so the first signature starts the first generation

    def seen_before(self, signature: str, now: float) -> bool:
        """Remember ``signature`` (admitted at ``now``); True when it was remembered already."""
        key = _key(signature)
        if key in self._current or key in self._previous:
            return True
        if now - self._started >= self._window or len(self._current) >= self._half:
            self._previous, self._current, self._started = self._current, _HashTable(), now
        self._current.add(key)
        return False

    def __len__(self) -> int:
        return len(self._current) + len(self._previous)
