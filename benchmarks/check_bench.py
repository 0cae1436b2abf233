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
import resource
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


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child: user + system, exit code)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, **env) if env else None)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), p.returncode


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
    warm, warm_cpu = [], []
    for _ in range(50):
        t, c = time.perf_counter(), time.process_time()
        check_text(text, project, "report.md")
        warm.append(time.perf_counter() - t)
        warm_cpu.append(time.process_time() - c)

    kaohe_cmd = [sys.executable, "-m", "builder", "check", "--project", str(ROOT), str(report)]
    mdl = find_markdownlint(args.markdownlint)
    mdl_cmd = (mdl + [str(report)]) if mdl else None
    k_times, m_times, k_cpu, m_cpu = [], [], [], []
    timed(kaohe_cmd, work)  # warm the OS file cache for both
    if mdl_cmd:
        timed(mdl_cmd, work)
    k_rc = m_rc = None
    for _ in range(args.runs):
        wall, cpu, k_rc = timed(kaohe_cmd, work)
        k_times.append(wall)
        k_cpu.append(cpu)
        if mdl_cmd:
            wall, cpu, m_rc = timed(mdl_cmd, work)
            m_times.append(wall)
            m_cpu.append(cpu)

    nocache = []
    for _ in range(max(3, args.runs // 3)):
        wall, cpu, _rc = timed(kaohe_cmd, work, {"KAOHE_NO_CACHE": "1"})
        nocache.append((wall, cpu))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; load average {load:.1f} at the end")
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("node") else "-"
    print(f"node {node}; report: {first.stats['chars']}字, {len(text.splitlines())} lines, {len(headings)} headings; "
          f"findings: {len(first.diagnostics)}")

    def line(name, walls, cpus, rc):
        return (f"{name}, median of {args.runs}: wall {statistics.median(walls) * 1000:.0f} ms "
                f"(min {min(walls) * 1000:.0f}), CPU {statistics.median(cpus) * 1000:.0f} ms (exit {rc})")

    print(line("kaohe check (process)", k_times, k_cpu, k_rc))
    print(f"kaohe check without its cache (KAOHE_NO_CACHE=1: reads round.yaml and the template), median of "
          f"{len(nocache)}: wall {statistics.median(w for w, _ in nocache) * 1000:.0f} ms, "
          f"CPU {statistics.median(c for _, c in nocache) * 1000:.0f} ms")
    if m_times:
        print(line("markdownlint-cli2 MD043 (process)", m_times, m_cpu, m_rc))
        print(f"ratio kaohe / markdownlint-cli2: wall {statistics.median(k_times) / statistics.median(m_times):.2f}, "
              f"CPU {statistics.median(k_cpu) / statistics.median(m_cpu):.2f}, "
              f"best-of wall {min(k_times) / min(m_times):.2f} (target ≤ 0.40)")
    else:
        print("markdownlint-cli2 not found: npm install --prefix benchmarks markdownlint-cli2")
    print(f"in-process check_text, 50 warm calls: wall median {statistics.median(warm) * 1000:.2f} ms "
          f"(min {min(warm) * 1000:.2f}), CPU median {statistics.median(warm_cpu) * 1000:.2f} ms (target ≤ 10 ms); "
          f"first call {cold * 1000:.1f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
