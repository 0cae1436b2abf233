"""Benchmark: the checker page (site/check/) in Chromium — ready to accept a file, and one check.

Usage (from the project root)::

    .venv/bin/python benchmarks/checkpage_bench.py [--runs 7] [--checks 15] [--site DIR]

Builds the example site (``mkdocs build``, no PDFs) unless ``--site`` names a built one, serves it
on loopback, and for each of ``--runs`` runs starts a new headless Chromium (Debian's
``/usr/bin/chromium``; a fresh profile each time, so nothing is cached: a cold load) and opens
``check/``. *Ready* is the time from the start of the navigation until the page marks
``data-check-ready="true"`` (Pyodide started, the checker's Python unpacked and imported).
Then ``--checks`` checks of the same ~3000字 report as ``check_bench.py`` (and of its .docx twin
when the Word reader is in), uploaded through the file input; *check* is the page's own timing of
the call into Python and the rendering of the findings (``data-check-ms``), and *upload to done*
the wall time from ``set_input_files`` until ``data-check-state="done"``. Targets: ready ≤ 5 s,
check ≤ 1 s.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from check_bench import report_text  # noqa: E402

CHROMIUM = os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def build_site(out: Path) -> None:
    env = dict(os.environ, KAOHE_PDFS="0")
    env.pop("KAOHE_DRAFTS", None)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, env=env, check=True)


def chromium_cpu(before: set[int]) -> float:
    """CPU seconds (user + system) used so far by the Chromium processes started after ``before``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _chromium_pids() - before:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _chromium_pids() -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if b"chrom" in (d / "cmdline").read_bytes()[:200]:
                    out.add(int(d.name))
            except OSError:
                pass
    return out


def docx_twin(text: str, folder: Path) -> Path | None:
    """The report as a .docx with Word heading styles (python-docx, when installed): ``#`` → the
    title, ``##`` → Heading 1, ``###`` → Heading 2, every other line a paragraph."""
    try:
        import docx
    except ImportError:
        return None
    d = docx.Document()
    body = text.split("---\n", 2)[-1] if text.startswith("---\n") else text
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        level = len(line) - len(line.lstrip("#"))
        plain = line.lstrip("#").strip().replace("**", "")
        if level == 1:
            d.add_paragraph(plain, style="Title")
        elif level in (2, 3):
            d.add_heading(plain, level=level - 1)
        else:
            d.add_paragraph(plain)
    out = folder / "report-3000.docx"
    d.save(out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--checks", type=int, default=15)
    ap.add_argument("--site", type=Path, default=None)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kaohe-checkpage-bench-") as tmp:
        tmp = Path(tmp)
        site = a.site
        if site is None:
            site = tmp / "site"
            build_site(site)
        md = tmp / "report-3000.md"
        md.write_text(report_text(), encoding="utf-8")
        files = [md] + [f for f in (docx_twin(md.read_text(encoding="utf-8"), tmp),) if f]
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{srv.server_address[1]}/check/"
        ready, wall_ready, marks, cpu = [], [], [], []
        checks: dict[str, list[float]] = {f.suffix: [] for f in files}
        walls: dict[str, list[float]] = {f.suffix: [] for f in files}
        chars = {}
        transferred = 0
        with sync_playwright() as p:
            for run in range(a.runs):
                before = _chromium_pids()
                b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = b.new_page()
                sizes = []
                page.on("response", lambda r: sizes.append(int(r.headers.get("content-length", "0") or 0)))
                t0 = time.perf_counter()
                page.goto(url)
                page.wait_for_selector('[data-check-ready="true"]', timeout=120_000)
                wall_ready.append(time.perf_counter() - t0)
                ready.append(int(page.get_attribute("#checker", "data-ready-ms")) / 1000)
                marks.append(page.get_attribute("#checker", "data-load-marks"))
                cpu.append(chromium_cpu(before))
                transferred = sum(sizes)
                if run == 0:  # the checks, in the first (cold) page
                    for i in range(a.checks):
                        for f in files:
                            page.evaluate("document.getElementById('check-results').dataset.checkState = 'idle'")
                            t1 = time.perf_counter()
                            page.set_input_files("input[type=file]", str(f))
                            page.wait_for_selector('[data-check-state="done"]', timeout=60_000)
                            walls[f.suffix].append(time.perf_counter() - t1)
                            checks[f.suffix].append(int(page.get_attribute("#check-results", "data-check-ms")) / 1000)
                            chars[f.suffix] = page.text_content("[data-chars]")
                b.close()
        srv.shutdown()
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"transferred per cold load: {transferred / 1e6:.1f} MB")
    med = statistics.median
    print(f"ready (navigation → data-check-ready), {a.runs} cold runs: median {med(ready):.2f} s, "
          f"min {min(ready):.2f}, max {max(ready):.2f} (wall from goto: median {med(wall_ready):.2f} s)")
    print(f"CPU of the browser's processes from launch to ready: median {med(cpu):.2f} s (min {min(cpu):.2f})")
    print("phases (ms after check.js started: module imported, Pyodide started, checker imported):", "; ".join(marks))
    for suffix in checks:
        c, w = checks[suffix], walls[suffix]
        print(f"check {suffix} ({chars[suffix]}字), {len(c)} checks: first {c[0] * 1000:.0f} ms, "
              f"median {med(c) * 1000:.0f} ms, max {max(c) * 1000:.0f} ms; upload → done median {med(w) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
