"""The per-process command capacity: admission, release, and how refusals are reported."""

from __future__ import annotations

from bot.slack.capacity import (
    ACKING_FLOOR,
    BURST_PATIENCE_S,
    LOG_EVERY_S,
    AckGate,
    CommandCapacity,
)


def test_admits_up_to_the_limit_then_refuses_until_one_finishes() -> None:
    capacity = CommandCapacity(limit=3)
    assert [capacity.try_admit() for _ in range(4)] == [True, True, True, False]
    assert capacity.admitted == 3
    capacity.release()
    assert capacity.try_admit() and not capacity.try_admit()


def test_refusals_are_reported_at_most_once_per_period_with_their_count() -> None:
    capacity = CommandCapacity(limit=1)
    assert capacity.refusals_to_log(0.0) == 0  # nothing refused yet
    capacity.try_admit()
    for _ in range(5):
        capacity.try_admit()
    assert capacity.refusals_to_log(100.0) == 5
    capacity.try_admit()
    assert capacity.refusals_to_log(100.0 + LOG_EVERY_S / 2) == 0  # too soon: kept for later
    capacity.try_admit()
    assert capacity.refusals_to_log(100.0 + LOG_EVERY_S) == 2


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_after_a_calm_is_let_in_up_to_the_limit_whatever_its_size() -> None:
    clock = Clock()
    gate = AckGate(limit=1000, burst_patience=0.25, flood_patience=0.05, clock=clock)
    tickets = [gate.try_enter() for _ in range(1000)]  # a thousand commands in the same instant
    assert None not in tickets and gate.acking == 1000
    assert gate.try_enter() is None  # the limit bounds memory whatever the age
    for ticket in tickets:
        assert ticket is not None
        gate.leave(ticket)
    assert gate.acking == 0


def test_a_request_is_refused_while_the_oldest_inside_waits_past_the_patience() -> None:
    clock = Clock()
    gate = AckGate(limit=1000, floor=1, burst_patience=0.25, flood_patience=0.05, calm_after=5.0, clock=clock)
    oldest = gate.try_enter()
    clock.now += 0.2
    younger = gate.try_enter()
    assert younger is not None  # 0.2 s late: within the burst patience
    clock.now += 0.1
    assert gate.try_enter() is None  # the oldest has waited 0.3 s: the process is behind
    assert oldest is not None
    gate.leave(oldest)
    assert gate.try_enter() is None  # the oldest inside now (0.1 s) is past the flood patience
    clock.now += 5.0
    gate.leave(younger)
    assert gate.try_enter() is not None  # empty again, and calm for 5 s: a burst is welcome


def test_after_a_refusal_the_gate_keeps_to_the_flood_patience_until_calm() -> None:
    clock = Clock()
    gate = AckGate(limit=1, floor=1, burst_patience=0.25, flood_patience=0.05, calm_after=5.0, clock=clock)
    first = gate.try_enter()
    assert first is not None and gate.try_enter() is None  # full: refused, and the gate is now strict
    gate.leave(first)
    held = gate.try_enter()
    assert held is not None
    gate.limit = 10
    clock.now += 0.1
    assert gate.try_enter() is None  # 0.1 s late is too late while flooded…
    clock.now += 5.0
    assert gate.try_enter() is None  # …and still refused: a refusal just now restarted the calm
    gate.leave(held)
    clock.now += 5.1
    burst = gate.try_enter()
    clock.now += 0.1
    assert burst is not None and gate.try_enter() is not None  # calm again: the burst patience


def test_below_the_floor_no_request_is_refused_however_late_the_acks() -> None:
    clock = Clock()
    gate = AckGate(limit=1000, floor=100, burst_patience=0.25, clock=clock)
    first = [gate.try_enter() for _ in range(50)]
    clock.now += 2.0  # a busy machine: the oldest has waited 2 s
    rest = [gate.try_enter() for _ in range(50)]
    assert None not in first + rest and gate.acking == 100
    assert gate.try_enter() is None  # at the floor, lateness counts again


def test_a_burst_two_seconds_after_the_last_refusal_gets_the_burst_patience() -> None:
    """Two stand-ups a few seconds apart: the first had some of its requests turned away; once
    they are all acked, a burst two seconds after the last refusal is a burst, not the tail
    of a flood (the gate's own defaults). Within a flood refusals come many times a second."""
    clock = Clock()
    gate = AckGate(clock=clock)
    first = [gate.try_enter() for _ in range(ACKING_FLOOR)]
    clock.now += BURST_PATIENCE_S + 0.1
    assert gate.try_enter() is None  # behind: the first burst's latecomer is told "busy"
    for ticket in first:
        assert ticket is not None
        gate.leave(ticket)

    clock.now += 2.0
    second = [gate.try_enter() for _ in range(ACKING_FLOOR)]
    clock.now += BURST_PATIENCE_S - 0.1  # far past the flood's patience, within a burst's
    assert None not in second and gate.try_enter() is not None
