"""The services' tests run against the same simulator fixtures as the Zoom client's."""

from tests.zoom.conftest import (  # noqa: F401 - fixtures, shared by name
    http,
    oauth,
    sim,
    sim_app,
    sim_clock,
    sim_contract,
    sim_options,
)
