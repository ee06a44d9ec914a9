"""Attendance after a meeting, into each card's thread, or first to the card's author where it is private.

The jobs (``bot/services/attendance_followup.py``) decide when and what; this only delivers,
as the meeting summary is delivered (``bot/slack/live/threads.py``): in a private channel or a
DM the read-out goes to whoever posted the card, by DM, with a button that shares it in the
thread. A refusal that is the author's to fix (not linked, a missing scope, a free plan) is
told to them alone, never to the channel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.services.attendance import Attendance
from bot.slack.hints import Mode, attendance_unavailable_hint, hint_for
from bot.slack.outbox import SlackOut, SlackOutError
from bot.slack.views.attendance import attendance_for_host, attendance_gave_up, attendance_in_thread
from bot.slack.views.replies import hint_message
from bot.store.meeting_posts import PostedMessage

log = logging.getLogger(__name__)


class AttendanceThreads:
    def __init__(self, slack: SlackOut, *, mode: Mode) -> None:
        self._slack = slack
        self._mode = mode

    async def attendance_ready(
        self, posts: Sequence[PostedMessage], meeting_id: int, topic: str, attendance: Attendance
    ) -> int:
        delivered = 0
        for post in posts:
            try:
                if await self._slack.is_private(post.team_id, post.channel_id):
                    if post.user_id is None:
                        log.info("a private meeting card has no known author; its attendance is not posted")
                        continue
                    host_copy = attendance_for_host(
                        topic, attendance, post_id=post.id, channel_id=post.channel_id
                    )
                    await self._slack.dm(post.team_id, post.user_id, host_copy)
                else:
                    await self._slack.post(
                        post.team_id,
                        post.channel_id,
                        attendance_in_thread(topic, attendance),
                        thread_ts=post.ts,
                    )
                delivered += 1
            except SlackOutError as error:
                log.warning("could not deliver a meeting's attendance (%s)", error)
        return delivered

    async def attendance_gave_up(self, posts: Sequence[PostedMessage], meeting_id: int, topic: str) -> int:
        delivered = 0
        for post in posts:
            try:
                await self._slack.post(
                    post.team_id, post.channel_id, attendance_gave_up(topic, meeting_id), thread_ts=post.ts
                )
                delivered += 1
            except SlackOutError as error:
                log.warning("could not say a meeting's attendance never came (%s)", error)
        return delivered

    async def attendance_unavailable(
        self, team_id: str, user_id: str, meeting_id: int, topic: str, error: Exception
    ) -> None:
        hint = hint_for(error, mode=self._mode, operation="read your meeting's attendance")
        try:
            await self._slack.dm(team_id, user_id, hint_message(attendance_unavailable_hint(hint, topic)))
        except SlackOutError as failed:
            log.warning("could not tell a host why their meeting's attendance is missing (%s)", failed)
