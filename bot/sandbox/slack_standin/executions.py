"""The runs of the app's workflow steps the stand-in keeps, and the app's declared functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"


@dataclass
class Execution:
    """One run of a custom step, as Slack keeps it."""

    id: str
    callback_id: str
    inputs: dict[str, Any]
    token: str  # the run's own token (the event's bot_access_token)
    state: str = RUNNING
    outputs: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Executions:
    by_id: dict[str, Execution] = field(default_factory=dict)
    # The app's functions from its manifest: callback id -> its definition.
    functions: dict[str, dict[str, Any]] = field(default_factory=lambda: app_functions())

    def by_token(self, token: str | None) -> Execution | None:
        return next((e for e in self.by_id.values() if token and e.token == token), None)


def app_functions() -> dict[str, dict[str, Any]]:
    """The ``functions`` section of the manifest the bot ships (what Slack would have installed)."""
    manifest = yaml.safe_load(files("bot").joinpath("manifest.yml").read_text(encoding="utf-8"))
    return dict(manifest.get("functions") or {})
