"""Benchmark: ``kaohe check`` vs ``markdownlint-cli2`` (MD043 required-headings) on the same report.

Usage (from the project root)::

    npm install --prefix benchmarks markdownlint-cli2     # once; benchmarks/node_modules is git-ignored
    .venv/bin/python benchmarks/check_bench.py [--runs 15] [--markdownlint PATH]

Both tools run as whole processes on the same ~3000字 report, alternately, ``--runs`` times
each; the medians are compared (target: kaohe ≤ 0.4× markdownlint-cli2). markdownlint-cli2
runs with only MD043 enabled, configured with the report's own headings — the closest it
comes to a template check. The in-process figure is ``check_text`` on the same report after
one warm-up call (template and round cached; target ≤ 10 ms), plus the first, cold call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "fixtures" / "reports" / "length-limit-over.md"


def report_text() -> str:
    """A ~3000字 conforming report: the length fixture's body without its last highlight and annex."""
    text = SOURCE.read_text(encoding="utf-8")
    text = text[: text.index("## 附件")]
    start = text.index("**（九）")
    end = text.index("## 三、工作存在的问题")
    text = text[:start] + text[end:]
    return re.sub(r"<!--.*?-->\n*", "", text, flags=re.S).rstrip() + "\n"


def find_markdownlint(explicit: str | None) -> list[str] | None:
    candidates = [explicit] if explicit else []
    candidates += [str(ROOT / "benchmarks" / "node_modules" / ".bin" / "markdownlint-cli2"),
                   "/tmp/mdl/node_modules/.bin/markdownlint-cli2", shutil.which("markdownlint-cli2") or ""]
    for c in candidates:
        if c and Path(c).exists():
            return [c]
    return None


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--markdownlint", default=None, help="path of the markdownlint-cli2 executable")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    from builder.checker import check_text
    from builder.project import Project

    text = report_text()
    work = Path(tempfile.mkdtemp(prefix="kaohe-bench-"))
    report = work / "report.md"
    report.write_text(text, encoding="utf-8")
    headings = [ln.strip() for ln in text.split("\n") if ln.startswith("#")]
    (work / ".markdownlint-cli2.jsonc").write_text(
        json.dumps({"config": {"default": False, "MD043": {"headings": headings}}}, ensure_ascii=False), encoding="utf-8")

    project = Project(ROOT)
    t = time.perf_counter()
    first = check_text(text, project, "report.md")
    cold = time.perf_counter() - t
    warm = []
    for _ in range(50):
        t = time.perf_counter()
        check_text(text, project, "report.md")
        warm.append(time.perf_counter() - t)

    kaohe_cmd = [sys.executable, "-m", "builder", "check", "--project", str(ROOT), str(report)]
    mdl = find_markdownlint(args.markdownlint)
    mdl_cmd = (mdl + [str(report)]) if mdl else None
    k_times, m_times = [], []
    timed(kaohe_cmd, work)  # warm the OS file cache for both
    if mdl_cmd:
        timed(mdl_cmd, work)
    k_rc = m_rc = None
    for _ in range(args.runs):
        dt, k_rc = timed(kaohe_cmd, work)
        k_times.append(dt)
        if mdl_cmd:
            dt, m_rc = timed(mdl_cmd, work)
            m_times.append(dt)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("node") else "-"
    print(f"node {node}; report: {first.stats['chars']}字, {len(text.splitlines())} lines, {len(headings)} headings; "
          f"findings: {len(first.diagnostics)}")
    k_med = statistics.median(k_times)
    print(f"kaohe check (process), median of {args.runs}: {k_med * 1000:.0f} ms (exit {k_rc}; "
          f"min {min(k_times) * 1000:.0f}, max {max(k_times) * 1000:.0f})")
    if m_times:
        m_med = statistics.median(m_times)
        print(f"markdownlint-cli2 MD043 (process), median of {args.runs}: {m_med * 1000:.0f} ms (exit {m_rc}; "
              f"min {min(m_times) * 1000:.0f}, max {max(m_times) * 1000:.0f})")
        print(f"ratio kaohe / markdownlint-cli2: {k_med / m_med:.2f} (target ≤ 0.40)")
    else:
        print("markdownlint-cli2 not found: npm install --prefix benchmarks markdownlint-cli2")
    print(f"in-process check_text: median {statistics.median(warm) * 1000:.2f} ms of 50 warm calls "
          f"(target ≤ 10 ms); first call {cold * 1000:.1f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
