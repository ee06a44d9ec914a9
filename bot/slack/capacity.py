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


# Slack requests a process may be working on before their ack. Acking takes a millisecond or
# two of CPU; when this many are under way the process is behind (a flood), and each more one
# makes every ack later, past Slack's 3 s. Past it a slash command is told at once that the
# bot is busy — a few microseconds, with no signature, database or Bolt work — so the
# process catches up instead of timing out for everyone.
ACKING_LIMIT = 100


class AckGate:
    """Counts Slack requests between arrival and ack; refuses entry past the limit."""

    def __init__(self, *, limit: int = ACKING_LIMIT) -> None:
        self.limit = limit
        self.acking = 0

    def try_enter(self) -> bool:
        if self.acking >= self.limit:
            return False
        self.acking += 1
        return True

    def leave(self) -> None:
        self.acking -= 1


def is_slash_command(body: bytes) -> bool:
    """A slash command's form body (Slack sends ``command=/zoom`` among its fields)."""
    return body.startswith(b"command=") or b"&command=" in body
