"""Tables on a 360 px phone, measured in a real headless Chromium (issue 12 item 4): no table
cell narrower than two CJK characters; the ranking shows 县（区）, 总分 and 等次 without any
horizontal scrolling; screenshots of each page at 360 and 1280 px in test-artifacts/site/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_search_browser import example_site, served  # noqa: E402,F401
from test_site_browser import ARTIFACTS, _page, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "phone-rounds": "rounds/",
    "phone-rubrics": "rubrics/",
    "phone-ranking": "luohe-2022/",
    "phone-scores": "huizhou-2017/",
    "phone-rubric": "rubrics/luohe-2022/",
    "phone-rubric-changzhou": "rubrics/changzhou/",
    "phone-county-history": "luohe-2022/linying/",
    "phone-county-onsite": "huizhou-2017/boluo/",
}

# the narrowest rendered table cell that holds text, against the cell's font size
NARROW = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    const r = cell.getBoundingClientRect();
    if (!r.width || !r.height || !cell.textContent.trim() || cell.closest('.kh-chart-table-box')) continue;
    const head = cell.closest('thead');  /* a stacked table's header row is visually hidden (1 px) */
    if (head && head.getBoundingClientRect().width <= 2) continue;
    const fs = parseFloat(getComputedStyle(cell).fontSize);
    if (r.width < 2 * fs - 0.5) out.push({text: cell.textContent.trim().slice(0, 20), width: r.width, fs});
  }
  return out;
}"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_cell_narrower_than_two_characters(browser, served, name, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx, page, _ = _page(browser, width)
    try:
        page.goto(served + PAGES[name], wait_until="load")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate(NARROW) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        ctx.close()


def test_ranking_fits_a_phone_without_scrolling(browser, served):
    ctx, page, _ = _page(browser, 360)
    try:
        page.goto(served + "luohe-2022/", wait_until="load")
        rows = page.evaluate("""() => Array.from(document.querySelectorAll('table.results tbody tr')).map(tr => {
            const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.width]; };
            return {name: box(tr.querySelector('th[scope=row]')), total: box(tr.querySelector('td.total')),
                    grade: box(tr.querySelector('td.grade')), text: tr.querySelector('td.total').textContent};
        })""")
        assert len(rows) == 8
        for r in rows:
            for key in ("name", "total", "grade"):
                left, right, w = r[key]
                assert w > 0 and left >= 0 and right <= 360, (key, r)
        wrap = page.evaluate("""() => { const w = document.querySelector('table.results').closest('.table-wrap');
                                        return w.scrollWidth - w.clientWidth; }""")
        assert wrap <= 0
    finally:
        ctx.close()


def test_printed_links_show_where_they_go(browser, served):
    ctx, page, _ = _page(browser, 1280)
    try:
        page.goto(served + "luohe-2022/", wait_until="load")
        page.emulate_media(media="print")
        after = page.evaluate("""() => {
            const a = document.querySelector('main a[href="data/results.csv"]');
            return getComputedStyle(a, '::after').content;
        }""")
        assert "data/results.csv" in after
        page.emulate_media(media="screen")
        assert page.evaluate("""() => getComputedStyle(document.querySelector('main a[href="data/results.csv"]'),
                                                       '::after').content""") in ("none", "normal")
    finally:
        ctx.close()
