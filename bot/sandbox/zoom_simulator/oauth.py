"""zoom.us OAuth: the consent page, the token endpoint (three grants), and revoke.

Rules (see the package docstring for the summary):

- ``redirect_uri`` must equal the app's exactly, on authorize and on the code exchange;
- codes are single use, live 5 minutes, and are bound to client, redirect URI and the
  PKCE challenge (``S256`` or ``plain``; no challenge means no PKCE);
- refresh rotates: the old refresh token *and* the old access token stop working;
- authorizing again ends the user's earlier grants for that app;
- a user whose Zoom role is ``member`` never receives ``:admin`` / ``:master`` scopes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.sandbox.zoom_simulator.model import AuthorizationCode, SimApp, SimUser, TokenGrant
from bot.sandbox.zoom_simulator.responses import OAuthRefusal

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator

CODE_LIFETIME = timedelta(minutes=5)
TOKEN_KEY = "POST /oauth/token"


def oauth_routes(sim: ZoomSimulator) -> list[Route]:
    async def authorize_page(request: Request) -> Response:
        params = dict(request.query_params)
        return await sim.guarded(["GET /oauth/authorize"], lambda: _authorize(sim, params, request))

    async def authorize_submit(request: Request) -> Response:
        params = await _form(request)
        return await sim.guarded(["POST /oauth/authorize"], lambda: _authorize(sim, params, request))

    async def token(request: Request) -> Response:
        params = dict(request.query_params)
        params.update(await _form(request))
        keys = [TOKEN_KEY, f"{TOKEN_KEY}:{params.get('grant_type', '')}"]
        authorization = request.headers.get("authorization")
        origin = f"{request.url.scheme}://{request.url.netloc}"
        return await sim.guarded(keys, lambda: _token(sim, params, authorization, origin))

    async def revoke(request: Request) -> Response:
        params = dict(request.query_params)
        params.update(await _form(request))
        authorization = request.headers.get("authorization")
        return await sim.guarded(["POST /oauth/revoke"], lambda: _revoke(sim, params, authorization))

    return [
        Route("/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/oauth/authorize", authorize_submit, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]


async def _form(request: Request) -> dict[str, str]:
    """An ``x-www-form-urlencoded`` body as a dict (parsed here: no multipart dependency)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return {}
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


# -- authorize -------------------------------------------------------------------------


def _error_page(status: int, message: str) -> HTMLResponse:
    # Zoom shows an error page and never redirects to an unregistered URI.
    return HTMLResponse(
        f"<!doctype html><title>Zoom</title><h1>Error</h1><p>{html.escape(message)}</p>", status_code=status
    )


def _authorize(sim: ZoomSimulator, params: dict[str, str], request: Request) -> Response:
    with sim.lock:
        if params.get("response_type") != "code":
            return _error_page(400, "4700 Invalid response_type: only 'code' is supported.")
        app = sim.apps.get(params.get("client_id", ""))
        if app is None:
            return _error_page(400, "4702 Invalid client_id.")
        if params.get("redirect_uri") != app.redirect_uri:
            return _error_page(400, f"4700 Invalid redirect: {params.get('redirect_uri', '')}")
        method = params.get("code_challenge_method", "plain")
        if params.get("code_challenge") and method not in ("S256", "plain"):
            return _error_page(400, "4700 Invalid code_challenge_method.")
        email = params.get("email") or params.get("login_hint")
        if not email:
            return _consent_page(sim, app, params)
        user = sim.find_user(email)
        if user is None or user.status != "active":
            return _error_page(400, f"No such Zoom user: {email}")
        code = _issue_code(sim, app, user, params)
    query = {"code": code}
    if "state" in params:
        query["state"] = params["state"]
    separator = "&" if "?" in app.redirect_uri else "?"
    return RedirectResponse(app.redirect_uri + separator + urlencode(query), status_code=302)


def _issue_code(sim: ZoomSimulator, app: SimApp, user: SimUser, params: dict[str, str]) -> str:
    code = secrets.token_urlsafe(24)
    challenge = params.get("code_challenge") or None
    sim.codes[code] = AuthorizationCode(
        code=code,
        client_id=app.client_id,
        redirect_uri=app.redirect_uri,
        user_id=user.id,
        code_challenge=challenge,
        code_challenge_method=params.get("code_challenge_method", "plain") if challenge else "none",
        issued_at=sim.clock.now(),
    )
    return code


def _consent_page(sim: ZoomSimulator, app: SimApp, params: dict[str, str]) -> HTMLResponse:
    carried = {k: v for k, v in params.items() if k not in ("email", "login_hint")}
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in carried.items()
    )
    forms = "".join(
        f'<form method="post" action="/oauth/authorize">{hidden}'
        f'<input type="hidden" name="email" value="{html.escape(u.email)}">'
        f'<button type="submit">Allow as {html.escape(u.first_name)} {html.escape(u.last_name)} '
        f"&lt;{html.escape(u.email)}&gt;</button></form>"
        for u in sim.users.values()
        if u.status == "active"
    )
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in app.scopes)
    return HTMLResponse(
        "<!doctype html><title>Zoom simulator: authorize</title>"
        f"<h1>Authorize app {html.escape(app.client_id)}</h1>"
        f"<p>The app asks for:</p><ul>{scopes}</ul><p>Sign in as:</p>{forms}"
    )


# -- token -------------------------------------------------------------------------------


def _client_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def _invalid_client() -> OAuthRefusal:
    return OAuthRefusal(401, "invalid_client", "Invalid client_id or client_secret")


def _token(sim: ZoomSimulator, params: dict[str, str], authorization: str | None, origin: str) -> Response:
    credentials = _client_credentials(authorization)
    if credentials is None:
        raise _invalid_client()
    client_id, secret = credentials
    grant_type = params.get("grant_type", "")
    with sim.lock:
        app = sim.apps.get(client_id)
        account = sim.account_for_s2s_client(client_id)
        if app is not None and secrets.compare_digest(app.client_secret, secret):
            if grant_type == "authorization_code":
                grant = _exchange_code(sim, app, params)
            elif grant_type == "refresh_token":
                grant = _refresh(sim, app, params)
            else:
                raise OAuthRefusal(400, "unsupported_grant_type", "Unsupported grant type")
        elif account is not None and secrets.compare_digest(account.s2s_client_secret or "", secret):
            if grant_type != "account_credentials":
                raise OAuthRefusal(400, "unsupported_grant_type", "Unsupported grant type")
            if params.get("account_id") != account.account_id:
                raise OAuthRefusal(400, "invalid_request", "Invalid account_id")
            grant = sim.issue_grant(
                grant_type="account_credentials",
                client_id=client_id,
                account_id=account.account_id,
                user=None,
                scopes=frozenset(account.s2s_scopes),
            )
        else:
            raise _invalid_client()
    body = {
        "access_token": grant.access_token,
        "token_type": "bearer",
        "expires_in": 3599,
        "scope": " ".join(sorted(grant.scopes)),
        "api_url": origin,
    }
    if grant.refresh_token is not None:
        body["refresh_token"] = grant.refresh_token
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _exchange_code(sim: ZoomSimulator, app: SimApp, params: dict[str, str]) -> TokenGrant:
    code = sim.codes.get(params.get("code", ""))
    if code is None or code.used or code.client_id != app.client_id:
        raise OAuthRefusal(400, "invalid_grant", "Invalid authorization code")  # 4734
    if sim.clock.now() - code.issued_at > CODE_LIFETIME:
        raise OAuthRefusal(400, "invalid_grant", "Code is expired")  # 4733
    if params.get("redirect_uri") != code.redirect_uri:
        raise OAuthRefusal(400, "invalid_request", "Redirect URI mismatch.")  # 4709
    if code.code_challenge is not None and not _verifier_matches(code, params.get("code_verifier")):
        raise OAuthRefusal(400, "invalid_grant", "Invalid code_verifier")
    code.used = True
    user = sim.user_by_id(code.user_id)
    if user is None:
        raise OAuthRefusal(400, "invalid_grant", "The owner of the token does not exist")  # 4735
    sim.end_user_grants(user.id, app.client_id, reason="reauthorized")
    return sim.issue_grant(
        grant_type="authorization_code",
        client_id=app.client_id,
        account_id=user.account_id,
        user=user,
        scopes=scopes_for(app, user),
    )


def _verifier_matches(code: AuthorizationCode, verifier: str | None) -> bool:
    if not verifier or code.code_challenge is None:
        return False
    if code.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        expected = verifier
    return secrets.compare_digest(expected, code.code_challenge)


def _refresh(sim: ZoomSimulator, app: SimApp, params: dict[str, str]) -> TokenGrant:
    old = sim.grant_by_refresh_token(params.get("refresh_token", ""))
    now = sim.clock.now()
    if (
        old is None
        or old.ended is not None
        or old.client_id != app.client_id
        or old.refresh_expires_at is None
        or now >= old.refresh_expires_at
    ):
        raise OAuthRefusal(400, "invalid_grant", "Invalid Token!")
    user = sim.user_by_id(old.user_id or "")
    if user is None or user.status != "active":
        raise OAuthRefusal(400, "invalid_grant", "The owner of the token does not exist")
    old.ended = "rotated"  # the old refresh token and the old access token both die here
    return sim.issue_grant(
        grant_type="refresh_token",
        client_id=app.client_id,
        account_id=old.account_id,
        user=user,
        scopes=old.scopes,
    )


def scopes_for(app: SimApp, user: SimUser) -> frozenset[str]:
    # Zoom grants admin-level scopes only to users whose role has those permissions.
    if user.is_admin:
        return frozenset(app.scopes)
    return frozenset(s for s in app.scopes if not s.endswith((":admin", ":master")))


# -- revoke ------------------------------------------------------------------------------


def _revoke(sim: ZoomSimulator, params: dict[str, str], authorization: str | None) -> Response:
    credentials = _client_credentials(authorization)
    with sim.lock:
        app = sim.apps.get(credentials[0]) if credentials else None
        if (
            credentials is None
            or app is None
            or not secrets.compare_digest(app.client_secret, credentials[1])
        ):
            raise _invalid_client()
        token = params.get("token", "")
        grant = sim.grant_by_access_token(token) or sim.grant_by_refresh_token(token)
        if grant is None or grant.client_id != app.client_id:
            raise OAuthRefusal(400, "invalid_request", "Invalid Token!")
        if grant.ended is None:
            grant.ended = "revoked"
    return JSONResponse({"status": "success"})
