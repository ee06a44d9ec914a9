"""The bot with the ``httpx-aiohttp`` package's transport in place of ``bot/http_transport.py``.

Same command line and settings as ``python -m bot``; only the transport under the bot's
httpx client (Zoom's REST calls and OAuth; replies to response_urls use aiohttp directly)
differs, so the benchmark can set both side by side on the same load
(``pip install -e '.[bench]'`` brings the package).

    python bench/bot_on_httpx_aiohttp.py serve --port 3300
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import httpx_aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.http_transport  # noqa: E402


def package_transport(
    *, max_connections: int = 100, keepalive_expiry: float = 5.0
) -> httpx.AsyncBaseTransport:
    """The package's transport, with the pool size and keep-alive the bot asks of its own."""
    limits = httpx.Limits(max_connections=max_connections, keepalive_expiry=keepalive_expiry)
    return httpx_aiohttp.AiohttpTransport(limits=limits)


# Before bot.zoom.http imports the name (the CLI imports it lazily). The package's transport has
# no bare ``sender``, so the Zoom client drives it through ``httpx.Request`` (``SendsBare``).
bot.http_transport.AiohttpTransport = package_transport  # type: ignore[misc, assignment]

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
