"""The simulator's outgoing webhooks: Zoom's event bodies, signed and delivered to the bot."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.sandbox.zoom_simulator import webhooks
from bot.sandbox.zoom_simulator.fault_control import SimFaults


class SimWebhooks(SimFaults):
    # -- webhooks ----------------------------------------------------------------------------

    def webhook_payload(self, event: str, **params: Any) -> dict[str, Any]:
        """A webhook body for ``event`` (one of ``webhooks.EVENTS``).

        Params: ``plain_token`` (url_validation); ``meeting_id`` and ``operator_email``
        (meeting.*; the operator defaults to the host); ``old_values`` (meeting.updated:
        the changed fields' previous values) and ``occurrence_id`` (meeting.updated of one
        occurrence of a series); ``meeting_id`` of a recording
        (recording.completed / transcript_completed: the meeting's last instance is
        recorded if no recording exists yet); ``user_email`` and ``client_id``
        (app_deauthorized, which also ends that user's grants).

        The meeting's life happens here too, then is reported: ``meeting.started``
        (``uuid`` to choose the instance UUID), ``meeting.participant_joined`` / ``_left``
        (``name``: a user's first name or e-mail, or a guest's name), ``meeting.ended``
        (everyone still in it leaves), ``meeting.summary_completed`` (``content``: the
        summary's Markdown, else a made-up one).
        """
        body = self._webhook_body(event, params)
        if self.contract is not None:
            self.contract.webhook(event, body)
        return body

    def _webhook_body(self, event: str, params: dict[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        with self.lock:
            if event == "endpoint.url_validation":
                return webhooks.url_validation(now, params.get("plain_token"))
            if event == "app_deauthorized":
                return self.deauthorize(params["user_email"], params["client_id"])
            if event in ("recording.completed", "recording.transcript_completed"):
                recording = next(
                    (r for r in reversed(self.recordings) if r.meeting_id == int(params["meeting_id"])), None
                ) or self.record_meeting(params["meeting_id"])
                host = self.users[recording.host_id]
                if event == "recording.transcript_completed":
                    return webhooks.transcript_completed(recording, host, now)
                return webhooks.recording_completed(recording, host, now)
            if event == "meeting.summary_completed":
                summary = self.summarize_meeting(params["meeting_id"], content=params.get("content"))
                account = self.users[str(summary["meeting_host_id"])].account_id
                return webhooks.summary_completed(summary, account, now)
            if event == "meeting.started":
                return webhooks.meeting_started(
                    self.start_meeting(params["meeting_id"], uuid=params.get("uuid")), now
                )
            if event == "meeting.participant_joined":
                return webhooks.participant_joined(
                    *self.join_meeting(params["meeting_id"], params["name"]), now
                )
            if event == "meeting.participant_left":
                return webhooks.participant_left(
                    *self.leave_meeting(params["meeting_id"], params["name"]), now
                )
            meeting = self.meeting_by_id(params["meeting_id"])
            if meeting is None:
                raise KeyError(f"no simulated meeting {params['meeting_id']}")
            operator = self.user(params["operator_email"]) if params.get("operator_email") else None
            operator = operator or self.users[meeting.host_id]
            if event == "meeting.updated":
                return webhooks.meeting_updated(
                    meeting, operator, dict(params.get("old_values", {})), now, params.get("occurrence_id")
                )
            if event == "meeting.deleted":
                return webhooks.meeting_deleted(meeting, operator, now)
            if event == "meeting.ended":
                if meeting.status == "started":
                    self.end_meeting_now(meeting.id)
                return webhooks.meeting_ended(meeting, now)
        raise ValueError(f"unsupported webhook event {event!r}; supported: {', '.join(webhooks.EVENTS)}")

    async def send_webhook(
        self, url: str, secret_token: str, event: str, *, timestamp: int | None = None, **params: Any
    ) -> httpx.Response:
        """POST a signed ``event`` to ``url`` the way Zoom delivers it."""
        return await self.deliver_webhook(
            url, secret_token, self.webhook_payload(event, **params), timestamp=timestamp
        )

    async def deliver_webhook(
        self,
        url: str,
        secret_token: str,
        body: dict[str, Any],
        *,
        timestamp: int | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> httpx.Response:
        """POST an event body, signed anew (Zoom signs every retry of an event afresh)."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        ts = timestamp if timestamp is not None else int(self.clock.now().timestamp())
        headers = {"content-type": "application/json", **webhooks.sign_webhook(secret_token, raw, ts)}
        if client is not None:
            return await client.post(url, content=raw, headers=headers)
        async with httpx.AsyncClient(timeout=10) as fresh:
            return await fresh.post(url, content=raw, headers=headers)
