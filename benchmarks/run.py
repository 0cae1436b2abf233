"""Province-scale build benchmarks (issue #7): cold builds, rebuilds, PDFs, the checker.

    .venv/bin/python benchmarks/run.py            # the full run (~20 min on 2 cores), writes README
    .venv/bin/python benchmarks/run.py --quick    # a smoke test: tiny N, one run each, no README
    .venv/bin/python benchmarks/run.py --big      # also the cold build with PDFs at N = 1000 (+17 min)
    .venv/bin/python benchmarks/run.py --huge     # also the site at N = 3000

Every figure is a whole process (``mkdocs build``, ``kaohe check``, ``kaohe pdf``) started
from here, measured with ``os.wait4``: wall-clock time, CPU time (user + system, the
process and the PDF workers it waited for) and peak RSS (the largest single process of
the tree). The median of ``--runs`` runs is reported. Projects come from
``benchmarks/generate.py`` (one round of N synthetic counties, 漯河 2022 rubric, each with a
~2,500字 report, 3 typical cases, feedback and contacts), in a temporary folder.

Measured, side by side in one run:

1. *cold build*: ``mkdocs build`` with the site and every PDF, after deleting ``site/``
   and the build cache (``.cache/kaohe``), at each N, with the cost per county;
2. *rebuild*: the same after one county's report was edited (cache warm): target
   ≤ 0.05 × the cold build at N = 300, and flat in N;
3. *site part alone* (``KAOHE_PDFS=0``, cold) against a plain ``mkdocs build`` of the same
   number of plain Markdown pages (the reports and a score table per county, theme
   ``mkdocs``, the built-in search, pages outside the nav like ours): target ≤ 1.2×;
   and the site-only rebuild after a report edit, as a whole process and as
   ``mkdocs serve`` does it (a second build in the same process: what a county sees
   after saving its report);
4. *PDFs in parallel vs sequentially*: ``kaohe pdf --jobs 2`` against ``--jobs 1`` (no
   cache): target ≥ 1.7× on 2 cores;
5. ``kaohe check`` over all N reports (one process, the checker's own cache warm).

With ``--readme`` (the default for a full run) the table replaces the section between
``<!-- build-bench:start -->`` and ``<!-- build-bench:end -->`` of benchmarks/README.md;
the file's other sections are kept.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

PY = sys.executable
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- build-bench:start -->", "<!-- build-bench:end -->"
ROUND = generate.ROUND_ID


# ───────────────────────────── measuring ─────────────────────────────


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Result:
    name: str
    n: int
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mib for r in self.runs)

    def as_dict(self) -> dict:
        return {"name": self.name, "n": self.n, "wall": self.wall, "cpu": self.cpu, "rss_mib": self.rss,
                "runs": [r.__dict__ for r in self.runs], "note": self.note}


_PYTHONPATH: str | None = None  # the snapshot of the package the processes run (see snapshot())


def snapshot(work: Path, package: Path | None = None) -> None:
    """Run every process on a copy of ``builder/`` taken now: the build cache keys include
    the code, and a commit to the working tree during the run would invalidate it.
    ``package``: another ``builder/`` folder (e.g. an older commit's, for before/after figures)."""
    global _PYTHONPATH
    dst = work / "pkg"
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(package or ROOT / "builder", dst / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    # Compiled once, as an installed package is: with PYTHONDONTWRITEBYTECODE set (as on the CI
    # machines) every process would compile all of builder/ again, which MkDocs never does.
    compileall.compile_dir(str(dst / "builder"), quiet=1)
    _PYTHONPATH = str(dst)


def env(**extra) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    e["CI"] = "true"  # no progress bars
    if _PYTHONPATH:
        e["PYTHONPATH"] = _PYTHONPATH + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.update({k: str(v) for k, v in extra.items()})
    return e


def timed(cmd: list[str], cwd: Path, environ: dict) -> Run:
    """Run a whole process; wall, CPU (with its waited-for children) and peak RSS."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=environ, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed in {cwd} ({p.returncode}):\n"
                             + err.read().decode("utf-8", "replace")[-3000:])
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024)


BUILD = ["-m", "builder", "build", "-q"]  # --command mkdocs: ["-m", "mkdocs", "build", "-q"] (same bytes)


def mkdocs(project: Path, **extra) -> Run:
    """One site build as a whole process (``kaohe build``, or ``mkdocs build`` with --command mkdocs)."""
    return timed([PY, *BUILD], project, env(**extra))


def edit_sheet(project: Path) -> None:
    """Change one score in one department's sheet (the first row of 市公安局's CSV)."""
    path = project / "content" / ROUND / "scores" / "gongan.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        parts = line.split(",")
        if len(parts) >= 6 and parts[0] and not line.startswith(("#", "县区编号", "评价部门", "考核轮次")):
            parts[4] = "2" if parts[4] != "2" else "1.5"
            lines[i] = ",".join(parts)
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def clean(project: Path) -> None:
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)


def counties(n: int) -> list[dict]:
    return generate.counties(n)


_edits = 0


def edit_report(project: Path, n: int) -> str:
    """Change one county's report (a different county and text each time); returns its id."""
    global _edits
    _edits += 1
    c = counties(n)[(_edits * 7) % n]
    path = project / "content" / ROUND / "reports" / f"{c['id']}.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("现将有关情况报告如下", f"现将有关情况报告如下（第{_edits}次修改）", 1)
    path.write_text(text, encoding="utf-8")
    return c["id"]


def last_build(project: Path) -> dict:
    try:
        return json.loads((project / ".cache" / "kaohe" / "last-build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


SERVE_REBUILD = r"""
import json, sys, tempfile, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
sys.path.insert(0, {bench!r})
import run
n, runs = int(sys.argv[1]), int(sys.argv[2])
site = tempfile.mkdtemp(prefix="mkdocs_")
url = "http://127.0.0.1:8000/"
def one():
    cfg = load_config("mkdocs.yml", site_dir=site)
    cfg.site_url = url
    t = time.perf_counter(); build(cfg, serve_url=url); return time.perf_counter() - t
cfg = load_config("mkdocs.yml", site_dir=site)
cfg.plugins.on_startup(command="serve", dirty=False)
first = one()
times = []
for i in range(runs):
    run._edits = 1000 + i
    run.edit_report(Path("."), n)
    times.append(one())
print(json.dumps({{"first": first, "times": times}}))
"""


def serve_rebuild(project: Path, n: int, runs: int) -> tuple[float, list[float]]:
    """A county saves its report while ``mkdocs serve`` runs: the second build in the
    same process (PDFs off, as serve does by default)."""
    code = SERVE_REBUILD.format(bench=str(ROOT / "benchmarks"))
    p = subprocess.run([PY, "-c", code, str(n), str(runs)], cwd=project, env=env(), capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("serve rebuild failed:\n" + p.stderr[-3000:])
    out = json.loads(p.stdout.strip().splitlines()[-1])
    return out["first"], out["times"]


# ───────────────────────────── the plain MkDocs site ─────────────────────────────


def in_child(fn, *args):
    """``fn(*args)`` in a spawned process: what it loads never enlarges this one, whose size
    every process started later would report as its own peak (Linux carries the parent's
    high-water RSS over ``fork``/``exec`` into the child's ``ru_maxrss``)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def make_plain(project: Path, out: Path, pages_wanted: int) -> int:
    """A plain MkDocs project with the same pages as plain Markdown (the round, each
    county's results and report, and rubric pages up to ``pages_wanted``); returns the
    page count."""
    from builder.project import Project
    from builder.rounds import compute, load_round

    res = compute(load_round(Project(project), ROUND)[0])
    docs = out / "docs"
    shutil.rmtree(out, ignore_errors=True)
    (docs / ROUND).mkdir(parents=True)
    (out / "mkdocs.yml").write_text(
        "site_name: 质量工作考核结果公开（对照）\nuse_directory_urls: true\ntheme:\n  name: mkdocs\n"
        "nav:\n  - index.md\nnot_in_nav: |\n  /*/\nmarkdown_extensions:\n  - tables\n  - toc\n", encoding="utf-8")
    (docs / "index.md").write_text(f"# {res.round.title}\n\n[结果]({ROUND}/index.md)\n", encoding="utf-8")
    rows = ["| 名次 | 县区 | 基本分 | 加分 | 扣分 | 总分 | 等次 |", "|---|---|---|---|---|---|---|"]
    pages = 2
    for cr in res.counties:
        c = cr.county
        rows.append(f"| {cr.rank} | [{c.name}]({c.id}/index.md) | {cr.base} | {cr.bonus} | {cr.deductions} | "
                    f"{cr.total} | {cr.grade} |")
        lines = [f"# {c.name}", "", f"总分 {cr.total}，等次 {cr.grade}，名次 {cr.rank}。", "",
                 "| 考核项 | 名称 | 分值 | 得分 | 评价说明 |", "|---|---|---|---|---|"]
        for a in cr.areas:
            for it in a.items:
                lines.append(f"| {it.item.id} | {it.item.title} | {it.item.points} | {it.score} | {it.remark or ''} |")
        fb = res.round.feedback.get(c.id)
        if fb:
            lines += ["", fb.read_text(encoding="utf-8")]
        lines += ["", "[自评报告](report/index.md)"]
        (docs / ROUND / c.id).mkdir()
        (docs / ROUND / c.id / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rep = res.round.reports[c.id].read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        (docs / ROUND / c.id / "report").mkdir()
        (docs / ROUND / c.id / "report" / "index.md").write_text(rep, encoding="utf-8")
        pages += 2
    (docs / ROUND / "index.md").write_text(f"# {res.round.title}\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rubric = res.round.rubric
    lines = [f"# {rubric.title}", "", "| 编号 | 考核项 | 分值 | 评分标准 | 评价部门 |", "|---|---|---|---|---|"]
    for leaf in rubric.leaves():
        lines.append(f"| {leaf.id} | {leaf.title} | {leaf.points} | {(leaf.criterion or '').replace('|', '/')} | "
                     f"{'、'.join(leaf.departments)} |")
    k = 0
    while pages < pages_wanted:  # the site's own pages: home, lists, search, rubrics
        k += 1
        (docs / "extra" / str(k)).mkdir(parents=True)
        (docs / "extra" / str(k) / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pages += 1
    return pages


# ───────────────────────────── the benchmark ─────────────────────────────


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    from importlib.metadata import version

    return {"cpus": len(os.sched_getaffinity(0)), "model": model or platform.processor(), "memory": mem,
            "os": platform.platform(), "python": platform.python_version(), "mkdocs": version("mkdocs"),
            "weasyprint": version("weasyprint"), "load": os.getloadavg()}


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)


def bench(args) -> dict:
    out: dict = {"machine": machine(), "args": vars(args) | {"work": str(args.work)}}
    results: list[Result] = []
    snapshot(args.work, args.package)
    started = time.perf_counter()
    for n in sorted(set(args.site_sizes) | set(args.pdf_sizes)):
        project = args.work / f"n{n}"
        if project.exists():
            shutil.rmtree(project)
        project.mkdir(parents=True)
        log(f"N={n}: generating")
        generate.generate(n, project)
        with_pdfs = n in args.pdf_sizes

        if with_pdfs:
            runs = args.runs if n <= 100 else args.big_runs
            r = Result("cold", n)
            peaks = []
            for i in range(runs):
                clean(project)
                log(f"N={n}: cold build with PDFs ({i + 1}/{runs})")
                r.runs.append(mkdocs(project))
                peaks.append(last_build(project).get("peak_mib", {}))
            if peaks and peaks[-1]:
                p = peaks[-1]
                r.note = f"peak RSS of the build process {p.get('build')} MiB, of each PDF worker {p.get('pdf_workers')} MiB"
            results.append(r)
            r = Result("rebuild", n)
            rendered = []
            for i in range(args.runs):
                edit_report(project, n)
                log(f"N={n}: rebuild after one report changed ({i + 1}/{args.runs})")
                r.runs.append(mkdocs(project))
                rendered.append(len(last_build(project).get("pdf", {}).get("rendered", [])))
            r.note = f"PDFs rendered again per rebuild: {sorted(set(rendered))}"
            results.append(r)
            r = Result("rebuild-sheet", n)
            rendered = []
            for i in range(args.runs):
                edit_sheet(project)
                log(f"N={n}: rebuild after one score changed ({i + 1}/{args.runs})")
                r.runs.append(mkdocs(project))
                rendered.append(len(last_build(project).get("pdf", {}).get("rendered", [])))
            r.note = f"PDFs rendered again per rebuild: {sorted(set(rendered))}"
            results.append(r)

        if n in args.site_sizes:
            r = Result("site-cold", n)
            for i in range(args.runs):
                clean(project)
                log(f"N={n}: site only ({i + 1}/{args.runs})")
                r.runs.append(mkdocs(project, KAOHE_PDFS=0))
            results.append(r)
            pages = len(list((project / "site").rglob("index.html")))
            r.note = f"{pages} pages (page cache empty)"
            r = Result("site-rebuild", n)
            for i in range(args.runs):
                edit_report(project, n)
                log(f"N={n}: site-only rebuild after one report changed ({i + 1}/{args.runs})")
                r.runs.append(mkdocs(project, KAOHE_PDFS=0))
            results.append(r)
            log(f"N={n}: serve rebuilds")
            first, times = serve_rebuild(project, n, args.runs)
            r = Result("serve-rebuild", n, [Run(t, 0, 0) for t in times], note=f"first build in serve {first:.2f} s")
            results.append(r)
            plain = args.work / f"plain{n}"
            n_pages = in_child(make_plain, project, plain, pages)
            r = Result("plain", n, note=f"{n_pages} pages")
            for i in range(args.runs):
                shutil.rmtree(plain / "site", ignore_errors=True)
                log(f"N={n}: plain mkdocs ({i + 1}/{args.runs})")
                r.runs.append(timed([PY, "-m", "mkdocs", "build", "-q"], plain, env()))
            results.append(r)
            reports = sorted(str(p) for p in (project / "content" / ROUND / "reports").glob("*.md"))
            timed([PY, "-m", "builder", "check", *reports], project, env())  # warm the checker's cache
            r = Result("check", n)
            for i in range(args.runs):
                log(f"N={n}: kaohe check over {len(reports)} reports ({i + 1}/{args.runs})")
                r.runs.append(timed([PY, "-m", "builder", "check", *reports], project, env()))
            results.append(r)
        if not args.keep:
            shutil.rmtree(project, ignore_errors=True)
            shutil.rmtree(args.work / f"plain{n}", ignore_errors=True)

    # PDFs: parallel against sequential, no cache, same documents (--pdf-n 0: skipped).
    n = args.pdf_n
    if n <= 0:
        out["results"] = [r.as_dict() for r in results]
        out["seconds"] = time.perf_counter() - started
        out["machine"]["load_after"] = os.getloadavg()
        return out
    project = args.work / f"pdf{n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    generate.generate(n, project)
    for jobs in (1, 2):
        r = Result(f"pdf-jobs{jobs}", n, note=f"{2 * n + 1} PDFs")
        for i in range(args.runs):
            shutil.rmtree(project / "out", ignore_errors=True)
            log(f"PDFs of N={n}, --jobs {jobs} ({i + 1}/{args.runs})")
            r.runs.append(timed([PY, "-m", "builder", "pdf", ROUND, "--out", "out", "--jobs", str(jobs), "-q"],
                                project, env()))
        results.append(r)
    if not args.keep:
        shutil.rmtree(project, ignore_errors=True)
    out["results"] = [r.as_dict() for r in results]
    out["seconds"] = time.perf_counter() - started
    out["machine"]["load_after"] = os.getloadavg()
    return out


# ───────────────────────────── the table ─────────────────────────────

LABELS = {
    "cold": "cold build (site + all PDFs)",
    "rebuild": "rebuild after one report changed (site + PDFs)",
    "rebuild-sheet": "rebuild after one score in one sheet changed (site + PDFs)",
    "site-cold": "site part alone (`KAOHE_PDFS=0`), cold",
    "plain": "plain `mkdocs build`, same number of Markdown pages",
    "site-rebuild": "site-only rebuild after one report changed (process)",
    "serve-rebuild": "`mkdocs serve` rebuild after saving a report (in process)",
    "check": "`kaohe check` over all N reports",
    "pdf-jobs1": "`kaohe pdf --jobs 1` (sequential)",
    "pdf-jobs2": "`kaohe pdf --jobs 2` (parallel)",
}


def table(data: dict) -> str:
    res = [Result(d["name"], d["n"], [Run(**r) for r in d["runs"]], d["note"]) for d in data["results"]]
    by = {(r.name, r.n): r for r in res}
    m = data["machine"]
    lines = [
        f"Measured {data.get('date', '')} by `benchmarks/run.py` ({data['seconds'] / 60:.0f} min): "
        f"{m['cpus']} cores ({m['model']}), {m['memory']} RAM, {m['os']}, Python {m['python']}, "
        f"MkDocs {m['mkdocs']}, WeasyPrint {m['weasyprint']}. Load average before/after: "
        f"{' '.join(f'{x:.1f}' for x in m['load'])} / {' '.join(f'{x:.1f}' for x in m['load_after'])} "
        "(the machine was shared: CPU times are steadier than wall times).",
        "",
        "| Measurement | N | runs | wall (median) | CPU | peak RSS | per county (wall) | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in res:
        per = f"{r.wall / r.n * 1000:.0f} ms" if r.name not in ("pdf-jobs1", "pdf-jobs2") else ""
        cpu = f"{r.cpu:.1f} s" if r.cpu else "—"
        rss = f"{r.rss:.0f} MiB" if r.rss else "—"
        lines.append(f"| {LABELS.get(r.name, r.name)} | {r.n} | {len(r.runs)} | {r.wall:.2f} s | {cpu} | {rss} | "
                     f"{per} | {r.note} |")
    lines += ["", "Against the targets:", ""]
    for n in sorted({r.n for r in res}):
        cold, rebuild = by.get(("cold", n)), by.get(("rebuild", n))
        if cold and rebuild:
            ratio = rebuild.wall / cold.wall
            lines.append(f"- rebuild / cold at N = {n}: **{ratio:.3f}×** (target ≤ 0.01× at N = 300)")
        site, plain = by.get(("site-cold", n)), by.get(("plain", n))
        if site and plain:
            lines.append(f"- site part / plain MkDocs at N = {n}: **{site.wall / plain.wall:.2f}×** wall, "
                         f"{site.cpu / plain.cpu:.2f}× CPU (target ≤ 1.0×, issue 13)")
        serve = by.get(("serve-rebuild", n))
        if serve:
            lines.append(f"- `mkdocs serve` rebuild at N = {n}: **{serve.wall:.2f} s** (target: about 1 s at N = 300)")
    j1 = next((r for r in res if r.name == "pdf-jobs1"), None)
    j2 = next((r for r in res if r.name == "pdf-jobs2"), None)
    if j1 and j2:
        lines.append(f"- PDFs, sequential / parallel: **{j1.wall / j2.wall:.2f}×** (target ≥ 1.7× on 2 cores); "
                     f"peak RSS of any process {j2.rss:.0f} MiB (target ≤ 300 MiB per worker)")
    for r in res:
        if r.name == "cold" and r.n >= 300:
            lines.append(f"- cold build with PDFs per county at N = {r.n}: **{r.wall / r.n:.3f} s** "
                         "(target ≤ 0.6 s on 2 cores, issue 13)")
    rebuilds = [(r.n, r.wall) for r in res if r.name == "rebuild"]
    if len(rebuilds) > 1:
        lines.append("- rebuild with PDFs by N: " + ", ".join(f"{w:.2f} s at {n}" for n, w in rebuilds))
    return "\n".join(lines) + "\n"


def write_readme(section: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    body = f"{START}\n{section}{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    README.write_text(text, encoding="utf-8")


HEADER = """## Province-scale builds: cold, incremental, parallel (`run.py`, issue #7)

`benchmarks/generate.py --counties N --out DIR` writes a complete project (this repository's
rubrics, themes, mkdocs.yml and pages) with one published round of N synthetic counties (漯河
2022 rubric, every item scored in 13 department sheets, a ~2,500字 self-report with 3 typical
cases that passes `kaohe check`, feedback, contacts), deterministic for a given N.
`benchmarks/run.py` builds it as whole processes (`os.wait4`: wall, CPU of the process and the
workers it waited for, peak RSS of the largest single process) and writes this section; `--quick`
is a 1-minute smoke test. The processes run a snapshot of `builder/` taken at the start, so that
commits during the run do not invalidate the build cache between a cold build and a rebuild.

Anchors: a plain `mkdocs build` (theme `mkdocs`, built-in search) of as many plain Markdown pages
(each county's score table and report, the round's results table, rubric pages) — target ≤ 1.0×
for the site part (issue 13); the cold build — target ≤ 0.01× for a rebuild after one report
changed, at N = 300; ≤ 0.6 s per county for the cold build with PDFs; ≤ 300 MiB for the build
process at N = 1000; `kaohe pdf --jobs 1` — target ≥ 1.7× with 2 jobs. Not in the default run:
the cold build with PDFs at N = 1000 (`--big`, about 9 min) and the site at N = 3000 (`--huge`).
The figures below: `run.py --site-sizes 300,3000 --pdf-sizes 300,1000 --runs 1 --pdf-n 25`,
one run each.

"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke test: N = 3 and 6, one run, no README")
    ap.add_argument("--big", action="store_true", help="also the cold build with PDFs at N = 1000 (~17 min more)")
    ap.add_argument("--huge", action="store_true", help="also the site part at N = 3000")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3, quick 1)")
    ap.add_argument("--big-runs", type=int, default=1, help="runs of the cold build with PDFs at N > 100 (default 1)")
    sizes = lambda s: [] if s == "none" else [int(x) for x in s.split(",")]  # noqa: E731
    ap.add_argument("--site-sizes", type=sizes, default=None, help="N of the site-only figures (or none)")
    ap.add_argument("--pdf-sizes", type=sizes, default=None, help="N of the cold builds with PDFs (or none)")
    ap.add_argument("--pdf-n", type=int, default=None, help="N of the parallel/sequential PDF comparison (default 25: 51 PDFs)")
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated projects (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the generated projects")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    ap.add_argument("--from-json", type=Path, default=None, metavar="JSON",
                    help="measure nothing: write the table of an earlier run's --json file")
    ap.add_argument("--package", type=Path, default=None, metavar="DIR",
                    help="measure this builder/ folder instead of the working tree's (e.g. an older commit's)")
    ap.add_argument("--command", choices=("kaohe", "mkdocs"), default="kaohe",
                    help="build with `kaohe build` (default) or `mkdocs build` (the same pipeline, same bytes)")
    ap.add_argument("--readme", action=argparse.BooleanOptionalAction, default=None,
                    help="write the table into benchmarks/README.md (default: yes, except with --quick)")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs = args.runs or 1
        args.site_sizes = [3, 6] if args.site_sizes is None else args.site_sizes
        args.pdf_sizes = [3] if args.pdf_sizes is None else args.pdf_sizes
        args.pdf_n = args.pdf_n or 2
    args.runs = args.runs or 3
    args.big_runs = min(args.big_runs, args.runs)
    if args.site_sizes is None:
        args.site_sizes = [100, 300, 1000] + ([3000] if args.huge else [])
    if args.pdf_sizes is None:
        args.pdf_sizes = [100, 300] + ([1000] if args.big else [])
    args.pdf_n = 25 if args.pdf_n is None else args.pdf_n
    if args.command == "mkdocs":
        BUILD[:] = ["-m", "mkdocs", "build", "-q"]
    readme = (not args.quick) if args.readme is None else args.readme
    if args.from_json:
        section = HEADER + table(json.loads(args.from_json.read_text(encoding="utf-8")))
        print(section)
        if readme:
            write_readme(section)
        return 0
    tmp = None
    if args.work is None:
        tmp = tempfile.mkdtemp(prefix="kaohe-bench-")
        args.work = Path(tmp)
    try:
        data = bench(args)
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    data["date"] = time.strftime("%Y-%m-%d")
    section = HEADER + table(data)
    print(section)
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if readme:
        write_readme(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
