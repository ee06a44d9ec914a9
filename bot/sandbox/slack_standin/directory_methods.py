"""``auth.test``, ``users.info`` and ``conversations.*``: who and where."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox.slack_standin.context import MethodContext, Refusal, required, text_arg
from bot.sandbox.slack_standin.records import Channel, User


def auth_test(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    me = ctx.identity
    return {
        "url": f"https://{me.team_domain}.slack.com/",
        "team": me.team_name,
        "user": me.bot_name,
        "team_id": me.team_id,
        "user_id": me.bot_user_id,
        "bot_id": me.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    user = ctx.workspace.users.get(required(args, "user", "user_not_found"))
    if user is None:
        raise Refusal("user_not_found")
    found = user_object(ctx, user)
    if str(args.get("include_locale", "")).lower() in ("true", "1") and user.locale:
        found["locale"] = user.locale
    return {"user": found}


def users_lookup_by_email(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    email = required(args, "email", "users_not_found").strip().lower()
    user = next((u for u in ctx.workspace.users.values() if (u.email or "").lower() == email), None)
    if user is None:
        raise Refusal("users_not_found")
    return {"user": user_object(ctx, user)}


def user_object(ctx: MethodContext, user: User) -> dict[str, Any]:
    tz_label, tz_offset = _zone_label_and_offset(user.tz, ctx.workspace.clock())
    profile: dict[str, Any] = {
        "real_name": user.display_real_name,
        "display_name": user.name,
        "real_name_normalized": user.display_real_name,
    }
    if user.email is not None:
        profile["email"] = user.email
    return {
        "id": user.id,
        "team_id": ctx.identity.team_id,
        "name": user.name,
        "deleted": False,
        "real_name": user.display_real_name,
        # Slack sends null when the user never set a zone; callers must fall back.
        "tz": user.tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": False,
        "is_bot": False,
        "is_app_user": False,
    }


def _zone_label_and_offset(tz: str | None, now: float) -> tuple[str, int]:
    if tz is None:
        return "Coordinated Universal Time", 0
    try:
        local = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return tz, 0
    offset = local.utcoffset()
    return local.tzname() or tz, int(offset.total_seconds()) if offset is not None else 0


def conversations_open(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    users = [u for u in (text_arg(args, "users") or "").split(",") if u]
    if not users:
        channel_id = text_arg(args, "channel")
        channel = ctx.workspace.channels.get(channel_id or "")
        if channel is None or not channel.is_im:
            raise Refusal("channel_not_found")
        return {"channel": {"id": channel.id}, "already_open": True}
    if len(users) > 1:
        # Group DMs are not something zoombot does; say so rather than fake one.
        raise Refusal("not_supported")
    if users[0] not in ctx.workspace.users:
        raise Refusal("user_not_found")
    channel, already_open = ctx.workspace.open_dm(users[0])
    return {"channel": {"id": channel.id}, "no_op": already_open, "already_open": already_open}


def conversations_info(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = ctx.workspace.channels.get(required(args, "channel", "channel_not_found"))
    if channel is None:
        raise Refusal("channel_not_found")
    return {"channel": channel_object(channel)}


def channel_object(channel: Channel) -> dict[str, Any]:
    if channel.is_im:
        return {"id": channel.id, "is_im": True, "user": channel.im_user, "is_open": True}
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_private": channel.is_private,
        "is_archived": False,
        "is_member": channel.bot_is_member,
    }
