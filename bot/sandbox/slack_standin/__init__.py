"""A local Slack for tests and the offline sandbox.

``SlackStandin`` is the Web API (``SLACK_API_URL=<base>/api/``) and the response_url sink,
recording every call, message and view; ``SlackDriver`` plays Slack towards the bot with
real signed requests to ``/slack/events``. Only loopback traffic, made-up tokens.
"""

from bot.sandbox.slack_standin.driver import SlackDriver, sign
from bot.sandbox.slack_standin.identity import BotIdentity
from bot.sandbox.slack_standin.records import (
    ApiCall,
    Channel,
    Message,
    ScheduledMessage,
    SlackCallRecord,
    User,
    ViewRecord,
)
from bot.sandbox.slack_standin.server import SLACK_POST_LIMIT, SLACK_UPDATE_LIMIT, SlackStandin
from bot.sandbox.slack_standin.throttle import RateLimit, UpdateRateLimit

__all__ = [
    "SLACK_POST_LIMIT",
    "SLACK_UPDATE_LIMIT",
    "ApiCall",
    "BotIdentity",
    "Channel",
    "Message",
    "RateLimit",
    "ScheduledMessage",
    "SlackCallRecord",
    "SlackDriver",
    "SlackStandin",
    "UpdateRateLimit",
    "User",
    "ViewRecord",
    "sign",
]
