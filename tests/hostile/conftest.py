"""Fixtures of the hostile-input corpus; the helpers are in ``hostile_support.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_support import mkdocs, site_support, snapshot  # noqa: E402


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the small test project (three counties, reports, feedback, contacts)."""
    return site_support.make_project(tmp_path)


@pytest.fixture
def built(project) -> tuple[Path, dict]:
    """The project after one good site build, and the snapshot of its ``site/``."""
    mkdocs(project, timeout=120).expect(0)
    return project, snapshot(project / "site")
