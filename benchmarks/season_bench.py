"""Benchmark: the office's season commands on a generated round of N counties (issue 14).

Usage (from the project root)::

    .venv/bin/python benchmarks/season_bench.py [--counties 300] [--runs 3] [--keep DIR]

Generates a project with ``benchmarks/generate.py`` (round ``bench-2022``, the 漯河 rubric),
then times whole processes (``python -m builder …``, as the office runs them):

* ``kaohe status bench-2022`` (target ≤ 1 s);
* ``kaohe diff bench-2022 1 2`` between two audit records (target ≤ 1 s): record 1 is the round
  approved, record 2 an ``appeals`` run with 20 upheld decisions;
* ``kaohe export bench-2022`` (target ≤ 5 s).

The audit records are written once, before timing (``approve`` and ``appeals`` are not targets;
their times are printed too). Medians of ``--runs`` runs, wall and CPU (children's user + system).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND = "bench-2022"


def timed(cwd: Path, *args: str) -> tuple[float, float]:
    env = {**os.environ, "KAOHE_NO_CACHE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{args} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", "-n", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = ap.parse_args(argv)
    tmp = None
    if args.keep:
        out = args.keep
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kaohe-season-")
        out = Path(tmp.name) / "project"
    t = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--counties", str(args.counties),
                    "--out", str(out), "--force"], check=True, capture_output=True)
    print(f"generated N = {args.counties} in {time.perf_counter() - t:.1f} s")
    ry = out / "content" / ROUND / "round.yaml"
    text = ry.read_text(encoding="utf-8")
    if "deadline:" not in text:
        ry.write_text(text + "deadline: 2023-04-30\n", encoding="utf-8")
    if re.search(r"^status:\s*published", text, re.M):
        print("status-set draft: %.2f s" % timed(out, "status-set", ROUND, "draft", "--by", "bench", "--why", "bench")[0])
        # the first record is the status-set; approve is record 2, appeals record 3
    print("approve: %.2f s" % timed(out, "approve", ROUND, "--by", "bench", "--why", "bench")[0])
    # 20 upheld decisions on the first items below full marks
    sys.path.insert(0, str(ROOT))
    os.chdir(out)
    from builder.project import Project
    from builder.rounds import compute, load_round
    from builder.rounds.documents import review_points

    rnd, _ = load_round(Project(out), ROUND)
    points = [p for c in compute(rnd).counties for p in review_points(c) if p.kind == "item"][:20]
    lines = ["decisions:"]
    for p in points:
        lines += [f"  - id: {p.id}", "    decision: upheld", f"    score: {p.max}", "    reason: 基准测试"]
    (out / "content" / ROUND / "appeals").mkdir(exist_ok=True)
    (out / "content" / ROUND / "appeals" / "decisions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("appeals (writes a record): %.2f s" % timed(out, "appeals", ROUND, "--by", "bench", "--why", "bench")[0])
    records = sorted((out / "content" / ROUND / "audit").glob("*.json"))
    a, b = str(int(records[-2].stem)), str(int(records[-1].stem))
    print(f"audit record size: {records[-1].stat().st_size / 1024:.0f} KiB")
    cases = {
        "status": (["status", ROUND], 1.0),
        f"diff {a} {b}": (["diff", ROUND, a, b], 1.0),
        "export": (["export", ROUND, "--out", str(out / "sum.xlsx")], 5.0),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"| command (N = {args.counties}) | wall, median | CPU, median | target |")
    print("|---|---|---|---|")
    for name, (cmd, target) in cases.items():
        runs = [timed(out, *cmd) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"| `kaohe {name}` | {wall:.2f} s (min {min(r[0] for r in runs):.2f}) | {cpu:.2f} s | ≤ {target:g} s |")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
