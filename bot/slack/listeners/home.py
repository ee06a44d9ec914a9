"""The App Home tab: link status, next meetings, and buttons."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.services.refusals import Refusal
from bot.slack import views
from bot.slack.handlers.account import link_status
from bot.slack.handlers.caller import Caller
from bot.zoom.errors import NotLinkedError, ZoomError
from bot.zoom.models import Meeting

log = logging.getLogger(__name__)


async def publish_home(ctx: Caller, client: AsyncWebClient) -> None:
    status = await link_status(ctx)
    person = await ctx.person()
    meetings: list[Meeting] = []
    if status.linked or status.account_mode:
        try:
            zoom = await ctx.zoom()
            now = ctx.now()
            meetings = list(await zoom.upcoming(start=now, end=now + timedelta(days=7)))
        except (ZoomError, Refusal, NotLinkedError) as error:
            # The Home tab still shows the link status and buttons; the command replies explain errors.
            log.info("home tab without meetings for %s: %s", ctx.user_id, error)
    view = views.home_view(status, meetings, viewer_tz=person.tz, now=ctx.now())
    await client.views_publish(user_id=ctx.user_id, view=view)
