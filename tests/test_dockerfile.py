"""The Dockerfile, read as Docker reads it (no engine needed), and its health check run for real."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi_in_thread

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str

    def exec_form(self) -> list[str]:
        value = json.loads(self.args)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), self
        return value


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions in order: comments dropped, backslash continuations joined."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip()))
    assert not pending, "dangling line continuation"
    return instructions


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse_dockerfile((ROOT / "Dockerfile").read_text())


def index_of(instructions: list[Instruction], keyword: str, pattern: str) -> int:
    for i, instruction in enumerate(instructions):
        if instruction.keyword == keyword and re.search(pattern, instruction.args):
            return i
    raise AssertionError(f"no {keyword} matching {pattern!r}")


def test_base_is_a_slim_python_311_image(instructions: list[Instruction]) -> None:
    [base] = [i for i in instructions if i.keyword == "FROM"]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", base.args)


def test_dependencies_are_installed_from_the_lock_before_the_source_is_copied(
    instructions: list[Instruction],
) -> None:
    copy_lock = index_of(instructions, "COPY", r"^requirements/app\.lock\b")
    install_deps = index_of(instructions, "RUN", r"pip install --require-hashes -r requirements/app\.lock$")
    copy_bot = index_of(instructions, "COPY", r"^bot/? ")
    install_app = index_of(instructions, "RUN", r"pip install --no-deps \.")
    assert copy_lock < install_deps < copy_bot < install_app
    before_deps = [i.args for i in instructions[:install_deps] if i.keyword in ("COPY", "ADD")]
    assert before_deps == ["requirements/app.lock requirements/app.lock"], (
        "only the lock may feed the dependency layer"
    )
    copy_project = index_of(instructions, "COPY", r"^pyproject\.toml\b")
    assert install_deps < copy_project < install_app


def test_runs_as_a_non_root_user(instructions: list[Instruction]) -> None:
    users = [(i, ins.args) for i, ins in enumerate(instructions) if ins.keyword == "USER"]
    assert users, "no USER instruction: the container would run as root"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in ("root", "0")
    entry = index_of(instructions, "ENTRYPOINT", ".")
    assert last_index < entry
    created = index_of(instructions, "RUN", r"useradd")
    assert f" {last_user}" in instructions[created].args and created < last_index


def test_port_and_entry_command(instructions: list[Instruction]) -> None:
    assert [i.args for i in instructions if i.keyword == "EXPOSE"] == ["3000"]
    assert "PORT=3000" in [i.args for i in instructions if i.keyword == "ENV"]
    [entrypoint] = [i for i in instructions if i.keyword == "ENTRYPOINT"]
    [cmd] = [i for i in instructions if i.keyword == "CMD"]
    assert entrypoint.exec_form() + cmd.exec_form() == ["zoombot", "serve", "--host", "0.0.0.0"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["zoombot"] == "bot.cli:main"


def test_the_entry_command_is_accepted_by_the_cli() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "--host" in shown.stdout and "--port" in shown.stdout


def healthcheck_command(instructions: list[Instruction]) -> list[str]:
    [check] = [i for i in instructions if i.keyword == "HEALTHCHECK"]
    options, _, command = check.args.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"] and "/healthz" in argv[2]
    return [sys.executable, *argv[1:]]


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_healthcheck_probes_healthz_on_port(
    instructions: list[Instruction], status: int, healthy: bool
) -> None:
    seen: list[str] = []

    async def healthz(request: Request) -> JSONResponse:
        seen.append(request.url.path)
        return JSONResponse({"status": "ok" if healthy else "unavailable"}, status_code=status)

    app = Starlette(routes=[Route("/healthz", healthz)])
    with serve_asgi_in_thread(app) as base_url:
        port = base_url.rsplit(":", 1)[1]
        result = subprocess.run(
            healthcheck_command(instructions), env={"PORT": port}, capture_output=True, timeout=10
        )
    assert seen == ["/healthz"]
    assert (result.returncode == 0) is healthy


def test_healthcheck_fails_when_nothing_listens(instructions: list[Instruction]) -> None:
    with serve_asgi_in_thread(Starlette()) as base_url:
        port = base_url.rsplit(":", 1)[1]
    result = subprocess.run(
        healthcheck_command(instructions), env={"PORT": port}, capture_output=True, timeout=10
    )
    assert result.returncode != 0


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's matching, enough for our file: a pattern excludes a path or any parent of it."""
    excluded = False
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = re.escape(pattern.lstrip("!")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_local_state_and_secrets_out() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (
        ".venv/bin/python",
        ".git/HEAD",
        ".pytest_cache/v/cache",
        ".mypy_cache/3.11/x.json",
        "zoombot.db",
        "data/zoombot.db",
        ".env",
        ".env.production",
        "bot/__pycache__/cli.cpython-311.pyc",
        "tests/test_manifest.py",
    ):
        assert dockerignore_excludes(patterns, path), f"{path} would be sent to the build"
    for path in (
        "pyproject.toml",
        "README.md",
        "bot/cli.py",
        "bot/manifest.yml",
        "bot/sandbox/slack_standin/server.py",
    ):
        assert not dockerignore_excludes(patterns, path), f"{path} is needed by the build"
