"""builder/forked.py: work split between this process and forked copies (run in a fresh
interpreter: pytest-xdist's workers have threads, and split_map does not fork there)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builder import forked

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    forked.usable_cpus() < 2 or sys.platform == "win32", reason="needs two CPUs and fork"
)


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)


def test_results_come_back_in_order_and_children_do_part_of_the_work(tmp_path):
    p = run(
        f"""
        import json, os
        from pathlib import Path
        from builder.forked import split_map, can_fork
        out = Path({str(tmp_path)!r})
        def work(share):
            res = []
            for i in share:
                (out / f"{{i}}.txt").write_text(str(i * i))
                res.append((i * i, os.getpid()))
            return res
        got = split_map(work, list(range(100)), min_share=10)
        print(json.dumps({{"can_fork": can_fork(), "squares": [g[0] for g in got],
                          "pids": sorted(set(g[1] for g in got)), "me": os.getpid()}}))
        """,
        tmp_path,
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["can_fork"]
    assert data["squares"] == [i * i for i in range(100)]
    assert data["me"] in data["pids"] and len(data["pids"]) == min(forked.usable_cpus(), 10)
    assert sorted(int(f.stem) for f in tmp_path.glob("*.txt")) == list(range(100))  # children's files stay


def test_an_exception_in_a_child_is_raised_in_the_parent(tmp_path):
    p = run(
        """
        import os
        from builder.forked import split_map
        from builder.diagnostics import Diagnostic, DiagnosticError, ERROR
        me = os.getpid()
        def work(share):
            if os.getpid() != me:
                raise DiagnosticError([Diagnostic("a.md", 3, 1, ERROR, "x", "子进程中的错误")])
            return list(share)
        try:
            split_map(work, list(range(64)), min_share=8)
        except DiagnosticError as exc:
            print("caught", exc.diagnostics[0].line, exc.diagnostics[0].message)
        """,
        tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "caught 3 子进程中的错误"


def test_a_child_that_dies_is_an_error_not_a_hang(tmp_path):
    p = run(
        """
        import os
        from builder.forked import split_map, ChildFailed
        me = os.getpid()
        def work(share):
            if os.getpid() != me:
                os._exit(9)
            return list(share)
        try:
            split_map(work, list(range(64)), min_share=8)
        except ChildFailed as exc:
            print("failed:", exc)
        """,
        tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("failed: forked process")


def test_little_work_or_threads_stay_in_this_process(tmp_path):
    p = run(
        """
        import os, threading, time
        from builder.forked import split_map
        pids = lambda share: [os.getpid() for _ in share]
        few = set(split_map(pids, list(range(10)), min_share=32))
        t = threading.Thread(target=time.sleep, args=(2,)); t.start()
        threaded = set(split_map(pids, list(range(100)), min_share=8))
        print(few == {os.getpid()}, threaded == {os.getpid()})
        """,
        tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "True"]


def test_ctrl_c_while_forking_is_not_lost(tmp_path):
    """A Ctrl-C that comes while ``fork`` runs its handlers (here: sent by one of them) is
    raised after the fork, not swallowed in the handler (a build went on to exit 0)."""
    code = """
import os, signal, sys
sent = []
def interrupt():
    if not sent and os.getpid() == parent:
        sent.append(1)
        os.kill(os.getpid(), signal.SIGINT)
parent = os.getpid()
os.register_at_fork(before=interrupt)
from builder import forked
try:
    job = forked.start(lambda: 42)
    print("started", job is not None)
    for _ in range(100000):
        pass
    print("result", job.result() if job else None)
except KeyboardInterrupt:
    print("interrupted")
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    if "started False" in p.stdout:
        pytest.skip("no fork here")
    assert "interrupted" in p.stdout, p.stdout + p.stderr
    assert "Exception ignored" not in p.stderr
