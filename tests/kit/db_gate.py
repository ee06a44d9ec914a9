"""A TCP gate in front of the PostgreSQL server: close it and the database stops answering.

The bot connects to the gate's loopback port as if it were the server. ``close()`` stops
listening and cuts every open connection (new connections are refused, as when the
server is down or unreachable); ``open()`` listens on the same port again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url


class DatabaseGate:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def url_for(self, database_url: str) -> str:
        """``database_url`` with its host and port replaced by the gate's."""
        return make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(False)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)
        self._writers -= {writer, up_writer}
        for w in (writer, up_writer):
            w.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()


@asynccontextmanager
async def database_gate(database_url: str) -> AsyncIterator[DatabaseGate]:
    url = make_url(database_url)
    gate = DatabaseGate(url.host or "127.0.0.1", url.port or 5432)
    await gate.open()
    try:
        yield gate
    finally:
        await gate.close()
