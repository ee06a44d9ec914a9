"""Who the stand-in's workspace and bot are."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BOT_TOKEN = "xoxb-standin-0001"  # made up; the stand-in accepts nothing real


@dataclass(frozen=True)
class BotIdentity:
    team_id: str = "T0001"
    team_domain: str = "standin"
    team_name: str = "Stand-in Workspace"
    bot_token: str = DEFAULT_BOT_TOKEN
    bot_user_id: str = "U0BOT0001"
    bot_id: str = "B0001"
    bot_name: str = "zoombot"
    app_id: str = "A0001"
