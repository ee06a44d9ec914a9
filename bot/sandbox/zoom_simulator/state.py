"""The simulator's state and its setup: apps, accounts, users, privileges, recordings, lookups."""

from __future__ import annotations

import base64
import random
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from starlette.types import ASGIApp

from bot.sandbox.zoom_simulator.catalog import DEFAULT_ACCOUNT_SCOPES
from bot.sandbox.zoom_simulator.clock import Clock
from bot.sandbox.zoom_simulator.contract import ContractObserver
from bot.sandbox.zoom_simulator.faults import FaultBook, Hangs
from bot.sandbox.zoom_simulator.limits import DailyCreateUpdateLimit, QpsLimiter
from bot.sandbox.zoom_simulator.model import (
    AuthorizationCode,
    PageCursor,
    Plan,
    Role,
    SimAccount,
    SimApp,
    SimMeeting,
    SimRecording,
    SimUser,
    TokenGrant,
    zoom_time,
)

_RECORDING_TYPES = {"M4A": "audio_only", "TRANSCRIPT": "audio_transcript"}


class SimState:
    """What the simulator holds (set up by ``ZoomSimulator.__init__``), and the setup API over it."""

    clock: Clock
    contract: ContractObserver | None
    rng: random.Random
    lock: threading.RLock
    apps: dict[str, SimApp]
    accounts: dict[str, SimAccount]
    users: dict[str, SimUser]
    codes: dict[str, AuthorizationCode]
    grants: list[TokenGrant]
    meetings: dict[int, SimMeeting]
    recordings: list[SimRecording]
    summaries: dict[str, dict[str, Any]]  # meeting instance UUID -> AI Companion summary
    cursors: dict[str, PageCursor]
    faults: FaultBook
    hangs: Hangs
    qps: QpsLimiter
    daily: DailyCreateUpdateLimit
    user_create_limit: int | None
    user_creates: Counter[tuple[str, date]]
    app: ASGIApp
    _privileges: dict[tuple[str, str], bool]
    _by_access: dict[str, TokenGrant]
    _by_refresh: dict[str, TokenGrant]
    _zaks: list[str]
    _stats: Counter[str]

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
        plan: Plan = "business",
        timezone: str = "UTC",
    ) -> SimAccount:
        account = SimAccount(
            account_id=account_id,
            s2s_client_id=s2s_client_id,
            s2s_client_secret=s2s_client_secret,
            s2s_scopes=list(DEFAULT_ACCOUNT_SCOPES if s2s_scopes is None else s2s_scopes),
            plan=plan,
            timezone=timezone,
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
