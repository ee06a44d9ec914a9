"""The simulator's tests share the Zoom client tests' fixtures: a simulator on a manual clock, checked."""

from tests.zoom.conftest import (  # noqa: F401 - fixtures, shared by name
    s2s_token,
    sim,
    sim_app,
    sim_clock,
    sim_contract,
    sim_login,
    sim_options,
    zoom,
)
