"""Test-wide settings: nothing a test runs writes into the repository.

The build cache of every build a test starts — in this process or in a subprocess, which
inherits the environment — goes to a temporary folder (``KAOHE_CACHE_DIR``) unless the test
sets its own; Hypothesis keeps its examples in a temporary folder too. Tests that build a
project of their own in ``tmp_path`` and want its ``.cache/kaohe`` remove ``KAOHE_*`` from the
environment they pass on. (``test-artifacts/``, git-ignored, holds screenshots and PNGs that
the browser and PDF layout tests leave for people to look at, on purpose.)
"""

from __future__ import annotations

import os
import shutil
import tempfile

_made: list[str] = []


def pytest_configure(config):
    if "KAOHE_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="kaohe-test-cache-")
        _made.append(folder)
        os.environ["KAOHE_CACHE_DIR"] = os.path.join(folder, "build")
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:  # not .hypothesis/ in the repository
        folder = tempfile.mkdtemp(prefix="kaohe-test-hypothesis-")
        _made.append(folder)
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = folder


def pytest_unconfigure(config):
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
        for name in ("KAOHE_CACHE_DIR", "HYPOTHESIS_STORAGE_DIRECTORY"):
            if os.environ.get(name, "").startswith(folder):
                del os.environ[name]
