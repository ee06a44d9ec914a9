"""``SlackStandin``: a local Slack Web API and response_url sink that records what the bot does.

    standin = SlackStandin(signing_secret)
    standin.add_user("U1", "ada", "ada@example.com", tz="Europe/London")
    standin.add_channel("C1", "general")
    async with standin.serve() as base_url:      # SLACK_API_URL = standin.api_url
        ...
        await standin.wait_for(lambda: standin.messages_in("C1"))

Bot calls go to ``<base>/api/<method>``; response URLs handed to the bot point at
``<base>/response/<opaque id>``. Nothing here is a secret store: the stand-in only knows
the made-up tokens it was given.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi, serve_asgi_in_thread
from bot.sandbox.slack_standin import chat_methods, function_methods, unfurl_methods
from bot.sandbox.slack_standin.context import MethodContext, Refusal, normalise_args
from bot.sandbox.slack_standin.executions import Execution
from bot.sandbox.slack_standin.identity import DEFAULT_BOT_TOKEN, BotIdentity
from bot.sandbox.slack_standin.recorder import Recorder, wait_for
from bot.sandbox.slack_standin.records import (
    ApiCall,
    Channel,
    Message,
    ScheduledMessage,
    SlackCallRecord,
    User,
    ViewRecord,
)
from bot.sandbox.slack_standin.throttle import (
    ChannelRateLimiter,
    FaultPlan,
    RateLimit,
    UpdateRateLimit,
    UpdateRateLimiter,
)
from bot.sandbox.slack_standin.user_methods import OAuthApp, UserSide, basic_credentials
from bot.sandbox.slack_standin.web_api import Answer, call_method, refusal_answer
from bot.sandbox.slack_standin.workspace import Workspace

T = TypeVar("T")

SLACK_POST_LIMIT = RateLimit(per_second=1.0, burst=3)
SLACK_UPDATE_LIMIT = UpdateRateLimit()
UNFURL_DOMAINS = ("zoom.us",)  # the manifest's features.unfurl_domains
RESPONSE_URL_FAULT = "response_url"
# Called with a person's own token, or (oauth.v2.access) the app's client credentials.
_USER_METHODS = frozenset(
    {"oauth.v2.access", "users.profile.get", "users.profile.set", "auth.revoke"}
)  # inject() name for faults on response_url posts


class SlackStandin:
    def __init__(
        self,
        signing_secret: str,
        *,
        team_id: str = "T0001",
        bot_token: str = DEFAULT_BOT_TOKEN,
        identity: BotIdentity | None = None,
        clock: Callable[[], float] = time.time,
        post_rate_limit: RateLimit | None = None,
        unfurl_domains: tuple[str, ...] = UNFURL_DOMAINS,
    ) -> None:
        self.signing_secret = signing_secret
        self.identity = identity or BotIdentity(team_id=team_id, bot_token=bot_token)
        self.clock = clock
        self.unfurl_domains = unfurl_domains
        self._workspace = Workspace(self.identity.team_id, clock)
        self._recorder = Recorder()
        self._faults = FaultPlan()
        self._ctx = MethodContext(self._workspace, self._recorder, self.identity)
        self.limit_posts(post_rate_limit)  # off unless asked for
        self._base_url: str | None = None
        # People's own consents and tokens (status sync), and their statuses.
        self.user_side = UserSide(clock, lambda: {self.team_id, *self._ctx.extra_tokens.values()})
        self.app = Starlette(
            routes=[
                Route("/oauth/v2/authorize", self._authorize, methods=["GET"]),
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/response/{token}", self._response_url, methods=["POST"]),
            ]
        )

    # -- identity and addresses ----------------------------------------------------------

    @property
    def team_id(self) -> str:
        return self.identity.team_id

    @property
    def bot_token(self) -> str:
        return self.identity.bot_token

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the Slack stand-in has no address yet: use serve() or set base_url")
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._base_url = value.rstrip("/")

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` must be (with the trailing slash slack_sdk needs)."""
        return f"{self.base_url}/api/"

    # -- what the bot did ----------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        return self._recorder.calls

    @property
    def messages(self) -> list[Message]:
        return self._recorder.messages

    @property
    def views(self) -> list[ViewRecord]:
        return self._recorder.views

    @property
    def scheduled(self) -> dict[str, ScheduledMessage]:
        return self._workspace.scheduled

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def messages_in(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel]

    def ephemerals_for(self, user: str) -> list[Message]:
        return [m for m in self.messages if m.is_ephemeral and m.user == user]

    def dm_channel(self, user: str) -> str:
        """The id of the bot's DM with ``user`` (opening it, as conversations.open would)."""
        channel, _ = self._workspace.open_dm(user)
        return channel.id

    def thread_replies(self, channel: str, ts: str) -> list[Message]:
        """The replies in the thread of message ``ts`` (as posted; edits are in ``live_message``)."""
        return [m for m in self.messages if m.channel == channel and m.kind == "post" and m.thread_ts == ts]

    def live_message(self, channel: str, ts: str) -> Message | None:
        """The current version of a (non-ephemeral) message, after edits; None once deleted."""
        return self._workspace.live.get((channel, ts))

    def slack_call(self, call_id: str) -> SlackCallRecord | None:
        """A call the app registered (calls.add), as it stands now."""
        return self._workspace.calls.get(call_id)

    @property
    def slack_calls(self) -> list[SlackCallRecord]:
        return list(self._workspace.calls.values())

    def reset_records(self) -> None:
        self._recorder.clear()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 30.0) -> T:
        return await wait_for(predicate, timeout, what="Slack stand-in condition")

    # -- configuring the workspace -------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None,
        tz: str | None = "America/New_York",
        is_admin: bool = False,
        *,
        real_name: str | None = None,
        locale: str | None = None,
    ) -> User:
        return self._workspace.add_user(
            user_id, name, email, tz=tz, is_admin=is_admin, real_name=real_name, locale=locale
        )

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, bot_is_member: bool = True
    ) -> Channel:
        return self._workspace.add_channel(
            channel_id, name, is_private=is_private, bot_is_member=bot_is_member
        )

    def ensure_user(self, user_id: str) -> User:
        return self._workspace.ensure_user(user_id)

    def ensure_channel(self, channel_id: str) -> Channel:
        return self._workspace.ensure_channel(channel_id)

    def add_token(self, token: str, team_id: str) -> None:
        """Accept another bot token (a second workspace installed through OAuth)."""
        self._ctx.extra_tokens[token] = team_id

    def register_app(
        self, client_id: str, client_secret: str, redirect_urls: list[str], user_scopes: list[str]
    ) -> None:
        """The Slack app people consent to: its credentials, redirect URLs and user scopes (manifest)."""
        self.user_side.apps[client_id] = OAuthApp(
            client_id, client_secret, tuple(redirect_urls), frozenset(user_scopes)
        )

    def set_own_status(self, user_id: str, text: str, emoji: str = "", expiration: int = 0) -> None:
        """The person changes their status in Slack themselves."""
        self.user_side.set_own_status(user_id, text, emoji, expiration)

    def status_of(self, user_id: str) -> dict[str, Any]:
        """The person's status as Slack shows it now (an expired one is cleared)."""
        return self.user_side.status_of(user_id)

    def user_tokens_of(self, user_id: str) -> list[str]:
        """The user tokens issued to ``user_id`` through OAuth (tests: where must they not appear?)."""
        return [token for token, grant in self.user_side.tokens.items() if grant.user_id == user_id]

    def limit_posts(self, limit: RateLimit | None = SLACK_POST_LIMIT) -> None:
        """Turn ``chat.postMessage``'s per-channel rate limit on (or off with None)."""
        self._ctx.post_limiter = ChannelRateLimiter(limit, self.clock) if limit is not None else None

    def limit_updates(self, limit: UpdateRateLimit | None = SLACK_UPDATE_LIMIT) -> None:
        """Turn ``chat.update``'s limits on (per message and per workspace), or off with None."""
        self._ctx.update_limiter = UpdateRateLimiter(limit, self.clock) if limit is not None else None

    def inject(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (``"response_url"`` for the sink)."""
        self._faults.inject(method, status=status, error=error, retry_after=retry_after, times=times)

    def clear_faults(self) -> None:
        self._faults.clear()

    def grant_scopes(self, scopes: list[str] | None) -> None:
        """Install the app with only ``scopes`` (None: all it asks for). Methods and events
        that need a scope left out answer as Slack does (``missing_scope``, no event)."""
        self._ctx.granted_scopes = None if scopes is None else frozenset(scopes)

    def post_as_person(
        self, user_id: str, channel_id: str, text: str
    ) -> tuple[Message, dict[str, Any] | None]:
        """A person's own message; with links on the app's unfurl domains, also the
        ``link_shared`` event Slack would send the app (the driver delivers it)."""
        user = self.ensure_user(user_id)
        return unfurl_methods.post_as_person(self._ctx, user.id, channel_id, text, self.unfurl_domains)

    def start_execution(self, callback_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """A workflow reaching the app's step ``callback_id``: the ``function_executed`` event
        to deliver (its execution id and the run's own token in it)."""
        return function_methods.start_execution(self._ctx, callback_id, inputs)

    def execution(self, execution_id: str) -> Execution:
        """A step run as Slack keeps it: running, completed (its outputs) or failed (its error)."""
        return self._ctx.executions.by_id[execution_id]

    def deliver_due_scheduled(self) -> list[Message]:
        return chat_methods.deliver_due_scheduled(self._ctx)

    # -- handles Slack gives the bot with each request -----------------------------------

    def issue_response_url(self, channel: str, user: str, original_ts: str | None = None) -> str:
        token = self._workspace.issue_response_url(channel, user, original_ts)
        return f"{self.base_url}/response/{token}"

    def issue_trigger_id(self, user: str) -> str:
        return self._workspace.issue_trigger(user)

    def view(self, view_id: str) -> dict[str, Any]:
        """The current version of a view, as Slack would send it back in a payload."""
        stored = self._workspace.views[view_id]
        return {k: v for k, v in stored.items() if k != "user"}

    # -- serving -------------------------------------------------------------------------

    @asynccontextmanager
    async def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        async with serve_asgi(self.app, host=host, port=port, lifespan="off") as base_url:
            self.base_url = base_url
            yield base_url

    @contextmanager
    def serve_in_thread(self, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        with serve_asgi_in_thread(self.app, host=host, port=port, lifespan="off") as base_url:
            self.base_url = base_url
            yield base_url

    # -- HTTP ----------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        arrived = self.clock()
        try:
            raw = dict(request.query_params)
            raw.update(await _body_args(request))
            args = normalise_args(raw)
        except Refusal as refusal:
            args, token, answer = {}, _bearer(request), refusal_answer(refusal)
            self._recorder.call(_record(method, args, token, arrived, answer))
        else:
            # Slack takes the token from the Authorization header or a `token` argument.
            form_token = args.pop("token", None)
            token = _bearer(request) or (str(form_token) if form_token else None)
            with self._recorder.effects_after_call():
                if method in _USER_METHODS:
                    basic = basic_credentials(request.headers.get("authorization", ""))
                    answer = self._user_method(method, args, token, basic)
                else:
                    answer = call_method(self._ctx, self._faults, method, args, token)
                self._recorder.call(_record(method, args, token, arrived, answer))
        return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)

    def _user_method(
        self, method: str, args: dict[str, Any], token: str | None, basic: tuple[str, str] | None
    ) -> Answer:
        side = self.user_side
        bot_tokens = {self.bot_token, *self._ctx.extra_tokens}
        try:
            fault = self._faults.take(method)
            if fault is not None:
                raise Refusal(fault.error, status=fault.status, retry_after=fault.retry_after)
            if method == "oauth.v2.access":
                body = side.oauth_v2_access(args, basic)
            elif method == "users.profile.get":
                body = side.profile_get(token, bot_tokens)
            elif method == "users.profile.set":
                body = side.profile_set(token, bot_tokens, args)
            else:
                body = side.revoke(token)
        except Refusal as refusal:
            return refusal_answer(refusal)
        return Answer(200, {"ok": True, **body})

    async def _authorize(self, request: Request) -> Response:
        status, where = self.user_side.authorize(dict(request.query_params))
        if status == 302:
            return RedirectResponse(where, status_code=302)
        return PlainTextResponse(f"Slack could not start the sign-in: {where}", status_code=status)

    async def _response_url(self, request: Request) -> Response:
        try:
            body = await _body_args(request)
            if isinstance(body.get("payload"), str):
                body = json.loads(body["payload"])
            fault = self._faults.take(RESPONSE_URL_FAULT)
            if fault is not None:
                raise Refusal(fault.error, status=fault.status, retry_after=fault.retry_after)
            chat_methods.post_to_response_url(self._ctx, request.path_params["token"], normalise_args(body))
        except Refusal as refusal:
            answer = refusal_answer(refusal)
            return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_payload"}, status_code=400)
        return JSONResponse({"ok": True})


async def _body_args(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise Refusal("invalid_json", status=400) from None
        if not isinstance(parsed, dict):
            raise Refusal("invalid_json", status=400)
        return parsed
    return dict(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _record(method: str, args: dict[str, Any], token: str | None, at: float, answer: Answer) -> ApiCall:
    return ApiCall(
        method=method,
        args=args,
        token=token,
        status=answer.status,
        ok=bool(answer.body.get("ok")),
        error=answer.error,
        at=at,
    )
