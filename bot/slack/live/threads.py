"""What follows a meeting into its card's thread: the recording, the transcript, the summary.

Only share links are posted (``share_url``), never download links (they carry a token) and
never anything about the host's start URL. The AI Companion summary is read from Zoom with
the session of the person who posted the card (the webhook's copy is the fallback). In a
private channel or a DM the summary goes to that person first, with a button that shares it
in the thread: a summary can say more than everyone there should read unasked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.services.recording_actions import RecordingRef
from bot.slack.outbox import SlackOut, SlackOutError
from bot.slack.views._blocks import Block, message
from bot.slack.views.live_meeting import (
    Summary,
    recording_ready,
    summary_for_host,
    summary_from_host_copy,
    summary_in_thread,
    transcript_ready,
)
from bot.store.meeting_posts import MeetingPostStore, PostedMessage
from bot.zoom.models import MeetingSummary

log = logging.getLogger(__name__)

# Reads a summary from Zoom as the post's author: (team id, Slack user id, meeting UUID).
SummaryReader = Callable[[str, str, str], Awaitable[MeetingSummary]]


class ShareRefused(Exception):
    """Why a "Share in the thread" press did nothing; ``reason`` picks the hint."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "gone" | "not_yours" | "empty" | "slack"


@dataclass(frozen=True)
class Shared:
    channel_id: str


class MeetingThreads:
    def __init__(self, posts: MeetingPostStore, slack: SlackOut, *, read_summary: SummaryReader) -> None:
        self._posts = posts
        self._slack = slack
        self._read_summary = read_summary

    async def recording_completed(
        self, meeting_id: int, topic: str, share_url: str, ref: RecordingRef | None = None
    ) -> int:
        return await self._to_threads(meeting_id, recording_ready(topic, share_url, ref))

    async def transcript_completed(self, meeting_id: int, topic: str, share_url: str) -> int:
        return await self._to_threads(meeting_id, transcript_ready(topic, share_url))

    async def summary_completed(self, from_webhook: MeetingSummary) -> int:
        """Post the summary under each channel's card, or to its author first where it is private."""
        delivered = 0
        for post in await self._one_post_per_channel(from_webhook.meeting_id):
            summary = await self._summary_for(post, from_webhook)
            try:
                if await self._slack.is_private(post.team_id, post.channel_id):
                    if post.user_id is None:
                        log.info("a private meeting card has no known author; its summary is not posted")
                        continue
                    host_copy = summary_for_host(summary, post_id=post.id, channel_id=post.channel_id)
                    await self._slack.dm(post.team_id, post.user_id, host_copy)
                else:
                    await self._slack.post(
                        post.team_id, post.channel_id, summary_in_thread(summary), thread_ts=post.ts
                    )
                delivered += 1
            except SlackOutError as error:
                log.warning("could not deliver a meeting summary (%s)", error)
        return delivered

    async def share_summary(self, team_id: str, user_id: str, post_id: int, host_copy: list[Block]) -> Shared:
        """The author pressed "Share in the thread" on their copy: post its summary under the card."""
        return await self.share_copy(
            team_id, user_id, post_id, summary_from_host_copy(host_copy), "Meeting summary"
        )

    async def share_copy(
        self, team_id: str, user_id: str, post_id: int, blocks: list[Block], text: str
    ) -> Shared:
        """Post what the card's author was sent first (a summary, the attendance) under the card."""
        post = await self._posts.get(post_id)
        if post is None or post.team_id != team_id:
            raise ShareRefused("gone")
        if post.user_id != user_id:
            raise ShareRefused("not_yours")
        if not blocks:
            raise ShareRefused("empty")
        try:
            await self._slack.post(team_id, post.channel_id, message(text, blocks), thread_ts=post.ts)
        except SlackOutError as error:
            log.warning("could not share a message in a meeting's thread (%s)", error)
            raise ShareRefused("slack") from None
        return Shared(post.channel_id)

    async def _summary_for(self, post: PostedMessage, from_webhook: MeetingSummary) -> Summary:
        found = from_webhook
        if post.user_id is not None and from_webhook.meeting_uuid:
            try:
                found = await self._read_summary(post.team_id, post.user_id, from_webhook.meeting_uuid)
            except Exception as error:  # not linked, no scope, Zoom down: the webhook has a copy
                log.info("meeting summary read from the webhook instead of Zoom (%s)", type(error).__name__)
        return Summary(
            topic=found.topic or from_webhook.topic or post.topic or "Zoom meeting",
            title=found.title or from_webhook.title,
            content=found.content or from_webhook.content,
            doc_url=found.doc_url or from_webhook.doc_url,
        )

    async def _to_threads(self, meeting_id: int, body: Any) -> int:
        posted = 0
        for post in await self._one_post_per_channel(meeting_id):
            try:
                await self._slack.post(post.team_id, post.channel_id, body, thread_ts=post.ts)
                posted += 1
            except SlackOutError as error:
                log.warning("could not post in a meeting's thread (%s)", error)
        return posted

    async def _one_post_per_channel(self, meeting_id: int) -> list[PostedMessage]:
        seen: set[tuple[str, str]] = set()
        chosen = []
        for post in await self._posts.for_meeting(meeting_id):
            if (post.team_id, post.channel_id) not in seen:
                seen.add((post.team_id, post.channel_id))
                chosen.append(post)
        return chosen
