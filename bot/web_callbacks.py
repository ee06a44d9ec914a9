"""The OAuth callbacks (Zoom link, Slack status consent): complete the flow and say how it went, as a page."""

from __future__ import annotations

import logging

from bot.pages import render_page
from bot.services.link_flow import LinkFlow, LinkRefusal, LinkResult
from bot.services.people import PeopleDirectory
from bot.services.status_sync import ConsentOutcome, StatusSync
from bot.slack.hints import database_down_page, link_outcome_page
from bot.slack.hints.status import status_consent_page
from bot.store.outage import is_database_outage

log = logging.getLogger(__name__)


class LinkCallback:
    def __init__(self, flow: LinkFlow, people: PeopleDirectory) -> None:
        self._flow = flow
        self._people = people

    async def handle(self, query: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, HTML) for ``GET /zoom/oauth/callback?code=…&state=…``."""
        code, state = query.get("code", ""), query.get("state", "")
        if query.get("error"):  # the person pressed "Decline" at Zoom
            result = LinkResult(ok=False, reason=LinkRefusal.CODE_REJECTED)
            return self._page(result, declined=True)
        if not code or not state or len(code) > 2048 or len(state) > 512:
            return self._page(LinkResult(ok=False, reason=LinkRefusal.STATE_INVALID))
        try:
            result = await self._flow.complete(code, state, self._slack_email)
        except Exception as error:
            if not is_database_outage(error):
                raise
            log.warning("zoom link attempt not completed: the database is not answering")
            title, paragraphs = database_down_page()
            return 503, render_page(title, paragraphs, ok=False)
        log.info("zoom link attempt finished: %s", result.reason)
        return self._page(result)

    async def _slack_email(self, team_id: str, user_id: str) -> str | None:
        self._people.forget(team_id, user_id)  # the e-mail check must use the profile as it is now
        person = await self._people.get(team_id, user_id)
        return person.email

    def _page(self, result: LinkResult, *, declined: bool = False) -> tuple[int, str]:
        title, paragraphs = link_outcome_page(result, declined=declined)
        status = 200 if result.ok else 400
        return status, render_page(title, paragraphs, ok=result.ok)


class StatusConsentCallback:
    """Slack's redirect after a person's consent to status sync (``GET /slack/status/oauth_redirect``)."""

    def __init__(self, sync: StatusSync) -> None:
        self._sync = sync

    async def handle(self, query: dict[str, str]) -> tuple[int, str]:
        code, state = query.get("code", ""), query.get("state", "")
        if not self._sync.available:
            return self._page(ConsentOutcome.STATE_INVALID)
        if query.get("error"):  # the person pressed "Cancel" at Slack
            if state and len(state) <= 512:
                await self._sync.decline(state)
            return self._page(ConsentOutcome.DECLINED)
        if not code or not state or len(code) > 2048 or len(state) > 512:
            return self._page(ConsentOutcome.STATE_INVALID)
        try:
            outcome = await self._sync.complete(code, state)
        except Exception as error:
            if not is_database_outage(error):
                raise
            log.warning("status consent not completed: the database is not answering")
            title, paragraphs = database_down_page()
            return 503, render_page(title, paragraphs, ok=False)
        log.info("status consent finished: %s", outcome)
        return self._page(outcome)

    def _page(self, outcome: ConsentOutcome) -> tuple[int, str]:
        title, paragraphs = status_consent_page(outcome)
        ok = outcome is ConsentOutcome.ON
        return 200 if ok else 400, render_page(title, paragraphs, ok=ok)
