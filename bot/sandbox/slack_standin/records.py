"""What the stand-in remembers: the workspace's people and channels, and everything the bot did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

MessageKind = Literal["post", "ephemeral", "update", "delete", "response", "unfurl"]


@dataclass(frozen=True)
class User:
    id: str
    name: str
    email: str | None
    tz: str | None
    is_admin: bool = False
    real_name: str | None = None
    locale: str | None = None  # e.g. "en-GB"; users.info sends it only when asked (include_locale)

    @property
    def display_real_name(self) -> str:
        return self.real_name or self.name


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    # Whether the bot is a member: posting to a private channel needs membership
    # (chat:write.public only covers public channels).
    bot_is_member: bool = True
    im_user: str | None = None


@dataclass
class SlackCallRecord:
    """A call the app registered (``calls.add``): who is in it now, and when it ended."""

    id: str
    external_unique_id: str
    join_url: str
    created_by: str
    date_start: int
    title: str | None = None
    external_display_id: str | None = None
    users: list[dict[str, str]] = field(default_factory=list)
    date_end: int | None = None
    duration: int | None = None  # seconds, as calls.end was told (None: not said)

    @property
    def ended(self) -> bool:
        return self.date_end is not None

    def as_payload(self) -> dict[str, Any]:
        """The call object Slack's calls.* methods answer with."""
        body: dict[str, Any] = {
            "id": self.id,
            "date_start": self.date_start,
            "external_unique_id": self.external_unique_id,
            "join_url": self.join_url,
            "users": [dict(u) for u in self.users],
        }
        for key in ("title", "external_display_id", "date_end"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        return body


@dataclass(frozen=True)
class ApiCall:
    """One Web API request as the bot sent it, and how the stand-in answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    ok: bool
    error: str | None
    at: float  # the stand-in's clock when the call arrived


@dataclass(frozen=True)
class Message:
    """A message event: a post, an ephemeral, an edit, a deletion or a response_url post.

    ``user`` is who can see an ephemeral (None for messages everyone in the channel sees).
    For ``response`` messages ``response_type`` is ``"ephemeral"`` or ``"in_channel"`` and
    ``original_ts`` names the message the response URL came from (what ``replace_original``
    and ``delete_original`` act on).
    """

    kind: MessageKind
    channel: str
    ts: str
    text: str | None = None
    blocks: list[dict[str, Any]] | None = None
    user: str | None = None
    thread_ts: str | None = None
    response_type: str | None = None
    replace_original: bool = False
    delete_original: bool = False
    original_ts: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    author: str | None = None  # a person's own message (None: the bot's)
    # chat.unfurl previews attached to a person's message: URL -> {"blocks": [...]}
    unfurls: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_ephemeral(self) -> bool:
        if self.kind == "ephemeral":
            return True
        return self.kind == "response" and self.response_type != "in_channel"

    def as_payload(self, bot_user_id: str, bot_id: str) -> dict[str, Any]:
        """The message as Slack embeds it in a ``block_actions`` payload."""
        payload: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text or ""}
        if self.author is not None:
            payload["user"] = self.author
        else:
            payload.update({"subtype": "bot_message", "user": bot_user_id, "bot_id": bot_id})
        if self.unfurls:
            payload["attachments"] = [
                {"id": n, "app_unfurl_url": url, "is_app_unfurl": True, **unfurl}
                for n, (url, unfurl) in enumerate(self.unfurls.items(), start=1)
            ]
        if self.blocks is not None:
            payload["blocks"] = self.blocks
        if self.thread_ts is not None:
            payload["thread_ts"] = self.thread_ts
        return payload

    def all_text(self) -> str:
        """The fallback text plus every text string in the blocks, for easy assertions."""
        parts = [self.text or ""]
        _collect_text(self.blocks or [], parts)
        _collect_text(list(self.unfurls.values()), parts)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class ViewRecord:
    """A view the bot opened, pushed, updated or published, as stored by the stand-in."""

    method: str  # views.open / views.push / views.update / views.publish
    id: str
    user: str | None
    view: dict[str, Any]  # the view as Slack would return it (id, hash, state, ...)


@dataclass(frozen=True)
class ScheduledMessage:
    id: str
    channel: str
    post_at: int
    text: str | None
    blocks: list[dict[str, Any]] | None


def _collect_text(node: Any, parts: list[str]) -> None:
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str):
            parts.append(text)
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                _collect_text(value, parts)
    elif isinstance(node, list):
        for item in node:
            _collect_text(item, parts)
