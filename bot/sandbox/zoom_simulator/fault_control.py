"""The simulator's faults: injected failures and hangs, rate limits, and the contract observer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from starlette.responses import JSONResponse, Response

from bot.sandbox.zoom_simulator.contract import Exchange
from bot.sandbox.zoom_simulator.faults import Fault
from bot.sandbox.zoom_simulator.live import SimLive
from bot.sandbox.zoom_simulator.responses import OAuthRefusal, ZoomRefusal, default_fault_body


class SimFaults(SimLive):
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
