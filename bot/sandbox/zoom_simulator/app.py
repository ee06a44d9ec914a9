"""The simulator object: state, setup and inspection API, and the ASGI app over them."""

from __future__ import annotations

import base64
import json
import random
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.sandbox.zoom_simulator import webhooks
from bot.sandbox.zoom_simulator.catalog import DEFAULT_ACCOUNT_SCOPES
from bot.sandbox.zoom_simulator.clock import Clock, SystemClock
from bot.sandbox.zoom_simulator.contract import ContractObserver, Exchange
from bot.sandbox.zoom_simulator.control import control_routes
from bot.sandbox.zoom_simulator.faults import Fault, FaultBook, Hangs
from bot.sandbox.zoom_simulator.limits import DailyCreateUpdateLimit, QpsLimiter
from bot.sandbox.zoom_simulator.meetings import new_uuid
from bot.sandbox.zoom_simulator.model import (
    AuthorizationCode,
    PageCursor,
    Role,
    SimAccount,
    SimApp,
    SimMeeting,
    SimParticipant,
    SimRecording,
    SimUser,
    TokenGrant,
    zoom_time,
)
from bot.sandbox.zoom_simulator.oauth import oauth_routes
from bot.sandbox.zoom_simulator.responses import OAuthRefusal, ZoomRefusal, default_fault_body
from bot.sandbox.zoom_simulator.rest import rest_routes

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3599)
_RECORDING_TYPES = {"M4A": "audio_only", "TRANSCRIPT": "audio_transcript"}
REFRESH_TOKEN_LIFETIME = timedelta(days=90)  # Zoom's documented figure varies; finite is what matters


class ZoomSimulator:
    """A strict stand-in for zoom.us OAuth and the Zoom REST API (see the package docstring)."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        qps_limit: int = 30,
        medium_qps_limit: int | None = None,
        daily_create_update_limit: int = 100,
        seed: int | None = None,
        contract: ContractObserver | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        # Sees every /v2 exchange and every webhook body (see contract.py); tests check them
        # against Zoom's OpenAPI documents.
        self.contract: ContractObserver | None = contract
        self.rng = random.Random(seed)  # ids only; tokens always come from `secrets`
        self.lock = threading.RLock()
        self.apps: dict[str, SimApp] = {}
        self.accounts: dict[str, SimAccount] = {}
        self.users: dict[str, SimUser] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.grants: list[TokenGrant] = []
        self.meetings: dict[int, SimMeeting] = {}
        self.recordings: list[SimRecording] = []
        self.summaries: dict[str, dict[str, Any]] = {}  # meeting instance UUID -> AI Companion summary
        self.cursors: dict[str, PageCursor] = {}
        self.faults = FaultBook()
        self.hangs = Hangs()
        self.qps = QpsLimiter(
            {
                "Light": qps_limit,
                "Medium": qps_limit * 2 // 3 if medium_qps_limit is None else medium_qps_limit,
            }
        )
        self.daily = DailyCreateUpdateLimit(daily_create_update_limit)
        self._privileges: dict[tuple[str, str], bool] = {}
        self._by_access: dict[str, TokenGrant] = {}
        self._by_refresh: dict[str, TokenGrant] = {}
        self._zaks: list[str] = []
        self._stats: Counter[str] = Counter()
        self.app: ASGIApp = TrackingIdMiddleware(
            Starlette(routes=[*oauth_routes(self), *rest_routes(self), *control_routes(self)])
        )

    # -- setup -------------------------------------------------------------------------

    def add_app(self, client_id: str, client_secret: str, redirect_uri: str, scopes: list[str]) -> SimApp:
        app = SimApp(
            client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri, scopes=list(scopes)
        )
        with self.lock:
            self.apps[client_id] = app
        return app

    def add_account(
        self,
        account_id: str,
        s2s_client_id: str | None = None,
        s2s_client_secret: str | None = None,
        *,
        s2s_scopes: list[str] | None = None,
    ) -> SimAccount:
        account = SimAccount(
            account_id=account_id,
            s2s_client_id=s2s_client_id,
            s2s_client_secret=s2s_client_secret,
            s2s_scopes=list(DEFAULT_ACCOUNT_SCOPES if s2s_scopes is None else s2s_scopes),
        )
        with self.lock:
            self.accounts[account_id] = account
        return account

    def add_user(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        account_id: str,
        user_type: int = 2,
        timezone: str = "America/New_York",
        role: Role = "member",
        pmi: int | None = None,
        pmi_enabled: bool = True,
    ) -> SimUser:
        with self.lock:
            if self.find_user(email) is not None:
                raise ValueError(f"a user with e-mail {email} already exists")
            if account_id not in self.accounts:
                self.add_account(account_id)
            user = SimUser(
                id=base64.urlsafe_b64encode(self.rng.randbytes(16)).decode().rstrip("=")[:22],
                email=email,
                first_name=first_name,
                last_name=last_name,
                account_id=account_id,
                type=user_type,
                timezone=timezone,
                role=role,
                pmi=pmi if pmi is not None else self.rng.randint(2_000_000_000, 9_999_999_999),
                created_at=self.clock.now().replace(microsecond=0),
                pmi_enabled=pmi_enabled,
            )
            self.users[user.id] = user
        return user

    def grant_scheduling_privilege(
        self, assistant_email: str, for_email: str, shared_access_allowed: bool = True
    ) -> None:
        """``assistant_email`` may schedule for ``for_email``; ``shared_access_allowed`` says whether
        the assistant ticked "allow this app to use my shared access permissions"."""
        with self.lock:
            self._privileges[(self.user(assistant_email).id, self.user(for_email).id)] = shared_access_allowed

    def add_recording(
        self,
        user_email: str,
        topic: str,
        start_time: datetime,
        *,
        duration: int = 30,
        meeting_id: int | None = None,
        file_types: tuple[str, ...] = ("MP4", "M4A"),
    ) -> SimRecording:
        with self.lock:
            host = self.user(user_email)
            uuid = base64.b64encode(self.rng.randbytes(16)).decode()
            end = start_time + timedelta(minutes=duration)
            files = [self._recording_file(uuid, kind, start_time, end) for kind in file_types]
            recording = SimRecording(
                uuid=uuid,
                meeting_id=meeting_id or self.rng.randint(8_000_000_000, 99_999_999_999),
                host_id=host.id,
                account_id=host.account_id,
                topic=topic,
                start_time=start_time.replace(microsecond=0),
                duration=duration,
                share_url=f"https://zoom.us/rec/share/{self._rng_token()}",
                files=files,
            )
            self.recordings.append(recording)
        return recording

    def _recording_file(self, meeting_uuid: str, kind: str, start: datetime, end: datetime) -> dict[str, Any]:
        token = self._rng_token()
        return {
            "id": self.rng.randbytes(16).hex(),
            "meeting_id": meeting_uuid,
            "recording_start": zoom_time(start),
            "recording_end": zoom_time(end),
            "file_type": kind,
            "file_extension": "VTT" if kind == "TRANSCRIPT" else kind,
            "file_size": self.rng.randint(100_000, 50_000_000),
            "play_url": f"https://zoom.us/rec/play/{token}",
            "download_url": f"https://zoom.us/rec/download/{token}",
            "status": "completed",
            "recording_type": _RECORDING_TYPES.get(kind, "shared_screen_with_speaker_view"),
        }

    def _rng_token(self) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(18)).decode()

    # -- lookups (used by the route modules) -------------------------------------------------

    def find_user(self, id_or_email: str) -> SimUser | None:
        with self.lock:
            if id_or_email in self.users:
                return self.users[id_or_email]
            wanted = id_or_email.lower()
            return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def user(self, email: str) -> SimUser:
        found = self.find_user(email)
        if found is None:
            raise KeyError(f"no simulated Zoom user {email}")
        return found

    def user_by_id(self, user_id: str) -> SimUser | None:
        return self.users.get(user_id)

    def meeting_by_id(self, meeting_id: str | int) -> SimMeeting | None:
        try:
            return self.meetings.get(int(str(meeting_id).replace(" ", "")))
        except ValueError:
            return None

    def scheduling_privilege(self, assistant_id: str, host_id: str) -> bool | None:
        """None: no privilege; otherwise whether shared access was allowed."""
        return self._privileges.get((assistant_id, host_id))

    def hosts_of(self, assistant_id: str) -> list[SimUser]:
        """The users ``assistant_id`` may schedule for, oldest grant first."""
        return [self.users[h] for (a, h) in self._privileges if a == assistant_id and h in self.users]

    def assistants_of(self, host_id: str) -> list[SimUser]:
        """The users ``host_id`` gave scheduling privilege to, oldest grant first."""
        return [self.users[a] for (a, h) in self._privileges if h == host_id and a in self.users]

    def account_for_s2s_client(self, client_id: str) -> SimAccount | None:
        return next(
            (a for a in self.accounts.values() if a.s2s_client_id and a.s2s_client_id == client_id), None
        )

    def grant_by_access_token(self, token: str) -> TokenGrant | None:
        return self._by_access.get(token)

    def grant_by_refresh_token(self, token: str) -> TokenGrant | None:
        return self._by_refresh.get(token)

    def issue_grant(
        self,
        *,
        grant_type: str,
        client_id: str,
        account_id: str,
        user: SimUser | None,
        scopes: frozenset[str],
    ) -> TokenGrant:
        now = self.clock.now()
        with_refresh = user is not None
        grant = TokenGrant(
            grant_type=grant_type,
            client_id=client_id,
            account_id=account_id,
            user_id=user.id if user else None,
            user_email=user.email if user else None,
            scopes=scopes,
            access_token="simat_" + secrets.token_urlsafe(32),
            access_expires_at=now + ACCESS_TOKEN_LIFETIME,
            refresh_token="simrt_" + secrets.token_urlsafe(32) if with_refresh else None,
            refresh_expires_at=now + REFRESH_TOKEN_LIFETIME if with_refresh else None,
            issued_at=now,
        )
        with self.lock:
            self.grants.append(grant)
            self._by_access[grant.access_token] = grant
            if grant.refresh_token:
                self._by_refresh[grant.refresh_token] = grant
        return grant

    def end_user_grants(self, user_id: str, client_id: str | None = None, *, reason: str) -> int:
        ended = 0
        with self.lock:
            for grant in self.grants:
                if grant.user_id == user_id and grant.ended is None and client_id in (None, grant.client_id):
                    grant.ended = reason
                    ended += 1
        return ended

    def new_start_url(self, meeting: SimMeeting) -> str:
        # A fresh host credential each time, like Zoom; recorded so tests can look for leaks.
        zak = "simzak_" + secrets.token_urlsafe(32)
        with self.lock:
            self._zaks.append(zak)
        return f"{meeting.origin}/s/{meeting.id}?zak={zak}"

    # -- inspection ----------------------------------------------------------------------

    @property
    def stats(self) -> dict[str, int]:
        with self.lock:
            return dict(self._stats)

    @property
    def tokens_issued(self) -> list[TokenGrant]:
        with self.lock:
            return list(self.grants)

    def meetings_of(self, email: str, *, include_deleted: bool = False) -> list[SimMeeting]:
        with self.lock:
            host = self.user(email)
            return sorted(
                (
                    m
                    for m in self.meetings.values()
                    if m.host_id == host.id and (include_deleted or not m.deleted)
                ),
                key=lambda m: (m.start_time, m.id),
            )

    def issued_secrets(self) -> list[str]:
        """Every secret the simulator handed out or holds: tokens, start-url ZAKs, client secrets.

        Tests grep logs, replies and database files for these.
        """
        with self.lock:
            found = [g.access_token for g in self.grants]
            found += [g.refresh_token for g in self.grants if g.refresh_token]
            found += self._zaks
            found += [a.client_secret for a in self.apps.values()]
            found += [a.s2s_client_secret for a in self.accounts.values() if a.s2s_client_secret]
            return found

    def expire_access_tokens(self, email: str | None = None) -> int:
        """Make current access tokens (of one user, or all) expired now; returns how many."""
        now = self.clock.now()
        count = 0
        with self.lock:
            user_id = self.user(email).id if email else None
            for grant in self.grants:
                if grant.ended is None and grant.access_expires_at > now and user_id in (None, grant.user_id):
                    grant.access_expires_at = now
                    count += 1
        return count

    def deauthorize(self, email: str, client_id: str) -> dict[str, Any]:
        """The user uninstalls the app: their grants end; returns the ``app_deauthorized`` body."""
        user = self.user(email)
        self.end_user_grants(user.id, client_id, reason="revoked")
        return webhooks.app_deauthorized(user, client_id, self.clock.now())

    # -- a meeting as it happens (each returns what the webhook reports) ------------------

    def _live_meeting(self, meeting_id: str | int) -> SimMeeting:
        meeting = self.meeting_by_id(meeting_id)
        if meeting is None or meeting.deleted:
            raise KeyError(f"no simulated meeting {meeting_id}")
        return meeting

    def start_meeting(self, meeting_id: str | int, *, uuid: str | None = None) -> SimMeeting:
        """The host starts the meeting. A meeting that ran before gets a new instance UUID, as at Zoom."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status == "started":
                raise ValueError(f"meeting {meeting.id} is already in progress")
            if meeting.started_at is not None:
                meeting.uuid = uuid or new_uuid(self.rng)
                meeting.participants = []
            elif uuid:
                meeting.uuid = uuid
            meeting.status, meeting.started_at, meeting.ended_at = "started", self.clock.now(), None
            return meeting

    def join_meeting(self, meeting_id: str | int, name: str) -> tuple[SimMeeting, SimParticipant]:
        """``name`` joins: a Zoom user of the host's account (by first name or e-mail) or a guest."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status != "started":
                raise ValueError(f"meeting {meeting.id} has not started; start it first")
            if self._in_meeting(meeting, name) is not None:
                raise ValueError(f"{name} is already in meeting {meeting.id}")
            user = self._user_named(name, meeting.account_id)
            person = SimParticipant(
                name=f"{user.first_name} {user.last_name}".strip() if user else name,
                email=user.email if user else f"{name.lower().replace(' ', '.')}@guest.example.net",
                user_id=str(self.rng.randint(16_000_000, 4_000_000_000)),
                participant_uuid=new_uuid(self.rng),
                zoom_user_id=user.id if user else "",
                join_time=self.clock.now(),
                handle=name.lower(),
            )
            meeting.participants.append(person)
            return meeting, person

    def leave_meeting(self, meeting_id: str | int, name: str) -> tuple[SimMeeting, SimParticipant]:
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            person = self._in_meeting(meeting, name)
            if person is None:
                raise ValueError(f"{name} is not in meeting {meeting.id}")
            person.leave_time = self.clock.now()
            return meeting, person

    def end_meeting_now(self, meeting_id: str | int) -> SimMeeting:
        """The host ends the meeting: everyone still in it leaves."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status != "started":
                raise ValueError(f"meeting {meeting.id} is not in progress")
            now = self.clock.now()
            for person in meeting.participants:
                person.leave_time = person.leave_time or now
            meeting.status, meeting.ended_at = "waiting", now
            if meeting.type == 1:
                meeting.ended = True  # an instant meeting's id dies with it
            return meeting

    def in_meeting(self, meeting_id: str | int) -> list[SimParticipant]:
        with self.lock:
            return [p for p in self._live_meeting(meeting_id).participants if p.leave_time is None]

    def _in_meeting(self, meeting: SimMeeting, name: str) -> SimParticipant | None:
        wanted = name.lower()
        for person in meeting.participants:
            if person.leave_time is None and person.handle == wanted:
                return person
        return None

    def _user_named(self, name: str, account_id: str) -> SimUser | None:
        wanted = name.lower()
        for user in self.users.values():
            if user.account_id == account_id and wanted in (user.email.lower(), user.first_name.lower()):
                return user
        return None

    def record_meeting(self, meeting_id: str | int) -> SimRecording:
        """The cloud recording (video, audio, transcript) of the meeting's last instance."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            found = next((r for r in self.recordings if r.uuid == meeting.uuid), None)
            if found is not None:
                return found
            start = meeting.started_at or meeting.start_time
            end = meeting.ended_at or self.clock.now()
            files = [
                self._recording_file(meeting.uuid, kind, start, end) for kind in ("MP4", "M4A", "TRANSCRIPT")
            ]
            recording = SimRecording(
                uuid=meeting.uuid,
                meeting_id=meeting.id,
                host_id=meeting.host_id,
                account_id=meeting.account_id,
                topic=meeting.topic,
                start_time=start.replace(microsecond=0),
                duration=max(1, int((end - start).total_seconds() // 60)),
                share_url=f"https://zoom.us/rec/share/{self._rng_token()}",
                files=files,
            )
            self.recordings.append(recording)
            return recording

    def summarize_meeting(self, meeting_id: str | int, *, content: str | None = None) -> dict[str, Any]:
        """AI Companion's summary of the meeting's last instance (what the summary API answers)."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            host = self.users[meeting.host_id]
            now = zoom_time(self.clock.now())
            start = zoom_time(meeting.started_at or meeting.start_time)
            end = zoom_time(meeting.ended_at or self.clock.now())
            names = sorted({p.name for p in meeting.participants}) or [host.first_name]
            summary = {
                "meeting_host_id": host.id,
                "meeting_host_email": host.email,
                "meeting_uuid": meeting.uuid,
                "meeting_id": meeting.id,
                "meeting_topic": meeting.topic,
                "meeting_start_time": start,
                "meeting_end_time": end,
                "summary_start_time": start,
                "summary_end_time": end,
                "summary_created_time": now,
                "summary_last_modified_time": now,
                "summary_title": f"Meeting summary for {meeting.topic}",
                "summary_overview": f"{', '.join(names)} met about {meeting.topic}.",
                "summary_details": [{"label": "Discussion", "summary": f"{meeting.topic} was discussed."}],
                "next_steps": [f"{names[0]} shares the notes"],
                "summary_content": content
                or (
                    "## Key takeaways\n"
                    f"- {', '.join(names)} met about **{meeting.topic}**.\n"
                    "## Action items\n"
                    f"- **{names[0]}**\n  - Share the notes"
                ),
                "summary_doc_url": f"https://docs.zoom.us/doc/{self._rng_token()}",
            }
            self.summaries[meeting.uuid] = summary
            return summary

    # -- faults ----------------------------------------------------------------------------

    def inject(
        self,
        route: str,
        *,
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        latency: float = 0,
        times: int = 1,
        after_effect: bool = False,
        drop: bool = False,
    ) -> Fault:
        fault = Fault(
            route=route,
            status=status,
            body=body,
            headers=dict(headers or {}),
            latency=latency,
            times=times,
            after_effect=after_effect,
            drop=drop,
        )
        self.faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def release_hangs(self) -> None:
        """End every request hanging because of ``drop=True`` (called on server shutdown)."""
        self.hangs.release_all()

    async def guarded(self, route_keys: list[str], operate: Callable[[], Response]) -> Response:
        """Count the call, apply a pending fault for it, and run the real operation (or not)."""
        response, _ = await self.guarded_answer(route_keys, operate)
        return response

    async def guarded_answer(
        self, route_keys: list[str], operate: Callable[[], Response]
    ) -> tuple[Response, bool]:
        """:meth:`guarded`, also saying whether an injected fault forced the answer."""
        with self.lock:
            self._stats.update(route_keys)
        fault = self.faults.take(route_keys)
        if fault is None:
            return _answer(operate), False
        if not fault.after_effect:
            await anyio.sleep(fault.latency)
            if fault.drop:
                await self.hangs.wait()
                return JSONResponse(
                    {"code": 503, "message": "Dropped by the simulator."}, status_code=503
                ), True
            return (_forced(fault), True) if fault.status is not None else (_answer(operate), False)
        real = _answer(operate)  # Zoom did the work ...
        await anyio.sleep(fault.latency)
        if fault.drop:  # ... but the client never hears about it
            await self.hangs.wait()
            return real, False
        return (_forced(fault), True) if fault.status is not None else (real, False)

    def observe(self, exchange: Exchange) -> None:
        """Report one /v2 exchange to the contract observer, if one is set."""
        if self.contract is not None:
            self.contract.exchange(exchange)

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


def _answer(operate: Callable[[], Response]) -> Response:
    try:
        return operate()
    except (ZoomRefusal, OAuthRefusal) as refusal:
        return refusal.response()


def _forced(fault: Fault) -> Response:
    assert fault.status is not None
    body = fault.body if fault.body is not None else default_fault_body(fault.status)
    if isinstance(body, str | bytes):
        return Response(body, status_code=fault.status, headers=fault.headers)
    return JSONResponse(body, status_code=fault.status, headers=fault.headers)


class TrackingIdMiddleware:
    """Adds ``x-zm-trackingid`` to every response, as Zoom does (support asks for it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking_id = f"v=2.0;clid=sim;rid={secrets.token_hex(8)}"

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-zm-trackingid", tracking_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
