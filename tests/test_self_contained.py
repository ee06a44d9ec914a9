"""The repository stands alone: no tracked file names a path outside its own checkout.

A test, a Makefile rule or CI that reads a folder beside the checkout passes where that folder
happens to exist and fails for everyone else; what the project needs lives in the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Spelled in pieces so this file does not match itself.
_OUTSIDE = re.compile(
    "|".join(
        [
            r"\.\./" + "shared",  # a sibling folder of the checkout
            "/" + r"work/",
            r"(?<![\w.])/" + r"(?:home|root|Users)/",  # someone's home folder
            r"(?<![\w.])/" + r"(?:tmp|var/tmp)/",  # a temp folder by absolute path
        ]
    )
)
CHECKED_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".mako", ".md", ".json", ".lock"}
CHECKED_NAMES = {"Makefile", "Dockerfile", "run"}


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False, text=True)
    if listed.returncode == 0 and listed.stdout:
        names = [name for name in listed.stdout.split("\0") if name]
    else:  # an exported tree without git: every file but the virtualenv's and caches
        names = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not {".git", ".venv", "__pycache__", ".sandbox"} & set(p.parts)
        ]
    return [ROOT / name for name in names]


def checked(path: Path) -> bool:
    return path.name in CHECKED_NAMES or path.suffix in CHECKED_SUFFIXES


def test_no_code_test_makefile_or_ci_names_a_path_outside_the_checkout() -> None:
    files = [p for p in tracked_files() if checked(p) and p.is_file()]
    assert any(p.name == "Makefile" for p in files) and any(p.parts[-2:] == (".ci", "run") for p in files)
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "paths outside the checkout:\n" + "\n".join(found)


def test_the_scan_catches_each_kind_of_outside_path() -> None:
    for planted in (
        'DOCS = Path("../' + 'shared/zoom-openapi")',
        'SCHEMA = "/' + 'work/shared/x.json"',
        "cat /" + "home/someone/schema.json",
        "open('/" + "root/.cache/doc')",
        "cp a /" + "tmp/requirements.txt",
    ):
        assert _OUTSIDE.search(planted), planted
    for fine in ("tests/contracts/zoom/Meetings.json", "https://example.com/tmp/x", "./.venv/bin/pytest"):
        assert not _OUTSIDE.search(fine), fine
