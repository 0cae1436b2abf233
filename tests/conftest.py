"""Test-wide settings: nothing a test runs writes into the repository; the tests run in parallel.

The build cache of every build a test starts — in this process or in a subprocess, which
inherits the environment — goes to a temporary folder (``KAOHE_CACHE_DIR``) unless the test
sets its own; Hypothesis keeps its examples in a temporary folder too. Tests that build a
project of their own in ``tmp_path`` and want its ``.cache/kaohe`` remove ``KAOHE_*`` from the
environment they pass on. (``test-artifacts/``, git-ignored, holds screenshots and PNGs that
the browser and PDF layout tests leave for people to look at, on purpose.)

pytest-xdist runs the tests in one worker process per CPU (``addopts`` in pyproject.toml),
or in this process when they are in one file (as ``-n 0`` does). Each worker has folders of its own inside the run's
temporary folder, so no two processes share a build cache. All the tests of a file run in one
worker (``--dist loadfile``), so a module-scoped fixture (a built site, rendered PDFs) is made
once, as in a single process.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_FOLDERS = {"KAOHE_CACHE_DIR": "build", "HYPOTHESIS_STORAGE_DIRECTORY": "hypothesis"}
# Set by the process that made the run's folder: that folder, and the variables it set there.
_RUN_DIR, _RUN_SET = "_KAOHE_TEST_DIR", "_KAOHE_TEST_SET"
_made: list[str] = []


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    inherited = os.environ.get(_RUN_SET, "").split()
    if worker and _RUN_DIR in os.environ:  # a worker: folders of its own in the controller's folder
        base = os.path.join(os.environ[_RUN_DIR], worker)
        names = [n for n in _FOLDERS if n in inherited or n not in os.environ]
    else:
        names = [n for n in _FOLDERS if n not in os.environ]
        if not names:
            return
        base = tempfile.mkdtemp(prefix="kaohe-test-")
        _made.append(base)
        os.environ[_RUN_DIR] = base
        os.environ[_RUN_SET] = " ".join(names)
    for name in names:  # not .hypothesis/ in the repository, not .cache/kaohe
        os.environ[name] = os.path.join(base, _FOLDERS[name])
        os.makedirs(os.environ[name], exist_ok=True)


def pytest_unconfigure(config):
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
        for name in (*_FOLDERS, _RUN_DIR):
            if os.environ.get(name, "").startswith(folder):
                del os.environ[name]
        os.environ.pop(_RUN_SET, None)


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` for tests of one file: no workers (the file would run in one of them anyway)."""
    files = {Path(arg.split("::", 1)[0]).resolve() for arg in config.args}
    if len(files) == 1 and next(iter(files)).is_file():
        return 0
    return None  # xdist's own answer: the number of CPUs
