"""Killing a build ends its PDF workers (issue 15): a real `kaohe pdf` with worker
processes is sent SIGINT, SIGTERM or SIGKILL while it renders; no process it started may
survive it. Processes are found in /proc (Linux)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie has ended (its parent reaps it)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st is not None and st[1] == pid and st[0] not in ("Z", "X"):
                out.append(int(entry.name))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_killing_the_build_ends_every_worker(sig, tmp_path):
    env = {**os.environ, "CI": "true", "KAOHE_NO_CACHE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "builder", "pdf", "luohe-2022", "--out", str(tmp_path / "out"),
                             "-j", "3", "-q"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            workers = [p for p in _children(proc.pid) if "spawn_main" in _cmdline(p)]
            if len(workers) >= 2:
                break
            time.sleep(0.1)
        assert len(workers) >= 2, "the build never started its workers"
        time.sleep(3)  # let them start up and take documents
        started = _children(proc.pid)  # workers, and multiprocessing's resource tracker
        assert proc.poll() is None, "the build ended before it could be interrupted"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in started):
            time.sleep(0.2)
        survivors = [(p, _cmdline(p)) for p in started if _alive(p)]
        assert not survivors, survivors
        if sig == signal.SIGINT:
            assert proc.returncode == 130 and "已中断" in proc.stderr.read().decode()
        assert not list((tmp_path / "out").rglob("*.pdf"))  # interrupted before anything was written
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
