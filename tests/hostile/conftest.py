"""Fixtures of the hostile-input corpus; the helpers are in ``hostile_support.py``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_support import mkdocs, site_support, snapshot  # noqa: E402


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the small test project (three counties, reports, feedback, contacts)."""
    return site_support.make_project(tmp_path)


@pytest.fixture(scope="session")
def _built_once(tmp_path_factory) -> Path:
    """The small test project after one good site build, made once per test process; read only."""
    root = site_support.make_project(tmp_path_factory.mktemp("built"))
    mkdocs(root, timeout=120).expect(0)
    return root


@pytest.fixture
def built(tmp_path, _built_once) -> tuple[Path, dict]:
    """A fresh copy of the project after one good site build (``site/`` as that build made it),
    and the snapshot of its ``site/``."""
    root = tmp_path / "project"
    shutil.copytree(_built_once, root, symlinks=True)
    return root, snapshot(root / "site")
