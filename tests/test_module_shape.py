"""Every module of the bot (the sandbox and migrations aside) has one job, says it first, and stays small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "bot"
MAX_LINES = 400
MODULES = sorted(
    path
    for path in ROOT.rglob("*.py")
    if "sandbox" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
)


def test_the_bot_has_modules_to_check() -> None:
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT.parent)))
def test_module_is_small_and_states_its_one_job_in_its_first_docstring_line(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES, f"{path.name} is over {MAX_LINES} lines: split it by job"
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring, f"{path.name} has no docstring saying its job"
    first = docstring.splitlines()[0].strip()
    # One line, one sentence: it ends where the line ends.
    assert first and first[-1] in ".:)`", f"{path.name}'s first docstring line is not a whole sentence"
