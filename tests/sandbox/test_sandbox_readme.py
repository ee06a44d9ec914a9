"""The README's "the bot, offline" command works from a fresh checkout in a new virtualenv.

The command is read from the README (the line marked ``# the bot, offline`` in a fenced
``sh`` block), so the README and this test cannot drift apart.

How the fresh checkout is made, and why:

- *Checkout*: every file git would put in a commit right now (tracked files plus new,
  not-ignored ones) is copied to a temporary directory. A ``git clone`` would miss work
  that is not committed yet; ``git ls-files --cached --others --exclude-standard`` is
  exactly what the next commit's clone will contain.
- *Virtualenv*: a brand-new one (``python -m venv --without-pip``). Its third-party
  dependencies come from this test run's own environment through a ``.pth`` file instead
  of being downloaded again, which would make the test slow and network-bound; the
  package itself is installed for real (``pip install --no-deps -e <checkout>``, with
  build isolation, so the build backend from ``pyproject.toml`` is used), which creates
  the ``zoombot`` console script from ``[project.scripts]``.
- *Makefile*: its install stamp (``.venv/bin/.installed``) is touched after that, so
  ``make run`` goes straight to running the sandbox instead of reinstalling everything.

The command then runs exactly as written, in the checkout, with a developer's Slack and
Zoom settings in the environment and in a ``.env`` file (the sandbox must ignore both),
and with two lines on stdin for the prompt: ``/zoom help`` and ``quit``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = "# the bot, offline"
POLLUTION = {
    "SLACK_CLIENT_ID": "123.456",
    "SLACK_CLIENT_SECRET": "developer-slack-client-secret",
    "SLACK_BOT_TOKEN": "xoxb-developer-token",
    "ZOOM_API_URL": "https://zoom.invalid/v2",
    "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/nothing",
}


def readme_command(readme: str) -> str:
    """The command on the line marked ``# the bot, offline`` inside a fenced sh block."""
    for block in re.findall(r"^```sh\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            if MARKER in line:
                command = line.split("#", 1)[0].strip()
                assert command, f"the {MARKER!r} line has no command"
                return command
    raise AssertionError(f"README.md has no line marked {MARKER!r} in a ```sh block")


def test_the_marker_is_found_in_sh_blocks_only() -> None:
    text = (
        f"```python\nnope  {MARKER}\n```\n\n"
        f"```sh\nmake test  # other\nzoombot sandbox --run '/zoom'  {MARKER}: x\n```\n"
    )
    assert readme_command(text) == "zoombot sandbox --run '/zoom'"


def fresh_checkout(destination: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is not in the next commit
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def new_virtualenv(checkout: Path) -> Path:
    venv = checkout / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies: this environment's packages, by path (see the module docstring).
    Path(purelib, "zoombot-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "-e",
            str(checkout),
        ],
        check=True,
        capture_output=True,
    )
    (venv / "bin" / ".installed").touch()  # the Makefile's "installed" stamp
    return venv


def test_readme_command_runs_from_a_fresh_checkout(tmp_path: Path) -> None:
    command = readme_command((REPO / "README.md").read_text())
    checkout = fresh_checkout(tmp_path / "zoombot")
    venv = new_virtualenv(checkout)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(checkout)), where  # the checkout's code runs, not this repository's

    (checkout / ".env").write_text("".join(f"{k}={v}\n" for k, v in POLLUTION.items()))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(POLLUTION)
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    result = subprocess.run(
        ["sh", "-c", command],
        cwd=checkout,
        env=env,
        input="/zoom help\nquit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "you are @alice (America/New_York) in #general" in output
    if "--run" not in command:  # the interactive prompt answered the piped /zoom help
        assert "== Zoom from Slack ==" in output
    assert "Traceback" not in output
    assert (checkout / ".sandbox" / "sandbox.db").is_file()  # a real SQLite file, where promised
    for value in POLLUTION.values():
        assert value not in output
