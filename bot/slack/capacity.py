"""How many `/zoom` commands one process takes on at once: the admission bound.

Admitted commands all run at once: a command spends nearly all its life awaiting Zoom, and
awaiting costs no CPU and a few kilobytes, so a fixed number of working slots held across
that wait would cap throughput at slots ÷ Zoom's latency while the CPU idles. What is
scarce is bounded where it is scarce instead: memory here (commands admitted and not yet
answered), database connections by the store (held only for its short steps, never across
a Zoom call), sockets by the Zoom client's pool. Beyond the bound the command is not
started and its ack says so at once: under a flood, memory stays bounded and people learn
in a second that they should retry, instead of getting an answer many seconds late — or
never, if the process runs out of memory holding thousands of queued commands.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable

LOG_EVERY_S = 10.0  # at most one log line per this many seconds about refused commands


class Overloaded(Exception):
    """This process has as many commands in progress as it takes on."""


class CommandCapacity:
    def __init__(self, *, limit: int) -> None:
        self._limit = limit
        self._admitted = 0
        self._refused = 0  # since the last log line
        self._logged_at = float("-inf")

    @property
    def admitted(self) -> int:
        """Commands started and not finished yet."""
        return self._admitted

    def try_admit(self) -> bool:
        if self._admitted >= self._limit:
            self._refused += 1
            return False
        self._admitted += 1
        return True

    def release(self) -> None:
        self._admitted -= 1

    def refusals_to_log(self, now: float) -> int:
        """Commands refused since the last report, once per ``LOG_EVERY_S`` (else 0):
        a flood of commands must not become a flood of log lines."""
        if not self._refused or now - self._logged_at < LOG_EVERY_S:
            return 0
        refused, self._refused, self._logged_at = self._refused, 0, now
        return refused


# Slack wants an ack within 3 s. Acking takes a millisecond or two of CPU, so a burst of a
# thousand commands at once (a 9:00 stand-up in a big workspace) is acked well inside that;
# a flood that outruns the CPU is not, and each more request makes every ack later. So the
# gate refuses by lateness, not by count: when the oldest request still waiting for its ack
# came in more than a patience ago, the process is behind, and a new slash command is told
# at once that the bot is busy — a few microseconds, with no signature, database or Bolt
# work — so the process catches up instead of timing out for everyone.
# A burst after a calm gets BURST_PATIENCE_S, long enough for a thousand requests sent at
# the same instant to be read in (on 2 cores all are acked within ~1.5 s; a patience of
# 0.25 s turned away between 0 and 900 of them, run to run). Once the gate has refused
# anything it keeps to FLOOD_PATIENCE_S until CALM_AFTER_S pass without a refusal: a flood
# holds few requests inside, so its memory stays bounded. A flood refuses many times a
# second, so a whole second without a refusal means the process kept up: the next burst is
# a burst again (with 5 s, a second stand-up burst a few seconds after one that had
# anything refused was nearly all turned away, 898 of 1,000, on an idle process).
# A longer burst patience lets a flood's first second build a backlog that acks past 3 s
# (1.5 s: ack p99 4 s, 187 MB).
# Below ACKING_FLOOR requests inside, none is refused however late the acks: a busy machine
# slows every ack a little, and a hundred requests are never a flood. ACKING_LIMIT bounds
# the requests inside (a few kilobytes each) whatever their age.
ACKING_FLOOR = 100
BURST_PATIENCE_S = 0.5
FLOOD_PATIENCE_S = 0.05
CALM_AFTER_S = 1.0
ACKING_LIMIT = 1000


class AckGate:
    """Slack requests between arrival and ack; past ``floor`` inside, refuses entry while
    acks run late; at ``limit`` inside, refuses entry."""

    def __init__(
        self,
        *,
        limit: int = ACKING_LIMIT,
        floor: int = ACKING_FLOOR,
        burst_patience: float = BURST_PATIENCE_S,
        flood_patience: float = FLOOD_PATIENCE_S,
        calm_after: float = CALM_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.floor = floor
        self._burst_patience = burst_patience
        self._flood_patience = flood_patience
        self._calm_after = calm_after
        self._clock = clock
        self._inside: OrderedDict[int, float] = OrderedDict()  # ticket → arrival, oldest first
        self._tickets = itertools.count()
        self._refused_at = float("-inf")

    @property
    def acking(self) -> int:
        """Requests inside: arrived and not acked yet."""
        return len(self._inside)

    def try_enter(self) -> int | None:
        """A ticket to hand back to :meth:`leave`, or None: the request is refused."""
        now = self._clock()
        inside = len(self._inside)
        if inside >= self.limit or (inside >= self.floor and self._late(now)):
            self._refused_at = now
            return None
        ticket = next(self._tickets)
        self._inside[ticket] = now
        return ticket

    def leave(self, ticket: int) -> None:
        del self._inside[ticket]

    def _late(self, now: float) -> bool:
        flooded = now - self._refused_at < self._calm_after
        patience = self._flood_patience if flooded else self._burst_patience
        return now - next(iter(self._inside.values())) > patience


def is_slash_command(body: bytes) -> bool:
    """A slash command's form body (Slack sends ``command=/zoom`` among its fields)."""
    return body.startswith(b"command=") or b"&command=" in body
