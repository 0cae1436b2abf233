"""What one search query downloads, at N counties (issue 12: ≤ 200 KB at N = 3,000).

    .venv/bin/python benchmarks/search_payload.py --counties 300 3000 [--work DIR] [--browser]

For each N: generate the synthetic project (``benchmarks/generate.py``), load and plan it with
the site core (:func:`builder.site.collect.collect`, :func:`builder.site.pages.plan` — the same
documents the build indexes), write the index (:func:`builder.site.search.index_files`) and
measure, for each query below, the bytes of the files the page script loads for the first page
of results (:func:`builder.site.search.query_payload`: the manifest, the key shards of the query,
the document blocks of the shown results), plus ``assets/search.js``. With ``--browser`` the
index is also opened in headless Chromium from disk and the bytes of the files the page really
requested are summed, as a check of the Python figure. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["质量", "知识产权", "县", "标准化 计量", "检验检测", "典型案例", "一票否决", "A级", "舞阳县", "2022"]


def measure(n: int, work: Path, browser: bool) -> dict:
    from benchmarks.generate import generate
    from builder.project import Project
    from builder.site.collect import collect
    from builder.site.pages import SiteOptions, plan
    from builder.site.search import index_files, query_payload

    proj = work / f"bench-{n}"
    if not proj.exists():
        generate(n, proj)
    t0 = time.perf_counter()
    site = collect(Project(proj))
    assert site.ok, [d.format() for d in site.diagnostics if d.is_error][:5]
    p = plan(site, SiteOptions(pdfs=False))
    t1 = time.perf_counter()
    files = index_files(p.search)
    t2 = time.perf_counter()
    js = len((ROOT / "themes" / "kaohe" / "assets" / "search.js").read_bytes())
    rows = []
    for q in QUERIES:
        got = query_payload(files, q)
        rows.append((q, got["bytes"] + js, len(got["files"]), got["candidates"]))
    out = {"n": n, "docs": len(p.search), "files": len(files),
           "total": sum(len(v.encode()) for v in files.values()), "rows": rows,
           "plan_s": t1 - t0, "index_s": t2 - t1}
    if browser:
        out["browser"] = _browser(files, js)
    return out


def _browser(files: dict, js: int) -> dict:
    """Bytes of the files Chromium loads from disk for each query (first page)."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="kaohe-search-"))
    try:
        for rel, text in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(text, encoding="utf-8")
        (tmp / "assets").mkdir()
        shutil.copy(ROOT / "themes" / "kaohe" / "assets" / "search.js", tmp / "assets" / "search.js")
        (tmp / "search" / "index.html").write_text(
            '<!doctype html><meta charset="utf-8"><form class="search-page-form"><input id="search-q"></form>'
            '<p id="search-status"></p><ol id="search-results" data-base="../"></ol>'
            '<script src="search-index.js"></script><script src="../assets/search.js"></script>', encoding="utf-8")
        got = {}
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
            for q in QUERIES:
                page = b.new_page()
                urls: list[str] = []
                page.on("request", lambda r: urls.append(r.url))
                page.goto((tmp / "search" / "index.html").as_uri() + "?q=" + quote(q))
                page.wait_for_function("document.getElementById('search-status').textContent.indexOf('找到') >= 0"
                                       " || document.getElementById('search-status').textContent.indexOf('没有') >= 0")
                size = 0
                for u in set(urls):
                    if u.startswith("file://") and u.endswith(".js"):
                        size += Path(u[len("file://"):].split("?")[0]).stat().st_size
                got[q] = size
                page.close()
            b.close()
        return got
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", type=int, nargs="+", default=[300, 3000])
    ap.add_argument("--work", type=Path, default=None, help="where the generated projects go (kept)")
    ap.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kaohe-bench-search-"))
    results = [measure(n, work, args.browser) for n in args.counties]
    print("| N | documents | index files | index total | query | first page download | files | candidates |"
          + (" Chromium |" if args.browser else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|" if args.browser else ""))
    for r in results:
        for q, size, nfiles, cand in r["rows"]:
            extra = f" {r['browser'][q] / 1024:.1f} KB |" if args.browser else ""
            print(f"| {r['n']} | {r['docs']} | {r['files']} | {r['total'] / 1e6:.1f} MB | {q} | {size / 1024:.1f} KB "
                  f"| {nfiles} | {cand} |{extra}")
    for r in results:
        sizes = [s for _, s, _, _ in r["rows"]]
        print(f"\nN = {r['n']}: per query median {statistics.median(sizes) / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB; "
              f"load and plan {r['plan_s']:.1f} s, writing the index {r['index_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
