"""The HTTP control API under /_sim/ (for the sandbox and for tests in other processes).

Unauthenticated by design: the simulator listens on loopback only. Every body is JSON.
The routes are listed in the package docstring.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.sandbox.zoom_simulator.meetings import full_body
from bot.sandbox.zoom_simulator.model import zoom_time

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator


class _BadRequest(Exception):
    pass


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise _BadRequest("body must be JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("body must be a JSON object")
    return body


def control_routes(sim: ZoomSimulator) -> list[Route]:
    def handler(fn: Any) -> Any:
        async def serve(request: Request) -> Response:
            try:
                return await fn(request)
            except _BadRequest as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except (KeyError, ValueError, TypeError) as exc:
                return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=400)

        return serve

    async def add_user(request: Request) -> Response:
        body = await _json(request)
        user = sim.add_user(
            body["email"],
            body.get("first_name", ""),
            body.get("last_name", ""),
            account_id=body["account_id"],
            user_type=int(body.get("user_type", 2)),
            timezone=body.get("timezone", "America/New_York"),
            role=body.get("role", "member"),
            pmi=body.get("pmi"),
            pmi_enabled=bool(body.get("pmi_enabled", True)),
        )
        return JSONResponse(user.as_zoom(), status_code=201)

    async def grant_privilege(request: Request) -> Response:
        body = await _json(request)
        sim.grant_scheduling_privilege(
            body["assistant_email"], body["for_email"], bool(body.get("shared_access_allowed", True))
        )
        return JSONResponse({"status": "ok"})

    async def add_fault(request: Request) -> Response:
        body = await _json(request)
        fault = sim.inject(
            body["route"],
            status=body.get("status"),
            body=body.get("body"),
            headers=body.get("headers"),
            latency=float(body.get("latency", 0)),
            times=int(body.get("times", 1)),
            after_effect=bool(body.get("after_effect", False)),
            drop=bool(body.get("drop", False)),
        )
        return JSONResponse(fault.as_json(), status_code=201)

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": [f.as_json() for f in sim.faults.pending()]})

    async def clear_faults(request: Request) -> Response:
        sim.clear_faults()
        return Response(status_code=204)

    async def hangs(request: Request) -> Response:
        return JSONResponse({"waiting": sim.hangs.waiting})

    async def release_hangs(request: Request) -> Response:
        return JSONResponse({"released": sim.hangs.release()})

    async def stats(request: Request) -> Response:
        return JSONResponse({"stats": sim.stats})

    async def clock(request: Request) -> Response:
        return JSONResponse({"now": zoom_time(sim.clock.now()), "manual": isinstance(sim.clock, ManualClock)})

    async def advance_clock(request: Request) -> Response:
        body = await _json(request)
        if not isinstance(sim.clock, ManualClock):
            return JSONResponse({"error": "the simulator runs on the system clock"}, status_code=409)
        if "to" in body:
            sim.clock.set(datetime.fromisoformat(str(body["to"]).replace("Z", "+00:00")))
        else:
            sim.clock.advance(float(body["seconds"]))
        return JSONResponse({"now": zoom_time(sim.clock.now())})

    async def list_meetings(request: Request) -> Response:
        email = request.query_params.get("email")
        if not email:
            raise _BadRequest("email is required")
        found = sim.meetings_of(email)
        # No start_url here: it is a host credential and this listing is for people.
        items = [{k: v for k, v in full_body(m, "").items() if k != "start_url"} for m in found]
        return JSONResponse({"meetings": items})

    async def expire_tokens(request: Request) -> Response:
        body = await _json(request)
        return JSONResponse({"expired": sim.expire_access_tokens(body.get("email"))})

    async def add_recording(request: Request) -> Response:
        body = await _json(request)
        recording = sim.add_recording(
            body["user_email"],
            body["topic"],
            datetime.fromisoformat(str(body["start_time"]).replace("Z", "+00:00")),
            duration=int(body.get("duration", 30)),
            meeting_id=body.get("meeting_id"),
        )
        return JSONResponse({"meeting_id": recording.meeting_id, "uuid": recording.uuid}, status_code=201)

    async def send_webhook(request: Request) -> Response:
        body = await _json(request)
        params = dict(body.get("params", {}))
        response = await sim.send_webhook(
            body["url"], body["secret_token"], body["event"], timestamp=body.get("timestamp"), **params
        )
        return JSONResponse({"status": response.status_code, "body": response.text})

    return [
        Route("/_sim/users", handler(add_user), methods=["POST"]),
        Route("/_sim/privileges", handler(grant_privilege), methods=["POST"]),
        Route("/_sim/faults", handler(add_fault), methods=["POST"]),
        Route("/_sim/faults", handler(list_faults), methods=["GET"]),
        Route("/_sim/faults", handler(clear_faults), methods=["DELETE"]),
        Route("/_sim/hangs", handler(hangs), methods=["GET"]),
        Route("/_sim/hangs/release", handler(release_hangs), methods=["POST"]),
        Route("/_sim/stats", handler(stats), methods=["GET"]),
        Route("/_sim/clock", handler(clock), methods=["GET"]),
        Route("/_sim/clock/advance", handler(advance_clock), methods=["POST"]),
        Route("/_sim/meetings", handler(list_meetings), methods=["GET"]),
        Route("/_sim/tokens/expire", handler(expire_tokens), methods=["POST"]),
        Route("/_sim/recordings", handler(add_recording), methods=["POST"]),
        Route("/_sim/webhooks/send", handler(send_webhook), methods=["POST"]),
    ]
