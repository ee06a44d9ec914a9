"""Unit tests of listeners: the Slack port built from real services (tests/kit/unit_tier.py)."""

from tests.kit.unit_tier import alice, clock, deps, port, slack  # noqa: F401 - fixtures, shared by name
