"""Check JSON against Zoom's OpenAPI documents: request bodies, responses, webhook bodies.

    from tests.kit.zoom_contract import validate_request, validate_response, validate_webhook
    validate_request("POST", "/users/{userId}/meetings", body)          # raises ContractError
    validate_response("GET", "/meetings/{meetingId}", 200, body)
    validate_webhook("meeting.deleted", body)
    sim = ZoomSimulator(contract=StrictContract())   # checks every exchange; see StrictContract

Path templates are the documents' own (``{userId}``, ``{meetingId}``), with or without the
``/v2`` prefix. The documents are read from ``tests/contracts/zoom/``: the operations and
webhook events the bot uses, copied unchanged from Zoom's published documents by
``tests/contracts/zoom/derive.py`` (its ``SOURCE.md`` says from where and when). Set
``$ZOOM_OPENAPI_DIR`` to a folder of Zoom's full documents to check against those instead.
Quirks smoothed over:
OpenAPI 3.0 ``nullable`` becomes a null type; local ``start_time`` values without an offset
are accepted; webhook ``$ref``s into ``#/paths/...`` are redirected to ``webhooks``;
``recurrence.weekly_days`` may be a comma list (``"2,4"``) as Zoom accepts.

Error responses: the documents describe 4xx/5xx only in prose and omit 401/403 for most
operations, so any error status is accepted if its body has Zoom's error shape
(``{"code": int, "message": str}``, optional ``errors``) — or, for /oauth/*, which has no
OpenAPI document, not checked here at all. Success statuses must be the documented one
(a create answering 200 instead of 201 fails).
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from bot.sandbox.zoom_simulator.contract import Exchange

VENDORED_DIR = Path(__file__).resolve().parents[1] / "contracts" / "zoom"


def docs_dir() -> Path:
    """Where Zoom's OpenAPI documents are: ``$ZOOM_OPENAPI_DIR``, else the vendored subset."""
    configured = os.environ.get("ZOOM_OPENAPI_DIR")
    return Path(configured) if configured else VENDORED_DIR


DOCS_DIR = docs_dir()
ENDPOINT_DOCS = (
    "endpoints/workplace/Meetings.json",
    "endpoints/accounts/Users.json",
    "endpoints/accounts/Accounts.json",
)
WEBHOOK_DOCS = (
    "webhooks/workplace/Meetings.json",
    "webhooks/marketplace/Marketplace.json",
    "webhooks/accounts/Users.json",
)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


class ContractError(AssertionError):
    """The JSON does not match Zoom's documents (or the operation is not documented)."""


# -- formats -------------------------------------------------------------------------------

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    # Zoom accepts a local time without offset (with a separate `timezone` field).
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


@_FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE.match(value))


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or ("@" in value and " " not in value.strip())


@_FORMATS.checks("int64")
def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


# -- document handling ---------------------------------------------------------------------


def _json_pointer(document: Mapping[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _normalise(schema: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """Resolve local $refs (fixing ``#/paths/`` in webhook docs) and turn ``nullable`` into null."""
    if depth > 50:
        raise ContractError("schema nesting too deep (reference cycle?)")
    if isinstance(schema, list):
        return [_normalise(item, document, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema and isinstance(schema["$ref"], str):
        pointer = schema["$ref"]
        if pointer.startswith("#/paths/") and "webhooks" in document:
            pointer = "#/webhooks/" + pointer[len("#/paths/") :]
        return _normalise(copy.deepcopy(_json_pointer(document, pointer)), document, depth + 1)
    out = {key: _normalise(value, document, depth + 1) for key, value in schema.items()}
    weekly_days = (
        out.get("properties", {}).get("weekly_days") if isinstance(out.get("properties"), dict) else None
    )
    if isinstance(weekly_days, dict) and "enum" in weekly_days:
        # Documented as "1".."7" but the prose (and Zoom) take a comma list such as "2,4".
        weekly_days.pop("enum")
        weekly_days["pattern"] = "^[1-7](,[1-7])*$"
    if out.pop("nullable", False) is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def _forbid_unknown(schema: Any, *, part: bool = False) -> Any:
    """Strict mode: objects with declared properties accept no others (catches typos).

    ``allOf`` members are parts of one object (Zoom's user is ``allOf`` of three), so a part
    is not closed on its own; the whole is, over the union of the parts' properties.
    """
    if isinstance(schema, list):
        return [_forbid_unknown(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: [_forbid_unknown(m, part=True) for m in v]
        if k == "allOf" and isinstance(v, list)
        else _forbid_unknown(v)
        for k, v in schema.items()
    }
    if part or "additionalProperties" in out:
        return out
    parts = out.get("allOf")
    if isinstance(parts, list) and not any(k in out for k in ("anyOf", "oneOf")):
        open_ended = ("allOf", "anyOf", "oneOf", "additionalProperties", "patternProperties")
        if any(not isinstance(m, dict) or any(k in m for k in open_ended) for m in parts):
            return out
        names = {name for m in parts for name in m.get("properties", {})}
        if names:
            out["properties"] = {**{name: {} for name in names}, **out.get("properties", {})}
            out["additionalProperties"] = False
        return out
    if "properties" in out and not any(k in out for k in ("anyOf", "oneOf")):
        out["additionalProperties"] = False
    return out


@cache
def _load(relative: str) -> dict[str, Any]:
    with (DOCS_DIR / relative).open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def _template(path_template: str) -> str:
    return path_template[3:] if path_template.startswith("/v2/") else path_template


def operation(method: str, path_template: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI operation object for ``method path_template`` and the document holding it."""
    path = _template(path_template)
    for relative in ENDPOINT_DOCS:
        document = _load(relative)
        operation_object = document.get("paths", {}).get(path, {}).get(method.lower())
        if operation_object is not None:
            return operation_object, document
    raise ContractError(f"{method.upper()} {path} is not in Zoom's OpenAPI documents")


def _check(validator_class: Any, schema: dict[str, Any], instance: Any, what: str) -> None:
    validator = validator_class(schema, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{what}: {len(errors)} contract violation(s)"]
        for error in errors[:10]:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            lines.append(f"  at {where}: {_short(error)}")
        raise ContractError("\n".join(lines))


def _short(error: ValidationError) -> str:
    return error.message if len(error.message) < 300 else error.message[:300] + "..."


def _json_schema(content: Mapping[str, Any] | None, document: Mapping[str, Any]) -> dict[str, Any] | None:
    if not content:
        return None
    media = content.get("application/json")
    if not media or "schema" not in media:
        return None
    schema: dict[str, Any] = _normalise(media["schema"], document)
    return schema


# -- public API ----------------------------------------------------------------------------


def validate_request(
    method: str,
    path_template: str,
    body: Any,
    *,
    query: Mapping[str, str] | None = None,
    strict: bool = False,
) -> None:
    """Check a request body (and, if given, the query string) for a documented operation.

    ``strict=True`` also refuses properties the documents do not declare.
    """
    op, document = operation(method, path_template)
    what = f"{method.upper()} {_template(path_template)} request"
    request_body = op.get("requestBody")
    if body is None:
        if request_body and request_body.get("required"):
            raise ContractError(f"{what}: a body is required")
    else:
        if not request_body:
            raise ContractError(f"{what}: the operation takes no body")
        schema = _json_schema(request_body.get("content"), document)
        if schema is None:
            raise ContractError(f"{what}: no JSON schema for the body")
        _check(Draft4Validator, _forbid_unknown(schema) if strict else schema, body, what)
    if query is not None:
        _check_query(op, document, query, what)


def _check_query(
    op: Mapping[str, Any], document: Mapping[str, Any], query: Mapping[str, str], what: str
) -> None:
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    for name, raw in query.items():
        if name not in params:
            raise ContractError(f"{what}: unknown query parameter {name!r}")
        schema = _normalise(params[name].get("schema", {}), document)
        value: Any = raw
        kind = schema.get("type")
        try:
            if kind == "integer":
                value = int(raw)
            elif kind == "boolean":
                if raw not in ("true", "false"):
                    raise ValueError(raw)
                value = raw == "true"
        except ValueError:
            raise ContractError(f"{what}: query parameter {name}={raw!r} is not a {kind}") from None
        _check(Draft4Validator, schema, value, f"{what} query parameter {name}")


def validate_response(
    method: str, path_template: str, status: int, body: Any, *, strict: bool = False
) -> None:
    """Check a response: a documented success status and body, or Zoom's error shape.

    ``body`` is the parsed JSON (``None`` or ``b""``/``""`` for an empty body).
    """
    op, document = operation(method, path_template)
    what = f"{method.upper()} {_template(path_template)} response {status}"
    empty = body is None or body in (b"", "")
    if status >= 400:
        if empty:
            raise ContractError(f"{what}: Zoom errors carry a JSON body")
        _check(Draft4Validator, ERROR_SCHEMA, body, what)
        return
    responses = op.get("responses", {})
    documented = responses.get(str(status))
    if documented is None:
        raise ContractError(f"{what}: status not documented (documented: {', '.join(sorted(responses))})")
    schema = _json_schema(documented.get("content"), document)
    if schema is None:
        if not empty:
            raise ContractError(f"{what}: the documents give this status no body")
        return
    if empty:
        raise ContractError(f"{what}: a JSON body is documented")
    _check(Draft4Validator, _forbid_unknown(schema) if strict else schema, body, what)


def validate_webhook(event: str, body: Any) -> None:
    """Check a webhook body (the event's ``requestBody`` in the webhook documents)."""
    for relative in WEBHOOK_DOCS:
        document = _load(relative)
        entry = document.get("webhooks", {}).get(event)
        if entry is None:
            continue
        schema = _json_schema(entry["post"]["requestBody"].get("content"), document)
        if schema is None:
            raise ContractError(f"webhook {event}: no JSON schema")
        _check(Draft202012Validator, schema, body, f"webhook {event}")
        return
    raise ContractError(f"webhook {event} is not in Zoom's webhook documents")


# -- the simulator's strict contract observer --------------------------------------------


class StrictContract:
    """Checks everything the Zoom simulator exchanges against the documents, strictly.

    Install it as ``ZoomSimulator(contract=StrictContract())`` (the test fixtures do): every
    ``/v2`` request (body and query, undeclared fields refused), every answer the simulator's
    own rules produced (answers forced by an injected fault are the test's choice and are
    not checked) and every webhook body it produces. Violations are collected, because a
    check failing inside the simulator would only turn into a 500 the bot has to cope
    with; :meth:`assert_clean` (called by the fixtures at teardown) fails the test with
    all of them. A test that sends a bad request on purpose wraps it in
    :meth:`allowing_invalid_requests`.
    """

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0
        self._lenient = 0

    def exchange(self, exchange: Exchange) -> None:
        self.checked += 1
        where = f"{exchange.method} {exchange.path}"
        if self._lenient == 0:
            self._problem(where, lambda: self._check_request(exchange))
        if not exchange.forced and exchange.path_template is not None:
            self._problem(where, lambda: self._check_response(exchange))

    def webhook(self, event: str, body: dict[str, Any]) -> None:
        self.checked += 1
        self._problem(f"webhook {event}", lambda: _check_webhook(event, body))

    @contextmanager
    def allowing_invalid_requests(self) -> Iterator[None]:
        """Requests sent inside are not checked (their answers still are)."""
        self._lenient += 1
        try:
            yield
        finally:
            self._lenient -= 1

    def assert_clean(self) -> None:
        if self.violations:
            raise ContractError(
                f"the Zoom simulator saw {len(self.violations)} exchange(s) outside Zoom's OpenAPI "
                "documents (fix the request or the simulator, not the checker):\n"
                + "\n".join(self.violations)
            )

    def _problem(self, where: str, check: Callable[[], None]) -> None:
        try:
            check()
        except ContractError as error:
            self.violations.append(f"- {where}: {error}")

    @staticmethod
    def _check_request(exchange: Exchange) -> None:
        if exchange.path_template is None:
            raise ContractError("not an endpoint in Zoom's OpenAPI documents")
        try:
            body = exchange.request_json()
        except ValueError:
            raise ContractError(f"request body is not JSON: {exchange.request_body[:80]!r}") from None
        validate_request(exchange.method, exchange.path_template, body, query=exchange.query, strict=True)

    @staticmethod
    def _check_response(exchange: Exchange) -> None:
        assert exchange.path_template is not None
        try:
            body = exchange.response_json()
        except ValueError:
            raise ContractError(f"answer is not JSON: {exchange.response_body[:80]!r}") from None
        validate_response(exchange.method, exchange.path_template, exchange.status, body, strict=True)


def _check_webhook(event: str, body: dict[str, Any]) -> None:
    if event == "endpoint.url_validation":
        # Documented only in prose: {"event", "payload": {"plainToken": str}, "event_ts": int}.
        _check(Draft202012Validator, URL_VALIDATION_SCHEMA, body, f"webhook {event}")
        return
    validate_webhook(event, body)


URL_VALIDATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["event", "payload", "event_ts"],
    "additionalProperties": False,
    "properties": {
        "event": {"const": "endpoint.url_validation"},
        "event_ts": {"type": "integer"},
        "payload": {
            "type": "object",
            "required": ["plainToken"],
            "additionalProperties": False,
            "properties": {"plainToken": {"type": "string", "minLength": 1}},
        },
    },
}
