"""Bolt listeners, one module per Slack surface; :func:`register` wires them to the app."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, functions, shortcuts, view_submissions


def register(app: AsyncApp) -> None:
    commands.register(app)
    actions.register(app)
    view_submissions.register(app)
    events.register(app)
    shortcuts.register(app)
    functions.register(app)
