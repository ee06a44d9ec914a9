"""Unit tests of handlers: the Slack port built from real services (tests/kit/unit_tier.py)."""

from tests.kit.unit_tier import alice, clock, deps, port, slack  # noqa: F401 - fixtures, shared by name

# The simulator fixtures (on a manual clock, every exchange checked against Zoom's documents).
from tests.zoom.conftest import sim, sim_clock, sim_contract, sim_options  # noqa: F401 - fixtures, shared by name
