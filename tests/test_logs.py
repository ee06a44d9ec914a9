"""The redacting filter scrubs secrets from every logger's records."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import REDACTED, RedactingFilter, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Authorization: Bearer eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiIxMjM0NTY3OCJ9.sig", "eyJhbGciOiJIUzUxMiJ9"),
        ("Authorization: Basic Y2xpZW50OnNlY3JldA==", "Y2xpZW50OnNlY3JldA=="),
        ("token xoxb-1234-5678-abcdefghijkl in use", "xoxb-1234-5678-abcdefghijkl"),
        ("app token xapp-1-A01-123-abcdef", "xapp-1-A01-123-abcdef"),
        ("POST https://hooks.slack.com/commands/T1/123/abcdef HTTP/1.1", "abcdef"),
        ("POST http://127.0.0.1:8123/response/r-9f8e7d6c5b4a", "r-9f8e7d6c5b4a"),
        ("start https://zoom.us/s/81234567890?zak=eyJzYWx0ZWQ", "eyJzYWx0ZWQ"),
        ('{"refresh_token": "simrt_9a8b7c6d5e4f"}', "simrt_9a8b7c6d5e4f"),
        ("grant_type=refresh_token&refresh_token=abc.def.ghi", "abc.def.ghi"),
        ("callback ?code=AUTHCODE123&state=STATE456", "AUTHCODE123"),
        ("callback ?code=AUTHCODE123&state=STATE456", "STATE456"),
        ("x-slack-signature: v0=a1b2c3d4e5f6", "a1b2c3d4e5f6"),
    ],
)
def test_redact_removes_the_secret(line: str, secret: str) -> None:
    cleaned = redact(line)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_extra_secrets_are_removed_verbatim() -> None:
    assert "my-signing-secret" not in redact("secret is my-signing-secret!", ["my-signing-secret"])


def test_filter_applies_to_args_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["canary-secret-value"]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("sending %s", "Bearer canary-access-token")
        try:
            raise RuntimeError("boom canary-secret-value")
        except RuntimeError:
            logger.exception("failed with %r", {"refresh_token": "canary-refresh"})
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    for canary in ("canary-access-token", "canary-secret-value", "canary-refresh"):
        assert canary not in out
    assert "RuntimeError" in out


def test_json_format_is_one_redacted_object_per_line() -> None:
    import json

    from bot.logs import configure_logging

    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    stream = io.StringIO()
    try:
        configure_logging("INFO", "json", ["json-canary-secret"], stream=stream)
        logging.getLogger("bot.test").info("token %s and Bearer abc.def", "json-canary-secret")
    finally:
        root.setLevel(saved[0])
        root.handlers = saved[1]
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "INFO" and record["logger"] == "bot.test"
    assert "json-canary-secret" not in line and "abc.def" not in line
