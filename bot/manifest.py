"""Render the Slack app manifest for a deployment.

The source is ``manifest.yml`` at the repository root, a valid manifest in its own right
(its URLs use the stand-in base ``https://zoombot.example.com``). ``bot/manifest.yml`` is a
byte-identical copy shipped in the package, so a pip-installed bot renders without a
checkout; ``tests/test_manifest.py`` fails when the two differ.

The template is filled in as text, not re-dumped from a parsed object, so the comments
that justify each scope survive into what the operator pastes into Slack.
"""

from __future__ import annotations

import re
from importlib.resources import files
from urllib.parse import urlsplit

import yaml

# The stand-in base URL of the template; every request URL in it starts with this + "/".
PLACEHOLDER = "https://zoombot.example.com"
_PLACEHOLDER_URL = f'"{PLACEHOLDER}/'  # as it appears: the start of a quoted URL
_TEMPLATE_NOTE = "#!"
# Keys whose value is a Slack request URL; Socket Mode receives everything over the socket.
_REQUEST_URL_KEYS = ("url:", "request_url:")
# Characters allowed in the base URL: enough for any real host and path, and none that
# could end the double-quoted YAML string it lands in.
_SAFE_URL = re.compile(r"[A-Za-z0-9._~:/\-\[\]%@!$&'()*+,;=]+")


def render_manifest(base_url: str, *, socket_mode: bool = False) -> str:
    """The manifest YAML with ``base_url`` filled in; Socket Mode drops the request URLs."""
    base = _checked_base_url(base_url)
    rendered: list[str] = []
    for line in _template().splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(_TEMPLATE_NOTE):
            continue
        if socket_mode and stripped.startswith(_REQUEST_URL_KEYS) and _PLACEHOLDER_URL in stripped:
            continue
        if socket_mode and stripped == "socket_mode_enabled: false":
            line = line.replace("false", "true")
        rendered.append(line.replace(_PLACEHOLDER_URL, f'"{base}/'))
    text = "".join(rendered)
    _check_rendered(text, socket_mode=socket_mode, base=base)
    return text


def _template() -> str:
    return files("bot").joinpath("manifest.yml").read_text(encoding="utf-8")


def _checked_base_url(base_url: str) -> str:
    candidate = base_url.strip()
    problem = "must be an http(s) URL with a host, like https://bot.example.com"
    if not _SAFE_URL.fullmatch(candidate):
        raise ValueError(f"--url {problem}")
    parts = urlsplit(candidate)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ValueError(f"--url {problem}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--url {problem}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("--url must be a plain base URL (no user, query or fragment)")
    return candidate.rstrip("/")


def _check_rendered(text: str, *, socket_mode: bool, base: str) -> None:
    """Guard against a template edit that breaks the YAML or leaves a placeholder behind."""
    manifest = yaml.safe_load(text)
    left_behind = base != PLACEHOLDER and PLACEHOLDER in text
    if left_behind or not isinstance(manifest, dict):
        raise RuntimeError("bot/manifest.yml did not render to a complete manifest")
    if manifest["settings"]["socket_mode_enabled"] is not socket_mode:
        raise RuntimeError("bot/manifest.yml: socket_mode_enabled could not be set")
