"""A local Slack for tests and the offline sandbox.

``SlackStandin`` is the Web API (``SLACK_API_URL=<base>/api/``) and the response_url sink,
recording every call, message and view; ``SlackDriver`` plays Slack towards the bot with
real signed requests to ``/slack/events``. Only loopback traffic, made-up tokens.
"""

from bot.slack.standin.driver import SlackDriver, sign
from bot.slack.standin.identity import BotIdentity
from bot.slack.standin.records import ApiCall, Channel, Message, ScheduledMessage, User, ViewRecord
from bot.slack.standin.server import SLACK_POST_LIMIT, SlackStandin
from bot.slack.standin.throttle import RateLimit

__all__ = [
    "SLACK_POST_LIMIT",
    "ApiCall",
    "BotIdentity",
    "Channel",
    "Message",
    "RateLimit",
    "ScheduledMessage",
    "SlackDriver",
    "SlackStandin",
    "User",
    "ViewRecord",
    "sign",
]
