"""Fixtures for the Zoom simulator tests: a simulator on a manual clock (every exchange checked
against Zoom's OpenAPI documents), a client over ASGI, helpers that link a user through the real
OAuth flow, and for the token tests a real database, a link store and Zoom clients on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.model import SimApp
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.vault import TokenVault, generate_key
from bot.zoom.http import ZoomHttp
from bot.zoom.oauth import ZoomOAuth
from tests.kit.zoom_contract import StrictContract
from tests.kit.zoom_link import link_user

SIM_START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
USER_SCOPES = [
    "user:read:user",
    "meeting:read:meeting",
    "meeting:write:meeting",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "meeting:read:list_meetings",
    "meeting:update:status",
    "meeting:read:invitation",
    "cloud_recording:read:list_user_recordings",
    "user:read:list_schedulers",
    "meeting:read:summary",
]
ADMIN_SCOPES = ["user:read:user:admin", "user:read:list_users:admin", "meeting:write:meeting:admin"]


@pytest.fixture
def sim_clock() -> ManualClock:
    return ManualClock(SIM_START)


@pytest.fixture
def sim_contract() -> Iterator[StrictContract]:
    """Checks every exchange of the ``sim`` fixture against Zoom's documents; fails at teardown."""
    contract = StrictContract()
    yield contract
    contract.assert_clean()


@pytest.fixture
def sim_options() -> dict[str, Any]:
    """Extra ``ZoomSimulator`` options; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def sim(sim_clock: ManualClock, sim_contract: StrictContract, sim_options: dict[str, Any]) -> ZoomSimulator:
    simulator = ZoomSimulator(sim_clock, seed=7, contract=sim_contract, **sim_options)
    simulator.add_app(
        "sim-client",
        "sim-client-secret",
        "http://localhost:3000/zoom/oauth/callback",
        USER_SCOPES + ADMIN_SCOPES,
    )
    simulator.add_account("acc-1", s2s_client_id="sim-s2s", s2s_client_secret="sim-s2s-secret")
    simulator.add_account("acc-2")
    simulator.add_user("alice@example.com", "Alice", "Ng", account_id="acc-1")
    simulator.add_user("bob@example.com", "Bob", "Meyer", account_id="acc-1", timezone="Europe/Berlin")
    simulator.add_user("carol@example.com", "Carol", "Diaz", account_id="acc-1", role="admin")
    simulator.add_user("dave@example.org", "Dave", "Other", account_id="acc-2")
    return simulator


@pytest.fixture
def sim_app(sim: ZoomSimulator) -> SimApp:
    return sim.apps["sim-client"]


@pytest.fixture
async def zoom(sim: ZoomSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="http://zoom.test"
    ) as client:
        yield client


@pytest.fixture
def sim_login(zoom: httpx.AsyncClient, sim_app: SimApp) -> Callable[[str], Awaitable[dict[str, Any]]]:
    """Link ``email`` through authorize + code exchange (PKCE); returns the token response."""

    async def login(email: str) -> dict[str, Any]:
        return await link_user(
            zoom,
            client_id=sim_app.client_id,
            client_secret=sim_app.client_secret,
            redirect_uri=sim_app.redirect_uri,
            email=email,
        )

    return login


@pytest.fixture
def s2s_token(zoom: httpx.AsyncClient) -> Callable[[], Awaitable[str]]:
    async def fetch() -> str:
        response = await zoom.post(
            "/oauth/token",
            params={"grant_type": "account_credentials", "account_id": "acc-1"},
            auth=("sim-s2s", "sim-s2s-secret"),
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    return fetch


@pytest.fixture
async def http(sim: ZoomSimulator, sim_clock: ManualClock) -> AsyncIterator[ZoomHttp]:
    """The real Zoom HTTP core against the simulator on loopback (some modules bring their own)."""
    async with serve_simulator(sim) as url:
        client = ZoomHttp(url + "/v2", url, clock=sim_clock.now)
        yield client
        await client.aclose()


@pytest.fixture
def oauth(http: ZoomHttp, sim: ZoomSimulator) -> ZoomOAuth:
    app = sim.apps["sim-client"]
    return ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)


# -- token tests: a real database (SQLite and PostgreSQL), a link store, Zoom clients ----------


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(db_url)
    yield database
    await database.dispose()


@pytest.fixture
def links(database: Database, key: str) -> LinkStore:
    return LinkStore(database, TokenVault([key]))


@pytest.fixture
async def base_url(sim: ZoomSimulator) -> AsyncIterator[str]:
    """The simulator served on a loopback port."""
    async with serve_simulator(sim) as url:
        yield url


ZoomHttpFactory = Callable[..., ZoomHttp]


@pytest.fixture
async def make_http(base_url: str, sim_clock: ManualClock) -> AsyncIterator[ZoomHttpFactory]:
    """``make_http(read=…, deadline=…)``: the real Zoom HTTP core on the loopback simulator, with
    the read timeout a test needs (short to lose an answer, long to wait for one); all closed
    at the end."""
    made: list[ZoomHttp] = []

    def make(*, read: float, deadline: float | None = None) -> ZoomHttp:
        extra = {} if deadline is None else {"deadline": deadline}
        client = ZoomHttp(
            base_url + "/v2", base_url, timeout=httpx.Timeout(5.0, read=read), clock=sim_clock.now, **extra
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
