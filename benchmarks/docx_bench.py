"""Benchmark: ``kaohe docx ROUND`` for the 8-county example (target ≤ 3 s).

Usage (from the project root)::

    .venv/bin/python benchmarks/docx_bench.py [--round luohe-2022] [--runs 5]

Runs ``python -m builder docx ROUND --out TMP -q`` as a whole process ``--runs`` times and
prints the median and minimum wall time and the median CPU time (user + system of the
child): the 通报 and one feedback letter per county, from loading the round to the files.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--round", default="luohe-2022")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "builder", "docx", args.round, "--out", tmp, "-q"], cwd=ROOT,
                           check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        files = sorted(Path(tmp).rglob("*.docx"))
    print(f"kaohe docx {args.round}: {len(files)} files, {args.runs} runs")
    print(f"  wall median {statistics.median(walls):.2f} s (min {min(walls):.2f} s), "
          f"CPU median {statistics.median(cpus):.2f} s (target ≤ 3 s)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
