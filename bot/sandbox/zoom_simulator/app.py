"""The simulator object: its state built once, the ASGI app over it; each concern in its own module."""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.sandbox.zoom_simulator.attendance import DEFAULT_REPORT_DELAY
from bot.sandbox.zoom_simulator.clock import Clock, SystemClock
from bot.sandbox.zoom_simulator.contract import ContractObserver
from bot.sandbox.zoom_simulator.control import control_routes
from bot.sandbox.zoom_simulator.faults import FaultBook, Hangs
from bot.sandbox.zoom_simulator.limits import PLAN_LIMITS, DailyCreateUpdateLimit, QpsLimiter
from bot.sandbox.zoom_simulator.model import (
    AuthorizationCode,
    PageCursor,
    SimAccount,
    SimApp,
    SimMeeting,
    SimRecording,
    SimUser,
    TokenGrant,
)
from bot.sandbox.zoom_simulator.oauth import oauth_routes
from bot.sandbox.zoom_simulator.outgoing import SimWebhooks
from bot.sandbox.zoom_simulator.reports import UsageHistory
from bot.sandbox.zoom_simulator.rest import rest_routes


class ZoomSimulator(SimWebhooks):
    """A strict stand-in for zoom.us OAuth and the Zoom REST API (see the package docstring).

    One object, its API split by concern: setup and lookups (``state.py``), OAuth grants
    (``grants.py``), the live-meeting script (``live.py``), faults (``fault_control.py``) and
    outgoing webhooks (``outgoing.py``).
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        qps_limit: int | None = None,
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
        self.usage_history = UsageHistory()  # days of account usage before the simulator ran
        self.report_delay = DEFAULT_REPORT_DELAY  # how long after a meeting ends its attendance appears
        self.cursors: dict[str, PageCursor] = {}
        self.faults = FaultBook()
        self.hangs = Hangs()
        self.qps = QpsLimiter(
            self._plan_limits
            if qps_limit is None
            else {
                "Light": qps_limit,
                "Medium": qps_limit * 2 // 3 if medium_qps_limit is None else medium_qps_limit,
                "Heavy": qps_limit // 3,
                # Business+ (dashboards need it): 20 a minute; a limit of 0 turns every check off.
                "Resource-intensive": 20 if qps_limit else 0,
            },
            windows={"Resource-intensive": 60.0},
        )
        self.daily = DailyCreateUpdateLimit(daily_create_update_limit)
        # POST /users per account and UTC day; None: the plan's limit (users_admin.DAILY_CREATES).
        self.user_create_limit: int | None = None
        self.user_creates: Counter[tuple[str, date]] = Counter()
        self._privileges: dict[tuple[str, str], bool] = {}
        self._by_access: dict[str, TokenGrant] = {}
        self._by_refresh: dict[str, TokenGrant] = {}
        self._zaks: list[str] = []
        self._stats: Counter[str] = Counter()
        self.app: ASGIApp = TrackingIdMiddleware(
            Starlette(routes=[*oauth_routes(self), *rest_routes(self), *control_routes(self)])
        )

    def _plan_limits(self, account_id: str) -> dict[str, int]:
        account = self.accounts.get(account_id)
        return PLAN_LIMITS[account.plan if account is not None else "pro"]


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
