"""The services' tests run against the same simulator fixtures as the Zoom client's."""

from tests.zoom.conftest import sim, sim_app, sim_clock, sim_contract  # noqa: F401 - fixtures, shared by name
