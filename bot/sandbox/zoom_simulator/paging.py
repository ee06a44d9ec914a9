"""Zoom's token paging: ``page_size`` (default 30, at most 300) and ``next_page_token``.

A page token is good for 15 minutes, for the same query and the same ``page_size``;
anything else is 300 "The next page token is invalid or expired.". A ``page_size``
over 300 is refused with 300 "Validation Failed." (a simulator choice: Zoom's
documents give 300 as the maximum but not what happens above it).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.sandbox.zoom_simulator.model import PageCursor
from bot.sandbox.zoom_simulator.responses import bad_page_token, validation_failed

PAGE_TOKEN_LIFETIME = timedelta(minutes=15)
DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 300

T = TypeVar("T")


@dataclass
class Page:
    items: Sequence[Any]
    page_size: int
    total_records: int
    next_page_token: str

    def envelope(self) -> dict[str, Any]:
        pages = max(1, -(-self.total_records // self.page_size))
        return {
            "page_size": self.page_size,
            "total_records": self.total_records,
            "page_count": pages,
            "next_page_token": self.next_page_token,
        }


def page_size_of(query: Mapping[str, str]) -> int:
    raw = query.get("page_size")
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise validation_failed([{"field": "page_size", "message": "Invalid field."}]) from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise validation_failed([{"field": "page_size", "message": "Invalid field."}])
    return size


def paginate(
    cursors: dict[str, PageCursor],
    items: Sequence[T],
    *,
    query_key: str,
    query: Mapping[str, str],
    now: datetime,
) -> Page:
    size = page_size_of(query)
    offset = 0
    token = query.get("next_page_token", "")
    if token:
        cursor = cursors.get(token)
        if (
            cursor is None
            or cursor.query_key != query_key
            or cursor.page_size != size
            or now >= cursor.expires_at
        ):
            raise bad_page_token()
        offset = cursor.offset
    chunk = items[offset : offset + size]
    next_token = ""
    if offset + size < len(items):
        next_token = secrets.token_urlsafe(24)
        cursors[next_token] = PageCursor(
            query_key=query_key, page_size=size, offset=offset + size, expires_at=now + PAGE_TOKEN_LIFETIME
        )
    return Page(items=chunk, page_size=size, total_records=len(items), next_page_token=next_token)
