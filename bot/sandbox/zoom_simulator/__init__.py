"""A Zoom simulator: zoom.us OAuth and the Zoom REST API, strict enough to test against.

One ASGI app (``ZoomSimulator().app``) serves OAuth at ``/oauth/...`` and REST at
``/v2/...`` on one origin: configure the bot with ``ZOOM_OAUTH_URL=<origin>`` and
``ZOOM_API_URL=<origin>/v2``. Run it in-process (``httpx.ASGITransport``) or on a real
loopback socket (``bot.sandbox.zoom_simulator.server.serve_simulator``).

Setup (Python)::

    sim = ZoomSimulator(ManualClock(start), daily_create_update_limit=100)
    sim.add_app("cid", "csecret", "http://localhost:3000/zoom/oauth/callback", ["meeting:read", ...])
    sim.add_account("acc1", s2s_client_id="s2s", s2s_client_secret="s2ssecret")
    alice = sim.add_user("alice@example.com", "Alice", "Ng", account_id="acc1", role="admin")
    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=True)
    sim.add_recording("alice@example.com", "Standup", start_time)

Inspection: ``sim.meetings_of(email)``, ``sim.stats`` (calls per route key, e.g.
``"POST /v2/users/{userId}/meetings"``, ``"POST /oauth/token"`` and the grant-qualified
``"POST /oauth/token:refresh_token"``), ``sim.tokens_issued``, ``sim.issued_secrets()``,
``sim.expire_access_tokens(email=None)``.

Faults: ``sim.inject(route, status=, body=, headers=, latency=, times=1, after_effect=False,
drop=False)``. Without ``after_effect`` the call sleeps ``latency`` then answers the forced
``status`` (or hangs with ``drop``, or runs normally if neither). With ``after_effect`` the
real operation happens first, then the sleep, then the forced answer / the hang: a lost
create or a lost refresh response. A hang lasts until the client gives up or
``sim.hangs.release()`` ends it: then a hung ``after_effect`` call delivers its real answer
(a held refresh answer, released), any other hung call answers 503.

Contract observer: ``ZoomSimulator(contract=observer)`` (or ``sim.contract = observer``)
reports, after each answer, every ``/v2`` request as an ``Exchange`` (``method``,
``path_template`` — the OpenAPI template such as ``/meetings/{meetingId}``, ``None`` for a
path Zoom does not have — ``path``, ``query``, ``request_body``, ``status``,
``response_body`` as raw bytes with ``request_json()`` / ``response_json()``, and
``forced`` when an injected fault chose the answer) to ``observer.exchange(...)``, and
every webhook body it produces (``webhook_payload``, hence ``send_webhook`` too) to
``observer.webhook(event, body)``. ``/oauth/*`` and ``/_sim/*`` are not reported (Zoom
publishes no OpenAPI document for OAuth). The simulator itself validates nothing against
the documents (it ships without jsonschema); the tests install
``tests.kit.zoom_contract.StrictContract``, which checks each one strictly and fails the
test at teardown. An observer should record rather than raise: an exception inside an
exchange would only reach the client as a 500.

Behaviour worth knowing (simulator conventions, not Zoom's):

- ``GET /oauth/authorize`` shows a consent page with one form per user; adding
  ``login_hint=<email>`` skips it and redirects at once (for automation).
- Tokens are opaque: access ``simat_…``, refresh ``simrt_…``; start URLs carry
  ``zak=simzak_…``. Access tokens last 3599 s, refresh tokens 90 days (simulator clock).
- A server-to-server token using ``me`` gets 400 ``{"code":1001,"message":"User does not
  exist: me."}``.
- Scheduling privilege (``grant_scheduling_privilege``): ``schedule_for`` and listing the
  host's meetings (``GET /users/{host}/meetings`` with a user-level token) need it, and the
  shared-access flag; without the privilege 3000 "You cannot schedule a meeting for …",
  without shared access 403 "Authenticated user has not permitted access to the targeted
  resource.", an unknown host 1001, a host in another account 1010.
  ``GET /users/{id}/schedulers`` lists whom that user may schedule for,
  ``GET /users/{id}/assistants`` who may schedule for that user.
- ``page_size`` over 300 is 300 "Validation Failed.".
- The per-second limit counts real (monotonic) time; everything else uses the clock.
  By default each account gets its plan's limits (``limits.PLAN_LIMITS``: Pro 30/20/10 a
  second for Light/Medium/Heavy, Business+ 80/60/40, Resource-intensive 10 or 20 a minute);
  ``qps_limit=N`` gives every account N Light (Medium two thirds of it unless
  ``medium_qps_limit`` is given, Heavy a third); ``qps_limit=0`` turns it off.

HTTP control API (JSON, unauthenticated, loopback only):

==========================  ======  =====================================================
``/_sim/users``             POST    add a user: ``email, first_name, last_name, account_id,
                                    user_type?, timezone?, role?, pmi?, pmi_enabled?``
``/_sim/privileges``        POST    ``assistant_email, for_email, shared_access_allowed?``
``/_sim/faults``            POST    inject: ``route`` plus the ``inject`` keywords
``/_sim/faults``            GET     pending faults
``/_sim/faults``            DELETE  clear faults
``/_sim/hangs``             GET     ``{"waiting": n}``: requests hanging now (``drop``)
``/_sim/hangs/release``     POST    end the hangs under way (``{"released": n}``)
``/_sim/stats``             GET     ``{"stats": {route key: count}}``
``/_sim/clock``             GET     ``{"now": ..., "manual": bool}``
``/_sim/clock/advance``     POST    ``seconds`` or ``to`` (ISO time); manual clock only
``/_sim/meetings?email=``   GET     that user's meetings (no start URLs)
``/_sim/tokens/expire``     POST    ``email?``: expire current access tokens
``/_sim/recordings``        POST    ``user_email, topic, start_time, duration?, meeting_id?``
``/_sim/webhooks/send``     POST    ``url, secret_token, event, params?, timestamp?``:
                                    sign and deliver a webhook; answers the receiver's
                                    ``status`` and ``body``
==========================  ======  =====================================================
"""

from bot.sandbox.zoom_simulator.app import ZoomSimulator
from bot.sandbox.zoom_simulator.clock import Clock, ManualClock, SystemClock
from bot.sandbox.zoom_simulator.model import SimMeeting, SimRecording, SimUser, TokenGrant
from bot.sandbox.zoom_simulator.webhooks import encrypted_token, sign_webhook

__all__ = [
    "Clock",
    "ManualClock",
    "SimMeeting",
    "SimRecording",
    "SimUser",
    "SystemClock",
    "TokenGrant",
    "ZoomSimulator",
    "encrypted_token",
    "sign_webhook",
]
