"""Pin requirements.txt / requirements-dev.txt from requirements.in / -dev.in and .venv.

    .venv/bin/pip install -r requirements.in -r requirements-dev.in   # or upgrade one package
    make requirements                                                  # runs this script

Each .in name is followed through the installed packages' metadata (with extras and
environment markers) to the full set it needs; each is written as `name==installed
version`, with the .in names it comes from. Runtime pins go to requirements.txt, what the
dev tools add beyond them to requirements-dev.txt. No network, no pip-tools: what you
tested in .venv is what gets pinned. Exits 1 if a needed package is not installed.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "# Pinned by scripts/pin_requirements.py (make requirements) from {source}.\n"
    "# Edit {source}, install into .venv, and run `make requirements`; do not edit by hand.\n"
)


def read_in(path: Path) -> list[Requirement]:
    reqs = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            reqs.append(Requirement(line))
    return reqs


def closure(roots: list[Requirement]) -> dict[str, tuple[str, str, set[str]]]:
    """{canonical name: (distribution name, version, {root names it is needed by})}."""
    found: dict[str, tuple[str, str, set[str]]] = {}
    missing: list[str] = []
    for root in roots:
        stack = [(root, root.name)]
        seen: set[tuple[str, frozenset]] = set()
        while stack:
            req, via = stack.pop()
            key = (canonicalize_name(req.name), frozenset(req.extras))
            if key in seen:
                continue
            seen.add(key)
            try:
                dist = metadata.distribution(req.name)
            except metadata.PackageNotFoundError:
                missing.append(f"{req.name} (needed by {via})")
                continue
            name = canonicalize_name(dist.metadata["Name"])
            entry = found.setdefault(name, (dist.metadata["Name"], dist.version, set()))
            entry[2].add(root.name)
            for text in dist.requires or []:
                dep = Requirement(text)
                if dep.marker is not None:
                    extras = req.extras or {""}
                    env = default_environment()
                    if not any(dep.marker.evaluate({**env, "extra": extra}) for extra in extras):
                        continue
                stack.append((dep, via))
    if missing:
        sys.stderr.write("not installed in this environment:\n  " + "\n  ".join(sorted(set(missing))) + "\n")
        sys.exit(1)
    return found


def write(path: Path, source: str, pins: dict[str, tuple[str, str, set[str]]]) -> None:
    lines = [HEADER.format(source=source)]
    for key in sorted(pins):
        name, version, via = pins[key]
        lines.append(f"{name}=={version}\n    # via {', '.join(sorted(via, key=str.lower))}\n")
    path.write_text("".join(lines))
    print(f"{path.name}: {len(pins)} pins")


def main() -> None:
    runtime = closure(read_in(ROOT / "requirements.in"))
    dev = closure(read_in(ROOT / "requirements-dev.in"))
    dev_only = {key: value for key, value in dev.items() if key not in runtime}
    write(ROOT / "requirements.txt", "requirements.in", runtime)
    write(ROOT / "requirements-dev.txt", "requirements-dev.in", dev_only)


if __name__ == "__main__":
    main()
