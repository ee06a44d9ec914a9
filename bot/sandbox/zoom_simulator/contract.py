"""What the simulator tells a contract observer: each REST exchange and each webhook body.

The simulator ships with the package, so it cannot check JSON against Zoom's OpenAPI
documents itself (that needs jsonschema and the documents, which only tests have). It
reports instead: set ``ZoomSimulator(contract=observer)`` (or ``sim.contract = observer``)
and the observer sees every ``/v2`` request and its answer as an :class:`Exchange`, and
every webhook body the simulator produces. The tests' strict checker
(``tests/kit/zoom_contract.py``) validates them and fails the test on any violation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Exchange:
    """One ``/v2`` request and the simulator's answer to it, as bytes on the wire."""

    method: str
    path_template: str | None  # the OpenAPI template without /v2 ("/meetings/{meetingId}"); None: unrouted
    path: str  # the path as requested, e.g. "/v2/meetings/85746065"
    query: dict[str, str]
    request_body: bytes
    status: int
    response_body: bytes
    # A fault the test injected chose the status and body (not the simulator's rules).
    forced: bool

    def request_json(self) -> Any:
        """The parsed request body; ``None`` when empty. Raises ``ValueError`` if it is not JSON."""
        return _parse(self.request_body)

    def response_json(self) -> Any:
        """The parsed answer; ``None`` when empty. Raises ``ValueError`` if it is not JSON."""
        return _parse(self.response_body)


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        return None
    return json.loads(raw)


class ContractObserver(Protocol):
    """Receives what the simulator exchanged; raising from here is the observer's business."""

    def exchange(self, exchange: Exchange) -> None: ...

    def webhook(self, event: str, body: dict[str, Any]) -> None: ...
