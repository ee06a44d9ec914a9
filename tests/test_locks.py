"""The hash-checked locks agree with pyproject.toml: every declared dependency is locked at a
version its range allows, every locked package carries hashes, and the three locks agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# lock file -> the extras it is made with (Makefile `lock`).
LOCKS = {"app.lock": (), "dev.lock": ("test",), "bench.lock": ("test", "bench")}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(name: str) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) for each pinned entry of a lock."""
    entries: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        pin = _PIN.match(line)
        if pin:
            current = canonicalize_name(pin.group(1))
            entries[current] = (pin.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif line and not line.startswith(" "):
            current = None
    return entries


def declared(extras: tuple[str, ...]) -> list[Requirement]:
    lines = list(PYPROJECT["dependencies"])
    for extra in extras:
        lines += PYPROJECT["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_declared_dependency_is_locked_within_its_range(lock: str) -> None:
    locked = read_lock(lock)
    for requirement in declared(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is in pyproject.toml but not in {lock}: run `make lock`"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside pyproject.toml's {requirement}: run `make lock`"
        )
        for extra in requirement.extras:  # e.g. SQLAlchemy[asyncio] brings greenlet
            assert extra != "asyncio" or "greenlet" in locked, f"{requirement}: its extra is not locked"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_locked_package_is_hash_checked(lock: str) -> None:
    locked = read_lock(lock)
    assert len(locked) > 10
    unhashed = [name for name, (_, hashes) in locked.items() if hashes == 0]
    assert not unhashed, f"{lock}: no hashes for {unhashed}"


def test_the_locks_agree_on_every_shared_package() -> None:
    dev = read_lock("dev.lock")
    for other in ("app.lock", "bench.lock"):
        for name, (version, _) in read_lock(other).items():
            if name in dev:
                assert dev[name][0] == version, f"{other} pins {name}=={version}, dev.lock {dev[name][0]}"
    assert set(read_lock("app.lock")) <= set(dev), "the app's lock must be a part of the test lock"


def test_make_ci_and_docker_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements/dev.lock" in makefile
    assert "--require-hashes -r requirements/bench.lock" in makefile
    assert "--require-hashes -r requirements/app.lock" in (ROOT / "Dockerfile").read_text()
    # No unpinned installs of the project's dependencies anywhere else.
    for text in (makefile, (ROOT / ".ci" / "run").read_text()):
        assert not re.search(r"pip install[^\n]*-e '?\.\[", text), "install extras from a lock, not ranges"
