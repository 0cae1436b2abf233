"""ruff and mypy are clean on builder/ (issue 13 item 7).

Both tools are pinned in the ``test`` extra, so they are always there: a missing tool
is a failure, not a skip. Each test runs the tool the way CI does, from the repository
root with the configuration in pyproject.toml, and fails with its findings.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # No cache files in the repository: ruff's and mypy's caches go to a temporary folder.
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ruff_check_is_clean():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", "builder")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _run("ruff", "format", "--no-cache", "--check", "builder")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # about 10 s from a cold cache
def test_mypy_is_clean(tmp_path):
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "--no-error-summary")
    assert result.returncode == 0, result.stdout + result.stderr


BAD = "import os\n\n\ndef f(x: int) -> str:\n    return x\n"


def test_the_project_configuration_finds_planted_faults(tmp_path):
    """The configuration is live: an unused import and a wrong return type are reported."""
    bad = tmp_path / "bad.py"
    bad.write_text(BAD, encoding="utf-8")
    ruff = _run("ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad))
    assert ruff.returncode == 1 and "F401" in ruff.stdout, ruff.stdout + ruff.stderr
    mypy = _run("mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "mc"), str(bad))
    assert mypy.returncode == 1 and "[return-value]" in mypy.stdout, mypy.stdout + mypy.stderr


def test_vendored_code_is_left_out():
    """builder/_vendor/ is third-party code: neither tool looks at it."""
    ruff = _run("ruff", "check", "--no-cache", "--show-files", "builder")
    assert "builder/_vendor/" not in ruff.stdout
    assert "builder/markdown.py" in ruff.stdout
