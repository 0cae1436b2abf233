"""Search in a real headless Chromium over the example content, served and from disk (file://).

``search_baseline.json`` holds what the search found on the example content *before* the
index was split (issue 12): for each query, the number of results and the result links shown
(the first 50). Recall must stay at least as good: every link found then is found now, and
no query finds fewer results. Results are paged (no cap), and excerpts come from the
rendered text, contain the query and highlight it with <mark> (built with text nodes).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from site_support import REPO, build  # noqa: E402
from test_site_browser import _page, _serve, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BASELINE = json.loads((Path(__file__).with_name("search_baseline.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    root = tmp / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def served(example_site):
    yield from _serve(example_site)


def _status_count(page) -> int:
    m = re.search(r"找到 (\d+) 条", page.inner_text("#search-status"))
    return int(m.group(1)) if m else 0


def all_results(page, start_url: str, q: str) -> tuple[int, list[dict]]:
    """Run query ``q`` and collect every result over all pages: [{href, title, excerpt, marks}]."""
    page.goto(start_url + "?q=" + quote(q), wait_until="load")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    count = _status_count(page)
    results: list[dict] = []
    for _ in range(1000):
        page.wait_for_function("!document.getElementById('search-results').hasAttribute('aria-busy')")
        results += page.eval_on_selector_all("#search-results > li", """els => els.map(li => ({
            href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
            excerpt: (li.querySelector('p') || {textContent: ''}).textContent,
            marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent)}))""")
        nxt = page.query_selector("button[data-page='next']:not([disabled])")
        if nxt is None:
            break
        nxt.click()
    return count, results


@pytest.mark.parametrize("q", sorted(BASELINE))
def test_recall_at_least_as_good_as_before(browser, served, q):
    ctx, page, _ = _page(browser, 1280)
    try:
        count, results = all_results(page, served + "search/", q)
        want = BASELINE[q]
        assert count >= want["count"], (q, count, want["count"])
        hrefs = {r["href"] for r in results}
        assert set(want["urls"]) <= hrefs, sorted(set(want["urls"]) - hrefs)
    finally:
        ctx.close()
