"""The Slack app manifest: one source at the repository root, valid against Slack's official v1
schema as it stands and as rendered, and packaged as a byte-identical copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from bot.cli import main as cli_main
from bot.manifest import PLACEHOLDER, render_manifest
from bot.services.status_sync import USER_SCOPES
from bot.slack.app import BOT_OPTIONAL_SCOPES, BOT_SCOPES

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "manifest.yml"
PACKAGED = ROOT / "bot" / "manifest.yml"

SCHEMAS = ROOT / "tests" / "contracts" / "slack"  # provenance: SOURCE.md there
V1_URL = (
    "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json"
)
V2_URL = (
    "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json"
)
BASE = "https://bot.example.com"
EXPECTED_BOT_SCOPES = [
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "im:write",
    "calls:write",
    "calls:read",
]
# Scopes only some features need: Slack lets the installing workspace leave them out.
EXPECTED_OPTIONAL_SCOPES = ["chat:write.public", "links:read", "links:write", "channels:read"]
# Asked of each person at `/zoom status on` (their own token), never at install.
EXPECTED_USER_SCOPES = ["users.profile:read", "users.profile:write"]


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def assert_valid(manifest: dict[str, Any]) -> None:
    validator = Draft7Validator(load_schema("manifest.schema.1.0.0.json"))
    error = best_match(validator.iter_errors(manifest))
    assert error is None, f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
    # The published oneOf wrapper too, with its two remote refs served from the local copies.
    registry: Registry[Any] = Registry().with_resources(
        [
            (V1_URL, Resource.from_contents(load_schema("manifest.schema.1.0.0.json"))),
            (V2_URL, Resource.from_contents(load_schema("manifest.schema.2.0.0.json"))),
        ]
    )
    wrapper = Draft7Validator(load_schema("manifest.schema.json"), registry=registry)
    assert wrapper.is_valid(manifest)


def test_the_root_manifest_is_the_one_source_and_the_packaged_copy_is_identical() -> None:
    assert PACKAGED.read_bytes() == SOURCE.read_bytes(), (
        "bot/manifest.yml differs from manifest.yml at the repository root. manifest.yml is the one "
        "source of the Slack app manifest; bot/manifest.yml is its byte-identical copy, the file a "
        "pip-installed zoombot reads. Edit manifest.yml (never bot/manifest.yml), then run: "
        "cp manifest.yml bot/manifest.yml"
    )
    assert SOURCE.read_text().startswith("#! THE ONE SOURCE"), "keep the rule at the top of manifest.yml"


def test_the_root_manifest_is_valid_as_it_stands() -> None:
    manifest = yaml.safe_load(SOURCE.read_text())
    assert_valid(manifest)
    assert manifest["settings"]["interactivity"]["request_url"] == f"{PLACEHOLDER}/slack/events"


def test_the_packaged_copy_ships_in_the_wheel() -> None:
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "manifest.yml" in package_data["bot"]


def test_rendering_the_stand_in_url_itself_gives_the_source_back() -> None:
    without_notes = "".join(
        line for line in SOURCE.read_text().splitlines(keepends=True) if not line.startswith("#!")
    )
    assert render_manifest(PLACEHOLDER) == without_notes


def rendered(socket_mode: bool = False, base: str = BASE) -> dict[str, Any]:
    return yaml.safe_load(render_manifest(base, socket_mode=socket_mode))


def test_http_manifest_is_valid_and_points_every_request_url_at_slack_events() -> None:
    manifest = rendered()
    assert_valid(manifest)
    events_url = f"{BASE}/slack/events"
    [command] = manifest["features"]["slash_commands"]
    assert command["url"] == events_url
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": events_url}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events_url
    assert manifest["oauth_config"]["redirect_urls"] == [
        f"{BASE}/slack/oauth_redirect",
        f"{BASE}/slack/status/oauth_redirect",
    ]
    assert manifest["settings"]["socket_mode_enabled"] is False
    # Custom workflow steps need an org-ready app whose steps run on the bot itself.
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["settings"]["function_runtime"] == "remote"
    assert manifest["settings"]["token_rotation_enabled"] is False


def test_socket_mode_manifest_is_valid_and_has_no_request_urls() -> None:
    manifest = rendered(socket_mode=True)
    assert_valid(manifest)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
def test_command_events_scopes_and_home(socket_mode: bool) -> None:
    manifest = rendered(socket_mode)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/zoom"
    assert command["description"]
    assert "schedule" in command["usage_hint"] and "link" in command["usage_hint"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "function_executed",
        "link_shared",
        "tokens_revoked",
    ]
    assert manifest["oauth_config"]["scopes"] == {
        "bot": EXPECTED_BOT_SCOPES,
        "bot_optional": EXPECTED_OPTIONAL_SCOPES,
        "user": EXPECTED_USER_SCOPES,
    }
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True,
    }
    info = manifest["display_information"]
    assert info["name"] == "zoombot" and len(info["long_description"]) >= 175


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
def test_zoom_links_unfurl_and_the_oauth_install_asks_for_the_manifest_scopes(socket_mode: bool) -> None:
    manifest = rendered(socket_mode)
    assert manifest["features"]["unfurl_domains"] == ["zoom.us"]
    assert "link_shared" in manifest["settings"]["event_subscriptions"]["bot_events"]
    # Multi-workspace installs request both lists; a scope missing there would break unfurls.
    assert manifest["oauth_config"]["scopes"]["bot"] == BOT_SCOPES
    assert manifest["oauth_config"]["scopes"]["bot_optional"] == BOT_OPTIONAL_SCOPES
    # `/zoom status on` asks each person for these; Slack refuses scopes the manifest lacks.
    assert manifest["oauth_config"]["scopes"]["user"] == list(USER_SCOPES)


def test_every_bot_scope_is_justified_by_a_comment_right_above_it() -> None:
    lines = render_manifest(BASE).splitlines()
    for scope in EXPECTED_BOT_SCOPES + EXPECTED_OPTIONAL_SCOPES + EXPECTED_USER_SCOPES:
        index = lines.index(f"      - {scope}")
        assert lines[index - 1].strip().startswith("#"), f"scope {scope} has no comment"


def test_template_notes_and_placeholders_do_not_leak_into_the_output() -> None:
    text = render_manifest(BASE + "/")
    assert PLACEHOLDER not in text and "#!" not in text
    assert f"{BASE}//" not in text  # trailing slash normalised


def test_base_url_with_a_path_prefix_is_kept() -> None:
    manifest = rendered(base="http://127.0.0.1:3000/zoombot")
    assert (
        manifest["settings"]["interactivity"]["request_url"] == "http://127.0.0.1:3000/zoombot/slack/events"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "bot.example.com",
        "ftp://bot.example.com",
        "https://",
        "https://bot.example.com/?a=b",
        "https://bot.example.com/#x",
        'https://bot.example.com/"x',
        "https://bot.example.com:99999",
        "https://user:pw@bot.example.com",
        "https://bot example.com",
        "",
    ],
)
def test_bad_base_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="--url"):
        render_manifest(bad)


def test_cli_prints_the_rendered_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["manifest", "--url", BASE]) == 0
    assert capsys.readouterr().out == render_manifest(BASE)
    assert cli_main(["manifest", "--url", "not a url"]) == 2


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
def test_the_workflow_step_is_declared_with_the_contract_inputs_and_outputs(socket_mode: bool) -> None:
    manifest = rendered(socket_mode)
    assert list(manifest["functions"]) == ["create_zoom_meeting"]
    step = manifest["functions"]["create_zoom_meeting"]
    assert step["title"] == "Create a Zoom meeting"
    inputs, outputs = step["input_parameters"], step["output_parameters"]
    assert {"topic", "start_time", "duration", "host"} <= set(inputs)
    assert inputs["topic"] == inputs["topic"] | {"type": "string", "is_required": True}
    assert inputs["start_time"]["type"] == "slack#/types/timestamp"
    assert inputs["host"]["type"] == "slack#/types/user_id"
    assert not any(inputs[name]["is_required"] for name in ("start_time", "duration", "host"))
    assert set(outputs) == {"join_url", "meeting_id", "start_time"}
    assert all(output["is_required"] for output in outputs.values())
    assert "function_executed" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_a_step_with_a_misspelt_parameter_field_is_refused_by_the_schema() -> None:
    # The schema check above must be able to fail on the functions section too.
    manifest = rendered()
    manifest["functions"]["create_zoom_meeting"]["outputs"] = {}
    with pytest.raises(AssertionError):
        assert_valid(manifest)
