"""Settings: a missing or malformed value stops start-up with one line naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.settings import EXPECTED, PARSERS, SETTING_NAMES, ConfigError, Settings, load_settings

KEY = Fernet.generate_key().decode()

COMPLETE = {
    "TOKEN_ENCRYPTION_KEY": KEY,
    "SLACK_SIGNING_SECRET": "signing-secret-for-tests",
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "ZOOM_CLIENT_ID": "zoom-client",
    "ZOOM_CLIENT_SECRET": "zoom-secret",
}


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_", "TOKEN_", "DATABASE_"))
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=base, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", sorted(COMPLETE))
def test_serve_refuses_to_start_without_each_required_variable(missing: str, tmp_path: Path) -> None:
    env = {k: v for k, v in COMPLETE.items() if k != missing}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/z.db"
    result = run_cli(["serve", "--port", "1"], env, tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]
    assert "expected" in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TOKEN_ENCRYPTION_KEY", "not-a-fernet-key"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("DATABASE_URL", "mysql://nope"),
        ("ZOOM_API_URL", "ftp://zoom"),
        ("PORT", "70000"),
        ("LOG_FORMAT", "xml"),
        ("ZOOM_PLAN", "enterprise-plus"),
        ("HTTP_KEEP_ALIVE_SECONDS", "0"),
    ],
)
def test_malformed_values_name_the_variable(variable: str, value: str, tmp_path: Path) -> None:
    env = dict(COMPLETE, **{variable: value})
    result = run_cli(["serve"], env, tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and variable in lines[0], result.stderr
    # Secrets are never echoed.
    assert value not in lines[0] or variable in ("PORT", "LOG_FORMAT", "ZOOM_PLAN", "HTTP_KEEP_ALIVE_SECONDS")


def test_several_keys_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    older = Fernet.generate_key().decode()
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", f" {KEY} , {older} ")
    assert (KEY, older) == load_settings(None).TOKEN_ENCRYPTION_KEY


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZOOM_CLIENT_ID", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("ZOOM_CLIENT_ID=from-dotenv\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings(str(env_file))
    assert settings.ZOOM_CLIENT_ID == "from-dotenv"
    assert settings.SLACK_API_URL == "http://127.0.0.1:9/api/"  # slash added for slack_sdk's urljoin


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in COMPLETE.items():
        monkeypatch.setenv(k, v)
    text = repr(load_settings(None))
    for secret in (
        KEY,
        COMPLETE["SLACK_SIGNING_SECRET"],
        COMPLETE["SLACK_BOT_TOKEN"],
        COMPLETE["ZOOM_CLIENT_SECRET"],
    ):
        assert secret not in text


def test_config_error_is_one_line() -> None:
    err = ConfigError("SLACK_SIGNING_SECRET", "is not set")
    assert "\n" not in str(err) and str(err).startswith("SLACK_SIGNING_SECRET")


def test_environment_beats_dotenv_and_given_values_beat_both(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment line\n"
        "export ZOOM_CLIENT_ID='from-dotenv'  # quoted, with a trailing comment\n"
        'ZOOM_ACCOUNT_ID="account-from-dotenv"\n'
        "LOG_LEVEL=debug\n"
        "PORT=8080\n"
        "NOT_A_SETTING=ignored\n"
    )
    environ = {"ZOOM_CLIENT_ID": "from-environment", "PORT": "9090", "zoom_account_id": "wrong case"}
    settings = load_settings(str(env_file), environ)
    assert settings.ZOOM_CLIENT_ID == "from-environment"
    assert settings.ZOOM_ACCOUNT_ID == "account-from-dotenv"
    assert settings.LOG_LEVEL == "DEBUG"
    assert settings.PORT == 9090
    assert load_settings(str(env_file), environ, PORT=7070).PORT == 7070


def test_values_given_in_code_are_checked_like_the_environment() -> None:
    with pytest.raises(ConfigError, match="^PORT is malformed"):
        Settings(PORT=0)
    with pytest.raises(ConfigError, match="^SLACK_APP_TOKEN is malformed"):
        Settings(SLACK_APP_TOKEN="xoxb-not-an-app-token")
    with pytest.raises(TypeError):
        load_settings(None, {}, NOT_A_SETTING="x")
    settings = Settings(ZOOM_CLIENT_ID="  ", ZOOM_API_URL="http://127.0.0.1:9/v2/", PORT=3000)
    assert settings.ZOOM_CLIENT_ID is None  # blank is unset
    assert settings.ZOOM_API_URL == "http://127.0.0.1:9/v2"


def test_every_setting_has_a_parser_and_an_expected_form() -> None:
    # A field added without a parser would be accepted unchecked; without a form, its error
    # message would not say what to write.
    assert set(PARSERS) == SETTING_NAMES == set(EXPECTED)


def test_idle_connections_are_kept_longer_than_common_load_balancers_keep_theirs() -> None:
    assert Settings().HTTP_KEEP_ALIVE_SECONDS == 75  # AWS's ALB and nginx: 60 s
    assert Settings(HTTP_KEEP_ALIVE_SECONDS=" 620 ").HTTP_KEEP_ALIVE_SECONDS == 620  # type: ignore[arg-type]


def test_the_zoom_plan_reads_either_case_and_defaults_to_pro() -> None:
    assert Settings().ZOOM_PLAN == "pro"
    assert Settings(ZOOM_PLAN=" Business ").ZOOM_PLAN == "business"  # type: ignore[arg-type]
