"""Help, the link prompt, and failure hints as Block Kit."""

from __future__ import annotations

from bot.slack.hints import SHORTCUTS_LINE, USAGE, Hint, LinkStatus, help_text, link_status_line, usage_lines
from bot.slack.mrkdwn import escape
from bot.slack.views._blocks import Block, SlackMessage, actions, button, context, header, message, section

ACTION_LINK_OPEN = "link_zoom_open"  # a URL button to Zoom's consent page; ack only


def hint_blocks(hint: Hint) -> list[Block]:
    blocks: list[Block] = [section(f":warning: *{escape(hint.title)}*\n{hint.what}")]
    if hint.why:
        blocks.append(context(f"*Why:* {hint.why}"))
    blocks.append(section(f"*What to do:* {hint.fix}"))
    return blocks


def hint_message(hint: Hint) -> SlackMessage:
    return message(hint.text(), hint_blocks(hint))


def help_blocks(link_status: LinkStatus, *, subcommand: str | None = None) -> list[Block]:
    """All commands (those that exist in this mode), or one command's usage and example."""
    if subcommand in USAGE:
        entry = USAGE[subcommand]
        return [
            section(
                f"`{escape(entry.syntax)}` — {escape(entry.summary)}\nExample: `{escape(entry.example)}`"
            ),
        ]
    return [
        header("Zoom from Slack"),
        section(link_status_line(link_status)),
        section("*Commands*\n" + "\n".join(usage_lines(account_mode=link_status.account_mode))),
        section(SHORTCUTS_LINE),
        context("Times are read in your Slack time zone. Meeting ids may have spaces: `812 3456 7890`."),
    ]


def help_message(link_status: LinkStatus, *, subcommand: str | None = None) -> SlackMessage:
    if subcommand in USAGE:
        entry = USAGE[subcommand]
        return message(f"Usage: {escape(entry.syntax)}", help_blocks(link_status, subcommand=subcommand))
    return message(help_text(link_status), help_blocks(link_status))


def link_prompt(authorize_url: str) -> SlackMessage:
    """A button to Zoom's consent page. The URL is single-use and bound to the caller: ephemeral only."""
    text = (
        "Link your Zoom account so I can create and manage meetings for you. "
        "Zoom will ask you to approve zoombot; the link works once and expires in 10 minutes."
    )
    blocks = [
        section(text),
        actions(button("Link Zoom account", action_id=ACTION_LINK_OPEN, url=authorize_url, style="primary")),
    ]
    return message("Link your Zoom account: use the button (it expires in 10 minutes).", blocks)
