"""The services' tests run against the same simulator fixtures as the Zoom client's."""

from tests.zoom.conftest import sim, sim_app, sim_clock  # noqa: F401 - fixtures, shared by name
