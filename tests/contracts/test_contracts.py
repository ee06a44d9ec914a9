"""The contract documents in the repository: intact, as recorded in their provenance, and still
strict — a planted invalid request, answer and webhook fail against them."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.kit.zoom_contract import (
    ENDPOINT_DOCS,
    VENDORED_DIR,
    WEBHOOK_DOCS,
    ContractError,
    validate_request,
    validate_response,
    validate_webhook,
)

HERE = Path(__file__).resolve().parent
SLACK = HERE / "slack"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_derive() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive", VENDORED_DIR / "derive.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_zoom_documents_are_the_ones_their_provenance_records() -> None:
    provenance = json.loads((VENDORED_DIR / "provenance.json").read_text())["documents"]
    assert set(provenance) == set(ENDPOINT_DOCS) | set(WEBHOOK_DOCS)
    for relative, entry in provenance.items():
        assert sha256(VENDORED_DIR / relative) == entry["sha256"], relative
        assert entry["source_sha256"] in (VENDORED_DIR / "SOURCE.md").read_text(), relative


def test_deriving_the_subset_again_from_itself_changes_nothing(tmp_path: Path) -> None:
    """The selection in derive.py and the files agree: nothing kept falls outside it."""
    derive = load_derive()
    derive.derive(VENDORED_DIR, tmp_path)
    for relative in (*ENDPOINT_DOCS, *WEBHOOK_DOCS):
        assert (tmp_path / relative).read_bytes() == (VENDORED_DIR / relative).read_bytes(), relative


def test_the_slack_schemas_are_the_ones_source_md_records() -> None:
    table = (SLACK / "SOURCE.md").read_text()
    recorded = dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", table, re.M))
    on_disk = {p.name for p in SLACK.iterdir() if p.name != "SOURCE.md"}
    assert set(recorded) == on_disk
    for name, digest in recorded.items():
        assert sha256(SLACK / name) == digest, name


def test_a_planted_invalid_request_fails() -> None:
    valid = {"topic": "Planning", "type": 2, "start_time": "2026-03-03T09:00:00Z", "duration": 30}
    validate_request("POST", "/users/{userId}/meetings", valid, strict=True)
    for planted, why in (
        ({**valid, "duration": "thirty"}, "duration"),
        ({**valid, "type": 99}, "type"),
        ({**valid, "topicc": "typo"}, "topicc"),
    ):
        with pytest.raises(ContractError, match=why):
            validate_request("POST", "/users/{userId}/meetings", planted, strict=True)
    with pytest.raises(ContractError, match="not in Zoom"):
        validate_request("POST", "/users/{userId}/webinars/nothing", {})


def test_a_planted_invalid_answer_fails() -> None:
    with pytest.raises(ContractError, match="status not documented"):
        validate_response("POST", "/users/{userId}/meetings", 200, {"id": 1})
    with pytest.raises(ContractError, match="id"):
        validate_response("GET", "/meetings/{meetingId}", 200, {"id": "not-a-number"})


def test_a_planted_invalid_webhook_fails() -> None:
    body = {
        "event": "meeting.ended",
        "event_ts": 1_700_000_000_000,
        "payload": {
            "account_id": "acc",
            "object": {
                "id": "85746065",
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_id": "x1yCzABCDEfg23HiJKl4mN",
                "topic": "Planning",
                "type": 2,
                "start_time": "2026-03-03T09:00:00Z",
                "end_time": "2026-03-03T09:30:00Z",
                "duration": 30,
                "timezone": "UTC",
            },
        },
    }
    validate_webhook("meeting.ended", body)
    planted = json.loads(json.dumps(body))
    planted["payload"]["object"]["start_time"] = 1234
    with pytest.raises(ContractError, match="start_time"):
        validate_webhook("meeting.ended", planted)
    del planted["payload"]
    with pytest.raises(ContractError, match="payload"):
        validate_webhook("meeting.ended", planted)
    with pytest.raises(ContractError, match="not in Zoom"):
        validate_webhook("webinar.ended", body)  # left out of the subset: undocumented here


def test_the_coming_features_documents_are_there() -> None:
    """Reports, dashboards, user creation and status, recordings trash, presence events."""
    for method, template in (
        ("GET", "/report/daily"),
        ("GET", "/report/meetings/{meetingId}/participants"),
        ("GET", "/past_meetings/{meetingId}/participants"),
        ("GET", "/metrics/meetings"),
        ("POST", "/users"),
        ("PUT", "/users/{userId}/status"),
        ("DELETE", "/meetings/{meetingId}/recordings"),
        ("PUT", "/meetings/{meetingUUID}/recordings/status"),
    ):
        validate_response(method, template, 400, {"code": 300, "message": "x"})  # documented: no raise
    with pytest.raises(ContractError):
        validate_webhook("user.presence_status_updated", {})
