"""Test-wide settings: nothing a test runs writes into the repository; the tests run in parallel.

The build cache of every build a test starts — in this process or in a subprocess, which
inherits the environment — goes to a temporary folder (``KAOHE_CACHE_DIR``) unless the test
sets its own; Hypothesis keeps its examples in a temporary folder too. Tests that build a
project of their own in ``tmp_path`` and want its ``.cache/kaohe`` remove ``KAOHE_*`` from the
environment they pass on. Python's bytecode goes to the run's folder as well
(``PYTHONPYCACHEPREFIX``, one for all workers), even where ``PYTHONDONTWRITEBYTECODE`` is set:
the hundreds of CLI and MkDocs processes the tests start compile ``builder/`` once per run
instead of once each, and nothing lands in a ``__pycache__/`` of the repository. ``tmp_path``
is there too (``--basetemp`` unless given). The run's folder is on a RAM disk when the machine
has one with room (:func:`_scratch`); it is deleted at the end, or kept when a test failed (the
path is printed; the next runs delete all but the two newest).
(``test-artifacts/``, git-ignored, holds screenshots and PNGs that the browser and PDF layout
tests leave for people to look at, on purpose.)

pytest-xdist runs the tests in one worker process per CPU (``addopts`` in pyproject.toml),
or in this process when they are in one file (as ``-n 0`` does). Each worker has folders of its own inside the run's
temporary folder, so no two processes share a build cache. All the tests of a file run in one
worker (``--dist loadfile``), so a module-scoped fixture (a built site, rendered PDFs) is made
once, as in a single process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

_FOLDERS = {"KAOHE_CACHE_DIR": "build", "HYPOTHESIS_STORAGE_DIRECTORY": "hypothesis"}  # one per process
_SHARED = {"PYTHONPYCACHEPREFIX": "bytecode"}  # one per run
# Set by the process that made the run's folder: that folder, and the variables it set there.
_RUN_DIR, _RUN_SET = "_KAOHE_TEST_DIR", "_KAOHE_TEST_SET"
_KEPT = "KEPT"  # in a run's folder that a failed run left for people to look at
_made: list[str] = []
_no_bytecode: list[str] = []  # PYTHONDONTWRITEBYTECODE as it was, while the run writes bytecode
_failed: list[bool] = []


def _scratch() -> str | None:
    """Where the run's folder goes: a RAM disk when there is one with room, else the system's
    temporary folder. A run makes and deletes some ten thousand files; deleting a file that has
    reached the disk costs a wait (on this machine's ext4 mounted with ``discard``, ~2 ms a file),
    nothing on a RAM disk."""
    shm = "/dev/shm"
    try:
        free = os.statvfs(shm).f_bavail * os.statvfs(shm).f_frsize
    except OSError:
        return None
    return shm if free >= 4 << 30 and os.access(shm, os.W_OK) else None


def _drop_old_runs(parent: str, keep: int = 2) -> None:
    """Delete in ``parent`` the folders that failed runs kept, all but the newest ``keep``, and
    those a killed run left (a day old)."""
    kept, now = [], time.time()
    for folder in Path(parent).glob("kaohe-test-*"):
        try:  # (another run may be deleting it)
            age = now - folder.stat().st_mtime
            if (folder / _KEPT).is_file():
                kept.append((age, folder))
            elif age > 86400:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
    for _, folder in sorted(kept)[keep:]:
        shutil.rmtree(folder, ignore_errors=True)


def _link_compiled(prefix: str) -> None:
    """Link the compiled modules of the standard library and the virtualenv into ``prefix``:
    under ``PYTHONPYCACHEPREFIX`` Python looks for bytecode there only, and would compile them
    all again in every run (a few CPU-seconds per process that imports them first)."""
    tag = f".{sys.implementation.cache_tag}.pyc"
    stdlib = sysconfig.get_path("stdlib")
    unused = {"test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip", "site-packages"}
    for root in dict.fromkeys((stdlib, sysconfig.get_path("purelib"), sysconfig.get_path("platlib"))):
        for folder, dirs, files in os.walk(root):
            if folder == stdlib:
                dirs[:] = [d for d in dirs if d not in unused]
            compiled = [f for f in files if f.endswith(tag)] if os.path.basename(folder) == "__pycache__" else []
            if compiled:  # <prefix>/<source folder>/<name>.<tag>.pyc, as importlib looks for it
                mirror = os.path.join(prefix, os.path.dirname(folder).lstrip(os.sep))
                os.makedirs(mirror, exist_ok=True)
                for name in compiled:
                    with contextlib.suppress(FileExistsError):  # (a folder under two roots)
                        os.symlink(os.path.join(folder, name), os.path.join(mirror, name))


@pytest.hookimpl(tryfirst=True)  # before the tmpdir plugin reads --basetemp
def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    inherited = os.environ.get(_RUN_SET, "").split()
    if worker and _RUN_DIR in os.environ:  # a worker: folders of its own in the controller's folder
        base = os.path.join(os.environ[_RUN_DIR], worker)
        names = [n for n in _FOLDERS if n in inherited or n not in os.environ]
    else:
        names = [n for n in {**_FOLDERS, **_SHARED} if n not in os.environ]
        base = tempfile.mkdtemp(prefix="kaohe-test-", dir=_scratch())
        _drop_old_runs(os.path.dirname(base))
        _made.append(base)
        os.environ[_RUN_DIR] = base
        os.environ[_RUN_SET] = " ".join(names)
        if config.option.basetemp is None:  # tmp_path and tmp_path_factory (the workers' too)
            config.option.basetemp = os.path.join(base, "tmp")
        if "PYTHONPYCACHEPREFIX" in names and "PYTHONDONTWRITEBYTECODE" in os.environ:
            _no_bytecode.append(os.environ.pop("PYTHONDONTWRITEBYTECODE"))
    for name in names:  # not .hypothesis/ in the repository, not .cache/kaohe
        os.environ[name] = os.path.join(base, {**_FOLDERS, **_SHARED}[name])
        os.makedirs(os.environ[name], exist_ok=True)
    if "PYTHONPYCACHEPREFIX" in names:
        _link_compiled(os.environ["PYTHONPYCACHEPREFIX"])


def pytest_sessionfinish(session, exitstatus):
    _failed.append(exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED))


def pytest_terminal_summary(terminalreporter):
    if _made and any(_failed):
        terminalreporter.write_line(f"有测试失败：本次运行的临时文件（tmp/ 下是各测试的 tmp_path）保留在 {_made[0]}")


def pytest_unconfigure(config):
    for folder in _made:
        if any(_failed):  # kept for people to look at; the next runs delete all but the newest two
            Path(folder, _KEPT).touch()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        for name in (*_FOLDERS, *_SHARED, _RUN_DIR):
            if os.environ.get(name, "").startswith(folder):
                del os.environ[name]
        os.environ.pop(_RUN_SET, None)
    if _no_bytecode:
        os.environ["PYTHONDONTWRITEBYTECODE"] = _no_bytecode.pop()


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` for tests of one file: no workers (the file would run in one of them anyway)."""
    files = {Path(arg.split("::", 1)[0]).resolve() for arg in config.args}
    if len(files) == 1 and next(iter(files)).is_file():
        return 0
    return None  # xdist's own answer: the number of CPUs
