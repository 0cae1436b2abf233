"""The page types that test_phone_tables.py does not measure, on the example content at 360 and
1280 px in Chromium (issue 12 item 4): the home page, a report, the search results, a
hand-written page, a vetoed county and the 404 page — no table cell narrower than two CJK
characters, no sideways scrolling, nothing wider than the screen; a screenshot of each in
test-artifacts/site/."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_phone_tables import NARROW  # noqa: E402
from test_search_browser import example_site, served  # noqa: E402,F401
from test_site_browser import ARTIFACTS, _page, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "phone-home": "",
    "phone-report": "luohe-2022/wuyang/report/",
    "phone-search": "search/?q=" + quote("知识产权"),
    "phone-about": "about/",
    "phone-veto": "huizhou-2017/huiyang/",
    "phone-404": "404.html",
}

# Anything in <main> whose right edge passes the screen (a table that scrolls inside its own
# region is allowed by test_site_browser.py, but on these pages there should be none).
WIDER = """() => Array.from(document.querySelectorAll('main *')).filter(e => {
    if (e.closest('.sr-only, .kh-chart-table-box[style]')) return false;  /* visually hidden (for screen readers) */
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > document.documentElement.clientWidth + 0.5;
  }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits(browser, served, name, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx, page, _ = _page(browser, width)
    try:
        page.goto(served + PAGES[name], wait_until="load")
        if name == "phone-search":
            page.wait_for_selector("#search-results li")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate(NARROW) == []
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert page.evaluate(WIDER) == []
    finally:
        ctx.close()


# Every table of these pages fits a 360 px phone as it is: none scrolls inside its region, and
# nothing in a cell (the score bars) reaches over the cell's edge.
FIT_PAGES = ["rounds/", "rubrics/", "luohe-2022/", "luohe-2022/wuyang/", "luohe-2022/linying/", "huizhou-2017/",
             "huizhou-2017/huiyang/", "huizhou-2017/boluo/", "rubrics/luohe-2022/", "rubrics/huizhou-2017/",
             "rubrics/changzhou/"]

SCROLLING = """() => {
  const bad = [];
  for (const t of document.querySelectorAll('main table')) {
    if (t.closest('.kh-chart-table-box[style]')) continue;
    const box = t.closest('.table-wrap') || t.parentElement;
    if (box.scrollWidth > box.clientWidth) bad.push(['scrolls', t.className, box.scrollWidth - box.clientWidth]);
    for (const cell of t.querySelectorAll('td, th')) {
      const c = cell.getBoundingClientRect();
      if (!c.width) continue;
      for (const e of cell.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.width && r.right > c.right + 0.5) { bad.push(['over its cell', t.className, e.className]); break; }
      }
    }
  }
  return bad.slice(0, 5);
}"""


def test_no_table_scrolls_on_a_phone(browser, served):
    ctx, page, _ = _page(browser, 360)
    try:
        for url in FIT_PAGES:
            page.goto(served + url, wait_until="load")
            assert page.evaluate(SCROLLING) == [], url
    finally:
        ctx.close()
