"""Slack messages, modals and Home tabs as terminal text, for ``zoombot sandbox``.

Pure functions: Block Kit (and Slack's ``mrkdwn`` tokens) in, lines of text out. Buttons
are collected as :class:`Button` records and shown as ``[N] Label`` so the prompt can
press them by number; the numbering starts where the caller says, so one batch of
messages shares one sequence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from bot.sandbox.slack_standin.records import Channel, Message, SlackCallRecord

INDENT = "  "
DIVIDER = "─" * 40

# A channel id or user id → its name, or None when unknown (the id is shown then).
NameLookup = Callable[[str], str | None]
# A call id → the call as Slack has it now (a call block shows Slack's live call, not the message).
CallLookup = Callable[[str], SlackCallRecord | None]


def _no_names(_: str) -> str | None:
    return None


def _no_calls(_: str) -> SlackCallRecord | None:
    return None


@dataclass(frozen=True)
class Names:
    """How ``<#C…>`` and ``<@U…>`` tokens become ``#general`` and ``@alice``."""

    channel: NameLookup = _no_names
    user: NameLookup = _no_names
    call: CallLookup = _no_calls


@dataclass(frozen=True)
class Button:
    """A button as rendered: enough to press it the way Slack would."""

    label: str
    action_id: str
    value: str | None = None
    url: str | None = None
    confirm: dict[str, Any] | None = None  # Slack's confirmation dialog, shown before pressing


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# --- mrkdwn ------------------------------------------------------------------------------

_TOKEN = re.compile(r"<([^<>]*)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is "&lt;"


def unescape(text: str) -> str:
    """Slack's three escapes undone, for display (``&amp;lt;`` stays ``&lt;``)."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def mrkdwn_to_text(text: str, names: Names | None = None) -> str:
    """Slack's markup as a terminal shows it.

    ``<!date^…|fallback>`` → the fallback; ``<url|label>`` → ``label (url)``; ``<url>`` →
    the URL; ``<#C1|general>`` / ``<#C1>`` → ``#general``; ``<@U1>`` → ``@alice``;
    ``<!here>`` → ``@here``; then ``&lt;``, ``&gt;`` and ``&amp;`` are unescaped.
    Emphasis (``*bold*``, ``_italic_``, backticks) is left as typed: it reads fine.
    """
    lookup = names or Names()
    return unescape(_TOKEN.sub(lambda match: _token_text(match.group(1), lookup), text))


def _token_text(body: str, names: Names) -> str:
    target, _, label = body.partition("|")
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!"):
        return "@" + target[1:]
    if target.startswith("#"):
        return "#" + (label or names.channel(target[1:]) or target[1:])
    if target.startswith("@"):
        return "@" + (label or names.user(target[1:]) or target[1:])
    if label and label != target:
        return f"{label} ({target})"
    return target


def text_object(obj: Any, names: Names | None = None) -> str:
    """A Block Kit text object (``plain_text`` is shown as-is, ``mrkdwn`` is converted)."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text") or "")
    return mrkdwn_to_text(text, names) if obj.get("type") == "mrkdwn" else text


# --- blocks ------------------------------------------------------------------------------


class _BlockWriter:
    def __init__(self, names: Names, first_number: int) -> None:
        self.names = names
        self.next_number = first_number
        self.out = Rendered()

    def line(self, text: str, indent: str = "") -> None:
        for piece in text.split("\n"):
            self.out.lines.append(f"{indent}{piece}".rstrip())

    def element(self, element: dict[str, Any]) -> str:
        """One interactive element as a short inline description."""
        kind = element.get("type")
        if kind == "button":
            button = Button(
                label=text_object(element.get("text"), self.names),
                action_id=str(element.get("action_id") or ""),
                value=element.get("value"),
                url=element.get("url"),
                confirm=element.get("confirm"),
            )
            self.out.buttons.append(button)
            number = self.next_number
            self.next_number += 1
            shown = f"[{number}] {button.label}"
            return f"{shown} → {button.url}" if button.url else shown
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        if kind in ("plain_text", "mrkdwn"):
            return text_object(element, self.names)
        placeholder = text_object(element.get("placeholder"), self.names)
        return f"[{kind}, placeholder {placeholder!r}]" if placeholder else f"[{kind}]"

    def block(self, block: dict[str, Any]) -> None:
        kind = block.get("type")
        if kind == "header":
            title = text_object(block.get("text"), self.names)
            self.line(f"== {title} ==")
        elif kind == "section":
            self.section(block)
        elif kind == "context":
            parts = [self.element(e) for e in block.get("elements") or []]
            self.line(" · ".join(p for p in parts if p), "  ")
        elif kind == "divider":
            self.line(DIVIDER)
        elif kind == "actions":
            self.line("   ".join(self.element(e) for e in block.get("elements") or []))
        elif kind == "input":
            label = text_object(block.get("label"), self.names)
            optional = " (optional)" if block.get("optional") else ""
            self.line(f"{label}{optional}: {self.element(block.get('element') or {})}")
        elif kind == "image":
            self.line(f"[image: {block.get('alt_text', '')}]")
        elif kind == "call":
            self.line(
                call_line(str(block.get("call_id") or ""), self.names.call(str(block.get("call_id") or "")))
            )
        else:
            self.line(f"[{kind} block]")

    def section(self, block: dict[str, Any]) -> None:
        if block.get("text"):
            self.line(text_object(block["text"], self.names))
        for field_obj in block.get("fields") or []:
            # Fields are short "label\nvalue" pairs; one line each reads best in a terminal.
            self.line("• " + " ".join(text_object(field_obj, self.names).split("\n")))
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            self.line(self.element(accessory), "  ")


def call_line(call_id: str, call: SlackCallRecord | None) -> str:
    """A ``call`` block as Slack draws it: the call's title, and who is in it or that it ended."""
    if call is None:
        return f"📞 Slack call {call_id}"
    title = call.title or "Call"
    if call.ended:
        minutes = f" after {max(1, round(call.duration / 60))} min" if call.duration else ""
        return f"📞 Slack call: {title} · ended{minutes}"
    return f"📞 Slack call: {title} · {len(call.users)} in the call"


def render_blocks(
    blocks: list[dict[str, Any]], *, names: Names | None = None, first_number: int = 1
) -> Rendered:
    """Block Kit blocks as lines; buttons numbered from ``first_number`` in reading order."""
    writer = _BlockWriter(names or Names(), first_number)
    for block in blocks:
        if isinstance(block, dict):
            writer.block(block)
    return writer.out


def render_content(
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    *,
    names: Names | None = None,
    first_number: int = 1,
) -> Rendered:
    """A message body: its blocks when it has any (Slack shows those), else its text."""
    if blocks:
        return render_blocks(blocks, names=names, first_number=first_number)
    return Rendered(lines=mrkdwn_to_text(text or "", names).split("\n"))


def render_message(message: Message, *, names: Names | None = None, first_number: int = 1) -> Rendered:
    """What Slack shows of ``message``; for an unfurl, the previews under the person's link."""
    if message.kind != "unfurl":
        return render_content(message.text, message.blocks, names=names, first_number=first_number)
    out = Rendered()
    for url, unfurl in message.unfurls.items():
        number = first_number + len(out.buttons)
        body = render_content(unfurl.get("text"), unfurl.get("blocks"), names=names, first_number=number)
        out.lines.append(f"↳ {url}")
        out.lines.extend(f"│ {line}".rstrip() for line in body.lines)
        out.buttons.extend(body.buttons)
    return out


def render_view(view: dict[str, Any], *, names: Names | None = None, first_number: int = 1) -> Rendered:
    """A modal (title, blocks, submit/close labels) or a Home tab (its blocks)."""
    body = render_blocks(view.get("blocks") or [], names=names, first_number=first_number)
    if view.get("type") != "modal":
        return body
    title = text_object(view.get("title"), names)
    lines = [f"┌ {title}", *body.lines]
    submit, close = text_object(view.get("submit"), names), text_object(view.get("close"), names)
    if submit or close:
        lines.append(f"└ [{submit or 'Submit'}]  [{close or 'Close'}]")
    return Rendered(lines=lines, buttons=body.buttons)


def indented(lines: list[str], prefix: str = INDENT) -> list[str]:
    return [f"{prefix}{line}" if line else "" for line in lines]


def confirm_dialog(confirm: dict[str, Any]) -> str:
    """A button's confirmation dialog as one line: title — text [confirm / deny]."""
    title = text_object(confirm.get("title"))
    body = text_object(confirm.get("text"))
    yes = text_object(confirm.get("confirm")) or "Confirm"
    no = text_object(confirm.get("deny")) or "Cancel"
    return f"{title} — {body} [{yes} / {no}]"


# --- where a message is -----------------------------------------------------------------


def message_label(
    message: Message, channel: Channel, *, viewer: str, viewer_channel: str, names: Names
) -> str:
    """Where ``message`` appeared and who sees it, as the viewer would put it.

    ``[ephemeral to you]``, ``[#general]``, ``[DM]`` (the viewer's DM with the bot),
    ``[DM to @bob]``; ``ephemeral … in #design`` when it is not the viewer's channel;
    ``, in the thread`` for a reply under a message (a meeting card's thread);
    ``, edited`` / ``, replacing the message above`` for changes; deletions say so.
    """

    def who(user_id: str | None) -> str:
        return "@" + (names.user(user_id or "") or user_id or "someone")

    if channel.is_im:
        where = "DM" if channel.im_user == viewer else f"DM to {who(channel.im_user)}"
    else:
        where = f"#{channel.name}"
    if message.is_ephemeral:
        label = f"ephemeral to {'you' if message.user == viewer else who(message.user)}"
        if message.channel != viewer_channel:
            label += f" in {where}"
    else:
        label = where
    if message.kind == "unfurl":
        return f"[{label}, preview of the link {who(message.author)} posted]"
    if message.thread_ts is not None:
        label += ", in the thread"
    if message.author is not None:
        label += f", {who(message.author)} wrote"
    if message.kind == "delete" or message.delete_original:
        return f"[{label}] (a message was deleted)"
    if message.kind == "update":
        label += ", edited"
    elif message.replace_original:
        label += ", replacing the message above"
    return f"[{label}]"


# --- web pages ---------------------------------------------------------------------------


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.paragraphs: list[str] = []
        self._in: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "p", "h1"):
            self._in, self._buffer = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        text = " ".join("".join(self._buffer).split())
        if tag == "title":
            self.title = text
        elif tag == "p" and text:
            self.paragraphs.append(text)
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._buffer.append(data)


def page_summary(page: str) -> tuple[str, list[str]]:
    """An HTML page's title and paragraphs, as a person skimming it would read them."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    return parser.title, parser.paragraphs  # entities already decoded (convert_charrefs)
