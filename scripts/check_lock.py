"""Fail when the venv holds a package at a version requirements.lock does not name (or one it lacks).

Run by the Makefile after every install, so CI proves the locked set: a dependency added to pyproject.toml
without refreshing the lock (`make lock`) is caught here, not on a user's machine."""
from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

SKIP = {"voc", "pip", "setuptools", "wheel"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    lock_path = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")
    locked: dict[str, str] = {}
    for line in lock_path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            locked[norm(name)] = version.strip()
    installed = {norm(d.metadata["Name"]): d.version.split("+", 1)[0] for d in metadata.distributions()}
    problems = [f"{n}=={v} is installed but requirements.lock says {locked.get(n, 'nothing')}"
                for n, v in sorted(installed.items()) if n not in SKIP and locked.get(n) != v]
    problems += [f"{n}=={v} is in requirements.lock but not installed" for n, v in sorted(locked.items())
                 if n not in installed]
    for p in problems:
        print(f"lock check: {p}", file=sys.stderr)
    if problems:
        print("fix: add the package to pyproject.toml and run `make lock`, or reinstall with "
              "`pip install -c requirements.lock -e '.[dev]'`", file=sys.stderr)
        return 1
    print(f"lock check: {len(installed) - len(SKIP & installed.keys())} installed packages match requirements.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
