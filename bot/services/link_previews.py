"""Previews of Zoom meeting links pasted in Slack (the Events API ``link_shared`` event).

A link is previewed only when the person who pasted it can read the meeting at Zoom
(user mode: with their own link; account mode: through the account, and only if they
are a user of it), so a channel never learns more than the poster could see. The
preview's Join button opens exactly the URL that was pasted: no passcode is added that
the poster did not already share, and the host's ``start_url`` is never read out.

Slack retries an event it thinks was not delivered; :meth:`LinkPreviews.first_delivery`
records each ``event_id`` so a retry has no second effect.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.services.people import PeopleDirectory
from bot.services.refusals import Refusal
from bot.services.zoom_access import ZoomAccess
from bot.store.events import ProcessedEventStore
from bot.zoom.errors import NotLinkedError, ZoomError
from bot.zoom.models import Meeting

log = logging.getLogger(__name__)

ZOOM_DOMAIN = "zoom.us"
SOURCE = "slack"  # processed_events rows: "event:<team>:<event id>", "link-prompt:<team>:<user>"
# Keys are pruned after a day, so an unlinked poster is asked to link at most once a day.
MAX_LINKS = 5  # Slack sends at most a handful per message; each costs Zoom calls

_JOIN_PATH = re.compile(r"/j/([0-9]{9,11})/?")


def zoom_hosts(*zoom_urls: str) -> frozenset[str]:
    """``zoom.us`` plus the hosts of the configured Zoom URLs (a Zoom elsewhere, e.g. the sandbox's)."""
    hosts = {ZOOM_DOMAIN}
    for url in zoom_urls:
        host = urlsplit(url).hostname
        if host:
            hosts.add(host.lower())
    return frozenset(hosts)


def meeting_id_in_link(url: str, hosts: Iterable[str]) -> int | None:
    """The meeting id of a Zoom join link (``https://<sub.>zoom.us/j/<id>[?pwd=…]``), else None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme not in ("https", "http"):
        return None
    if not any(host == known or host.endswith("." + known) for known in hosts):
        return None
    found = _JOIN_PATH.fullmatch(parts.path)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class MeetingPreview:
    url: str  # exactly as pasted: the key Slack expects in `unfurls`, and what Join opens
    meeting: Meeting
    host: str


@dataclass(frozen=True)
class PreviewBatch:
    previews: list[MeetingPreview]
    poster_tz: ZoneInfo  # for the fallback text of times (each reader sees their own zone)
    ask_to_link: bool = False  # user mode, the poster has no Zoom link and was not asked today


class LinkPreviews:
    def __init__(
        self,
        zoom_access: ZoomAccess,
        people: PeopleDirectory,
        events: ProcessedEventStore,
        *,
        clock: Callable[[], datetime],
        hosts: frozenset[str],
    ) -> None:
        self._zoom_access = zoom_access
        self._people = people
        self._events = events
        self._clock = clock
        self.hosts = hosts

    async def first_delivery(self, team_id: str, event_id: str) -> bool:
        """False for a delivery of this event seen before (Slack's retry)."""
        return await self._events.first_time(SOURCE, f"event:{team_id}:{event_id}", now=self._clock())

    async def forget_delivery(self, team_id: str, event_id: str) -> None:
        await self._events.forget(SOURCE, f"event:{team_id}:{event_id}")

    def meeting_links(self, urls: Iterable[str]) -> list[tuple[str, int]]:
        found = [(url, meeting_id) for url in urls if (meeting_id := meeting_id_in_link(url, self.hosts))]
        return found[:MAX_LINKS]

    async def previews(self, team_id: str, user_id: str, urls: Sequence[str]) -> PreviewBatch:
        """What the poster may show of the meetings behind ``urls``; unreadable ones are left out."""
        wanted = self.meeting_links(urls)
        person = await self._people.get(team_id, user_id)
        if not wanted:
            return PreviewBatch([], person.tz)
        try:
            actor = await self._zoom_access.actor_for(person)
        except Refusal as refusal:  # account mode: no e-mail to find their Zoom user by
            log.info("no link preview for %s: %s", user_id, refusal.kind.value)
            return PreviewBatch([], person.tz)
        previews: list[MeetingPreview] = []
        for url, meeting_id in wanted:
            try:
                meeting = await actor.readable(meeting_id)
            except NotLinkedError:
                return PreviewBatch([], person.tz, ask_to_link=await self._not_asked_today(team_id, user_id))
            except (ZoomError, Refusal) as error:
                # Not theirs, gone, or Zoom trouble: showing nothing is the safe answer.
                log.info("no link preview for %s: %s", user_id, error.kind.value)
                continue
            previews.append(MeetingPreview(url, meeting, await actor.host_name(meeting)))
        return PreviewBatch(previews, person.tz)

    async def first_scope_notice_today(self, team_id: str, user_id: str) -> bool:
        """True at most once a day per person: previews are off for want of a Slack scope."""
        return await self._events.first_time(SOURCE, f"scope-notice:{team_id}:{user_id}", now=self._clock())

    async def _not_asked_today(self, team_id: str, user_id: str) -> bool:
        return await self._events.first_time(SOURCE, f"link-prompt:{team_id}:{user_id}", now=self._clock())
