"""PDF benchmarks (issue #6): per-document speed against plain WeasyPrint, the process
pool against sequential rendering, and peak memory per worker. Measured side by side in
one run; figures are wall-clock medians.

    .venv/bin/python benchmarks/pdf_bench.py            # all three
    .venv/bin/python benchmarks/pdf_bench.py --repeat 9 --json

1. *Two-page document*: the same HTML rendered (a) by a plain
   ``weasyprint.HTML(string=…).write_pdf()`` with the system font families (what one
   would write without this adapter) and (b) by :class:`builder.pdf.render.Renderer`
   (restricted fetcher, coverage check, per-document font subsets). "warm" = the same
   document again in the same process (subset cache hit), "cold" = subset cache cleared
   before each run (a document never seen before). Target: warm ≤ 0.5 × plain.
2. *A whole round* (the example round ``luohe-2022`` of content/): ``jobs=1`` (in this
   process) against ``jobs=2`` (two spawned workers, start-up included). Target: ≥ 1.7×
   on 2 cores.
3. *Memory*: peak RSS of each worker (``ru_maxrss``) in 2., and of one process
   rendering ``--memory-docs`` documents in a row with ``gc.collect()`` after each (as
   the workers do) and with the cyclic collector off. Target: ≤ 300 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def two_page_document(project, folder: Path):
    """A 2-page self-report: the synthetic round's report (tests/fixtures/pdf/synthetic.py)
    without its annex, plus one more section."""
    from builder.pdf import documents
    from builder.pdf.render import Renderer
    from fixtures.pdf.synthetic import LONG, make_results

    results = make_results(folder / "luohe-2022", counties=2)
    path = results.round.reports["linying"]
    body = path.read_text(encoding="utf-8").split("## 附件")[0]
    path.write_text(body + "## 四、其他情况\n\n" + LONG[:300] + "\n", encoding="utf-8")
    spec = documents.report_spec(results, results.county("linying"), project)
    renderer = Renderer(project)
    return renderer, renderer.prepare(spec)


def plain_html(renderer, job) -> str:
    """The same document for plain WeasyPrint: the print CSS inline, the same fonts, no
    subsets. A role in a single-face font file (the Fandol .otf, which fontconfig does not
    know) gets an @font-face rule with the whole file; a role in a collection (.ttc, where
    @font-face cannot pick the face) is named by its family, which fontconfig finds."""
    from builder.pdf.fonts import ROLES, css_family
    from builder.pdf.render import FONT_MARKER

    css = renderer.css_text
    faces = []
    for role in ROLES:
        font = renderer.fonts[role]
        if font.file.suffix.lower() in (".otf", ".ttf") and font.index == 0:
            faces.append(f'@font-face {{ font-family: "{css_family(role)}"; src: url("{font.file.as_uri()}"); }}')
            continue
        css = css.replace(css_family(role), f'"{font.family}"')
    return job.html.replace(FONT_MARKER, "\n".join(faces) + "\n" + css, 1)


def bench_document(repeat: int) -> dict:
    from weasyprint import HTML

    from builder.pdf import fonts
    from builder.project import Project

    project = Project(REPO)
    with tempfile.TemporaryDirectory() as tmp:
        renderer, job = two_page_document(project, Path(tmp))
        plain = plain_html(renderer, job)
        base = Path(job.base_dir).as_uri() + "/"

        def run_plain():
            return HTML(string=plain, base_url=base).write_pdf()

        def run_warm():
            return renderer.write(job).pdf

        def run_cold():
            fonts._SUBSETS.clear()
            return renderer.write(job).pdf

        sizes = {"plain": len(run_plain()), "kaohe": len(run_warm())}  # warm-up, and sizes
        run_plain(), run_warm()
        times = {"plain": [], "warm": [], "cold": []}
        cpu = {"plain": [], "warm": [], "cold": []}
        for _ in range(repeat):  # interleaved: the same load for all three
            for name, fn in (("plain", run_plain), ("warm", run_warm), ("cold", run_cold)):
                t, c = time.perf_counter(), time.process_time()
                fn()
                times[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
        import pypdf, io

        pages = len(pypdf.PdfReader(io.BytesIO(run_warm())).pages)
    med = {k: statistics.median(v) for k, v in times.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "pages": pages,
        "cpu_s": {k: round(v, 3) for k, v in med_cpu.items()},
        "ratio_warm_cpu": round(med_cpu["warm"] / med_cpu["plain"], 2),
        "plain_s": round(med["plain"], 3),
        "kaohe_warm_s": round(med["warm"], 3),
        "kaohe_cold_s": round(med["cold"], 3),
        "ratio_warm": round(med["warm"] / med["plain"], 2),
        "ratio_cold": round(med["cold"] / med["plain"], 2),
        "plain_bytes": sizes["plain"],
        "kaohe_bytes": sizes["kaohe"],
        "subset_backend": type(fonts.backend()).__name__,
    }


def bench_round(round_id: str, jobs: int) -> dict:
    from builder.pdf import render_round_pdfs
    from builder.pdf.parallel import Stats
    from builder.project import Project
    from builder.rounds import compute, load_round

    project = Project(REPO)
    rnd, diags = load_round(project, round_id)
    if rnd is None:
        raise SystemExit("\n".join(d.format() for d in diags))
    results = compute(rnd)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        # jobs=1 first: this process then also has WeasyPrint imported, as in a site build
        for n in (1, jobs):
            t, c = time.perf_counter(), time.process_time()
            paths = render_round_pdfs(results, project, Path(tmp) / f"j{n}", jobs=n, progress=False)
            out[f"jobs{n}_s"] = round(time.perf_counter() - t, 2)
            out[f"jobs{n}_this_process_cpu_s"] = round(time.process_time() - c, 2)
            out[f"jobs{n}_peak_mib"] = sorted(v // 1024 for v in Stats.peak_kib.values())
            out[f"jobs{n}_documents_per_process"] = sorted(Stats.documents.values(), reverse=True)
            out[f"jobs{n}_render_cpu_s"] = round(sum(Stats.cpu_s.values()), 2)
        out["documents"] = len(paths)
        same = all((Path(tmp) / "j1" / p.relative_to(Path(tmp) / f"j{jobs}")).read_bytes() == p.read_bytes()
                   for p in paths)
    out["speedup"] = round(out["jobs1_s"] / out[f"jobs{jobs}_s"], 2)
    out["identical_bytes"] = same
    out["cpus"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return out


def _memory_child(n_docs: int, collect: bool) -> tuple[int, int]:
    """In a fresh process: render the example round's documents over and over, n_docs in
    all, with or without gc.collect() between them; (peak RSS MiB, documents)."""
    import gc

    from builder.pdf import documents
    from builder.pdf.render import Renderer
    from builder.project import Project
    from builder.rounds import compute, load_round

    project = Project(REPO)
    rnd, _ = load_round(project, "luohe-2022")
    results = compute(rnd)
    renderer = Renderer(project)
    jobs = [renderer.prepare(s) for s in documents.round_specs(results, project)]
    if not collect:
        gc.disable()
    for i in range(n_docs):
        renderer.write(jobs[i % len(jobs)])
        if collect:
            gc.collect()
    from builder.pdf.parallel import _peak_kib

    return _peak_kib() // 1024, n_docs


def bench_memory(n_docs: int) -> dict:
    """Peak RSS of one process rendering n_docs documents: with gc.collect() after each
    (what the workers do) and with the cyclic collector off (the worst case)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    out = {}
    ctx = multiprocessing.get_context("spawn")
    for collect in (True, False):
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            peak, n = pool.submit(_memory_child, n_docs, collect).result()
        out["with_gc_mib" if collect else "gc_disabled_mib"] = peak
    out["documents"] = n_docs
    return out


def _burn(n: int) -> float:
    x = 0
    for i in range(n):
        x += i * i
    return x


def probe_cores(n: int = 6_000_000) -> float:
    """Wall time of the same CPU-bound loop in two processes at once over one alone: ≈ 1.0
    when two cores are free, ≈ 2.0 when the machine is busy with other work (then the
    parallel figures mean little)."""
    import multiprocessing

    t = time.perf_counter()
    _burn(n)
    one = time.perf_counter() - t
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1, 1])  # start-up, not measured
        t = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - t
    return round(two / one, 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--round", default="luohe-2022")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", choices=["document", "round", "memory"], default=None)
    ap.add_argument("--memory-docs", type=int, default=40)
    ap.add_argument("--ragged", action="store_true",
                    help="without inter-character justification (to measure what it costs)")
    args = ap.parse_args()
    if args.ragged:
        from builder.pdf import justify

        justify._installed = True  # install() becomes a no-op: WeasyPrint's own (space-only) justify
    report = {}
    if args.only in (None, "document"):
        report["document"] = bench_document(args.repeat)
    if args.only in (None, "round"):
        before = probe_cores()
        report["round"] = bench_round(args.round, args.jobs)
        report["round"]["cores_probe_before_after"] = [before, probe_cores()]
    if args.only in (None, "memory"):
        report["memory"] = bench_memory(args.memory_docs)
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    from builder.pdf.parallel import _peak_kib

    report["this_process_peak_mib"] = _peak_kib() // 1024
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    if "document" in report:
        d = report["document"]
        print(f"2-page document ({d['pages']} pages), median of {args.repeat}:")
        print(f"  plain weasyprint.HTML().write_pdf()   {d['plain_s']:.3f} s   {d['plain_bytes'] // 1024} KiB")
        print(f"  kaohe, warm (subsets cached)          {d['kaohe_warm_s']:.3f} s   {d['kaohe_bytes'] // 1024} KiB"
              f"   ratio {d['ratio_warm']}  (target ≤ 0.5)")
        print(f"  kaohe, cold (subsets made)            {d['kaohe_cold_s']:.3f} s"
              f"             ratio {d['ratio_cold']}  [{d['subset_backend']}]")
        print(f"  CPU s (median): {d['cpu_s']}   warm/plain CPU ratio {d['ratio_warm_cpu']}")
    if "round" in report:
        r = report["round"]
        print(f"round {args.round}: {r['documents']} PDFs on {r['cpus']} CPUs")
        print(f"  jobs=1            {r['jobs1_s']:.2f} s   peak {r['jobs1_peak_mib']} MiB")
        print(f"  jobs={args.jobs}            {r[f'jobs{args.jobs}_s']:.2f} s   peak per process "
              f"{r[f'jobs{args.jobs}_peak_mib']} MiB, documents per process "
              f"{r[f'jobs{args.jobs}_documents_per_process']} (this process and {args.jobs - 1} worker)")
        print(f"  CPU in rendering: jobs=1 {r['jobs1_render_cpu_s']} s, jobs={args.jobs} {r[f'jobs{args.jobs}_render_cpu_s']} s")
        print(f"  speedup {r['speedup']}×  (target ≥ 1.7)   identical bytes: {r['identical_bytes']}")
        probe = r["cores_probe_before_after"]
        busy = "" if max(probe) < 1.2 else "  — the machine was busy with other work: parallel figures unreliable"
        print(f"  two-core probe before/after {probe} (1.0 = two free cores){busy}")
    if "memory" in report:
        m = report["memory"]
        print(f"one process, {m['documents']} documents: peak {m['with_gc_mib']} MiB with gc.collect() after each, "
              f"{m['gc_disabled_mib']} MiB with the cyclic collector off  (target ≤ 300)")
    print(f"load average {report['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
