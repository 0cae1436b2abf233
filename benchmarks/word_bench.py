"""Benchmark: ``kaohe check`` on a ~3000字 Word report vs the same report as Markdown, whole processes.

Usage (from the project root)::

    .venv/bin/python benchmarks/word_bench.py [--runs 11]

The Markdown is ``check_bench.report_text()`` (the report the check benchmark uses); the .docx is the same report written with python-docx (Title / Heading 1 /
Heading 2 styles, bold run-in leads as bold runs). Both are checked first to show they give the
same 字数 and rules; then ``python -m builder check`` runs on each, alternately, ``--runs`` times,
and the medians of wall and CPU time (user + system of the child) are compared (target: the
.docx at most 1.5× the .md). The in-process figures are ``check_word`` on the bytes and
``check_text`` on the text (the browser page's path), medians of 30 warm calls.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from check_bench import report_text, timed  # noqa: E402

_LEAD = re.compile(r"^\*\*(.+?)\*\*(.*)$")


def write_docx(md: str, path: Path) -> None:
    import docx

    d = docx.Document()
    for line in md.split("\n"):
        s = line.strip()
        if not s:
            continue
        if s.startswith("# "):
            d.add_paragraph(s[2:], style="Title")
        elif s.startswith("## "):
            d.add_heading(s[3:], level=1)
        elif s.startswith("### "):
            d.add_heading(s[4:], level=2)
        else:
            p = d.add_paragraph()
            m = _LEAD.match(s)
            if m:
                p.add_run(m.group(1)).bold = True
                p.add_run(m.group(2))
            else:
                p.add_run(s)
    d.save(str(path))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    from builder.checker import check_file, check_text
    from builder.checker.engine import check_word
    from builder.project import Project

    text = report_text()
    work = Path(tempfile.mkdtemp(prefix="kaohe-word-bench-"))
    md, dx = work / "report.md", work / "report.docx"
    md.write_text(text, encoding="utf-8")
    write_docx(text.split("---\n", 2)[2], dx)  # the body, without the front matter
    project = Project(ROOT)
    rm, rd = check_file(md, project), check_file(dx, project)
    print(f"字数: .md {rm.stats['chars']}, .docx {rd.stats['chars']}; rules .md {sorted(d.rule for d in rm.diagnostics)}, "
          f".docx {sorted(d.rule for d in rd.diagnostics)}; .docx {dx.stat().st_size} bytes")
    data = dx.read_bytes()
    inproc = {}
    for name, fn in (("check_text", lambda: check_text(text, project, "r.md")),
                     ("check_word", lambda: check_word(data, project, "r.docx"))):
        fn()
        ts = []
        for _ in range(30):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        inproc[name] = statistics.median(ts)
    cmd = [sys.executable, "-m", "builder", "check", "--project", str(ROOT)]
    timed(cmd + [str(md)], work)
    timed(cmd + [str(dx)], work)
    res = {"md": [], "docx": []}
    for _ in range(args.runs):
        for key, f in (("md", md), ("docx", dx)):
            wall, cpu, _rc = timed(cmd + [str(f)], work)
            res[key].append((wall, cpu))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {load:.1f} at the end; {args.runs} alternating pairs")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in res.items()}
    for k in ("md", "docx"):
        print(f"kaohe check .{k}: wall {med[k][0] * 1000:.0f} ms (min {min(w for w, _ in res[k]) * 1000:.0f}), "
              f"CPU {med[k][1] * 1000:.0f} ms")
    print(f"ratio .docx/.md: wall {med['docx'][0] / med['md'][0]:.2f}, CPU {med['docx'][1] / med['md'][1]:.2f} "
          f"(target ≤ 1.5)")
    print(f"in-process, median of 30 warm calls: check_text {inproc['check_text'] * 1000:.1f} ms, "
          f"check_word {inproc['check_word'] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
