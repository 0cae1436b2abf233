"""Test-wide settings: nothing a test runs writes into the repository.

The build cache of every build a test starts — in this process or in a subprocess, which
inherits the environment — goes to a temporary folder (``KAOHE_CACHE_DIR``) unless the test
sets its own; tests that build a project of their own in ``tmp_path`` and want its
``.cache/kaohe`` remove ``KAOHE_*`` from the environment they pass on.
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


def pytest_unconfigure(config):
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("KAOHE_CACHE_DIR", "").startswith(folder):
            del os.environ["KAOHE_CACHE_DIR"]
