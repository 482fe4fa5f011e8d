"""Find the third-party API specs the fake servers check requests against.

The specs live in `shared/specs/` beside the repository (CI clones the repository with
`shared/` next to it). Each ancestor of the repository is tried, so a git worktree nested
deeper finds them too; an environment variable names the file directly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def find_spec(filename: str, env_var: str) -> Path | None:
    """Return the path of `shared/specs/<filename>`, or None when it cannot be found."""
    if override := os.environ.get(env_var):
        path = Path(override)
        return path if path.is_file() else None
    for base in REPO_ROOT.parents:
        candidate = base / "shared" / "specs" / filename
        if candidate.is_file():
            return candidate
    return None


def spec_or_skip(filename: str, env_var: str) -> Path:
    """Return the spec's path, or skip the calling test with a reason saying where to put it."""
    path = find_spec(filename, env_var)
    if path is None:
        pytest.skip(
            f"{filename} not found: put it in <repo>/../shared/specs/ or set {env_var} to its path"
        )
    return path
