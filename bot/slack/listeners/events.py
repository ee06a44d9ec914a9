"""Events API: App Home opened; Zoom links shared; Slack uninstall/revocation in multi-workspace mode."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.link_previews import LinkPreviews
from bot.slack import views
from bot.slack.deps import deps_of
from bot.slack.handlers.caller import Caller
from bot.slack.hints import slack_scope_missing_hint
from bot.slack.listeners.home import publish_home

log = logging.getLogger(__name__)

COMPOSER = "composer"  # a link still in the message box: only unfurl_id + source name it


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(app_home_opened)
    app.event("link_shared")(link_shared)


async def app_home_opened(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
    if event.get("tab") != "home":
        return
    ctx = Caller.from_bolt(context, channel_id=str(event.get("channel") or ""))
    await publish_home(ctx, client)


async def link_shared(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Preview the Zoom meeting links in a message, for meetings the poster can read."""
    previews = deps_of(context).link_previews
    team_id = str(context.team_id or body.get("team_id") or "")
    user_id = str(event.get("user") or "")
    event_id = str(body.get("event_id") or "")
    if not user_id or user_id == context.bot_user_id:
        return
    links = event.get("links") or ()
    urls = [str(link["url"]) for link in links if isinstance(link, dict) and link.get("url")]
    if not previews.meeting_links(urls):
        return
    if event_id and not await previews.first_delivery(team_id, event_id):
        log.info("link_shared %s delivered again; already handled", event_id)
        return
    try:
        batch = await previews.previews(team_id, user_id, urls)
        if batch.previews:
            unfurls = {
                p.url: views.meeting_unfurl(p.meeting, url=p.url, host=p.host, fallback_tz=batch.poster_tz)
                for p in batch.previews
            }
            target = _target(event)
            await client.chat_unfurl(
                channel=target.get("channel"),
                ts=target.get("ts"),
                unfurl_id=target.get("unfurl_id"),
                source=target.get("source"),
                unfurls=unfurls,
            )
        elif batch.ask_to_link and event.get("source") != COMPOSER and event.get("channel"):
            await client.chat_postEphemeral(
                channel=str(event["channel"]), user=user_id, **views.link_to_preview_prompt()
            )
    except SlackApiError as error:
        if error.response.get("error") != "missing_scope":
            await _preview_failed(previews, team_id, event_id, error)
            return
        # The workspace left out links:write: previews are off there, and a retry cannot help.
        log.info("no Zoom link preview: the workspace did not grant %s", error.response.get("needed"))
        try:
            if event.get("channel") and await previews.first_scope_notice_today(team_id, user_id):
                hint = slack_scope_missing_hint(str(error.response.get("needed") or "links:write"))
                await client.chat_postEphemeral(
                    channel=str(event["channel"]), user=user_id, **views.hint_message(hint)
                )
        except Exception as notice_error:  # the note is a courtesy; nothing is left undone without it
            log.warning("could not tell %s that previews are off: %s", user_id, type(notice_error).__name__)
    except Exception as error:
        await _preview_failed(previews, team_id, event_id, error)


async def _preview_failed(previews: LinkPreviews, team_id: str, event_id: str, error: Exception) -> None:
    # Forget the delivery so a retry of this event gets a fresh try.
    log.warning("could not preview Zoom links (%s): %s", event_id, type(error).__name__)
    if event_id:
        await previews.forget_delivery(team_id, event_id)


def _target(event: dict[str, Any]) -> dict[str, str]:
    """Name the message as the event does: channel + ts once posted, unfurl_id + source in the composer."""
    if event.get("source") != COMPOSER and event.get("channel") and event.get("message_ts"):
        return {"channel": str(event["channel"]), "ts": str(event["message_ts"])}
    return {"unfurl_id": str(event.get("unfurl_id") or ""), "source": str(event.get("source") or COMPOSER)}
