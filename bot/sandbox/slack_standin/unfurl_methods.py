"""Link unfurling: a person's message with links on the app's domains, and ``chat.unfurl``.

Slack's side of it: when someone posts a message with a link on one of the app's
``unfurl_domains`` (or a subdomain), Slack sends the app a ``link_shared`` event naming
the channel, the message ``ts``, an ``unfurl_id``, the ``source`` and each link
(``url`` as a plain string, ``domain``). The app answers with ``chat.unfurl``, naming the
message by ``channel`` + ``ts`` or by ``unfurl_id`` + ``source`` and giving ``unfurls``, a
map from those very URLs to an attachment (here: ``blocks``). A URL that was not shared
with the app, or is not in that message, is refused; a second call for the same message
replaces that URL's preview rather than adding one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.slack_standin.blocks import MAX_MESSAGE_BLOCKS, block_errors
from bot.sandbox.slack_standin.context import MethodContext, Refusal, text_arg
from bot.sandbox.slack_standin.records import Message

SOURCES = ("composer", "conversations_history")
# Slack finds links in what the client sent: `<https://…|label>`, `<https://…>` or a bare URL.
_URL = re.compile(r"https?://[^\s<>|]+")


def links_in(text: str, domains: tuple[str, ...]) -> list[dict[str, str]]:
    """``links`` of a link_shared event: each distinct URL on one of ``domains``, in order."""
    found: list[dict[str, str]] = []
    for url in dict.fromkeys(_URL.findall(text)):
        host = (urlsplit(url).hostname or "").lower()
        domain = next((d for d in domains if host == d or host.endswith("." + d)), None)
        if domain is not None:
            found.append({"domain": domain, "url": url})
    return found


def post_as_person(
    ctx: MethodContext, user: str, channel: str, text: str, domains: tuple[str, ...]
) -> tuple[Message, dict[str, Any] | None]:
    """``user`` posts ``text`` in ``channel``; returns the message and the link_shared event
    Slack would send the app (None when there is no link to unfurl or the bot can't see it)."""
    ws = ctx.workspace
    where = ws.ensure_channel(channel)
    message = Message(kind="post", channel=where.id, ts=ws.next_ts(), text=text, author=user)
    with ws.lock:
        ws.live[(where.id, message.ts)] = message
    ctx.recorder.message(message)
    links = links_in(text, domains)
    if not links or not where.bot_is_member or not ctx.granted("links:read"):
        return message, None
    digest = hashlib.sha256(f"{where.id}:{message.ts}:{text}".encode()).hexdigest()
    unfurl_id = f"{where.id}.{message.ts}.{digest}"
    with ws.lock:
        ctx.shared_links.by_message[(where.id, message.ts)] = tuple(link["url"] for link in links)
        ctx.shared_links.by_unfurl_id[unfurl_id] = (where.id, message.ts)
    event = {
        "type": "link_shared",
        "channel": where.id,
        "is_bot_user_member": where.bot_is_member,
        "user": user,
        "message_ts": message.ts,
        "unfurl_id": unfurl_id,
        "source": "conversations_history",
        "links": links,
    }
    return message, event


def unfurl(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel, ts = _message_named(ctx, args)
    unfurls = _unfurls(args)
    with ctx.workspace.lock:
        current = ctx.workspace.live.get((channel, ts))
        shared = ctx.shared_links.by_message.get((channel, ts), ())
    if current is None or current.author is None:
        raise Refusal("cannot_find_message")
    for url in unfurls:
        if url not in (current.text or ""):
            raise Refusal("cannot_unfurl_message")
        if url not in shared:
            raise Refusal("cannot_unfurl_url")
    with ctx.workspace.lock:
        current = ctx.workspace.live.get((channel, ts)) or current
        updated = replace(current, unfurls={**current.unfurls, **unfurls})
        ctx.workspace.live[(channel, ts)] = updated
    ctx.recorder.message(replace(updated, kind="unfurl"))
    return {}


def _message_named(ctx: MethodContext, args: dict[str, Any]) -> tuple[str, str]:
    """channel + ts, or unfurl_id + source: each pair complete, as Slack insists."""
    unfurl_id, source = text_arg(args, "unfurl_id"), text_arg(args, "source")
    if unfurl_id is not None or source is not None:
        if unfurl_id is None or source not in SOURCES:
            raise Refusal("invalid_arguments")
        with ctx.workspace.lock:
            named = ctx.shared_links.by_unfurl_id.get(unfurl_id)
        if named is None:
            raise Refusal("cannot_find_message")
        return named
    channel, ts = text_arg(args, "channel"), text_arg(args, "ts")
    if channel is None:
        raise Refusal("missing_channel")
    if ts is None:
        raise Refusal("missing_ts")
    if channel not in ctx.workspace.channels:
        raise Refusal("cannot_find_channel")
    return channel, ts


def _unfurls(args: dict[str, Any]) -> dict[str, dict[str, Any]]:
    raw = args.get("unfurls")
    if raw is None or raw == "":
        raise Refusal("missing_unfurls")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise Refusal("invalid_unfurls_format") from None
    if not isinstance(raw, dict) or not raw or not all(isinstance(k, str) for k in raw):
        raise Refusal("invalid_unfurls_format")
    unfurls: dict[str, dict[str, Any]] = {}
    for url, attachment in raw.items():
        if not isinstance(attachment, dict) or not (attachment.get("blocks") or attachment.get("text")):
            raise Refusal("cannot_parse_attachment")
        if "blocks" in attachment:
            errors = block_errors(attachment["blocks"], max_blocks=MAX_MESSAGE_BLOCKS, pointer="/blocks")
            if errors:
                raise Refusal("invalid_blocks", extra={"errors": errors})
        unfurls[url] = attachment
    return unfurls
