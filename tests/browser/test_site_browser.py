"""The built site in a real headless Chromium (Debian's /usr/bin/chromium via python playwright):
axe-core on every page type (WCAG 2.0/2.1 A and AA: no violation), Chinese search, no request
to any other host, no sideways scrolling on a 360 px phone, the print stylesheet, and a
screenshot of each page type at 360 px and 1280 px in test-artifacts/site/.

Needs: chromium (apt), axe-core (``npm install --prefix tests/browser axe-core@4``).
When either is missing the tests are skipped — except under CI=true, where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from site_support import REPO, build, example_project, make_project, require  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts" / "site"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

# One page of every type (and the variants that change the markup).
PAGES = {
    "home": "",
    "rounds": "rounds/",
    "round-ranks": "tiny-2024/",
    "round-grades": "tiny-grades/",
    "county-ranks": "tiny-2024/south/",
    "county-grades": "tiny-grades/west/",
    "county-draft": "tiny-draft/east/",
    "report": "tiny-2024/south/report/",
    "rubrics": "rubrics/",
    "rubric": "rubrics/luohe-2022/",
    "search": "search/?q=" + quote("知识产权"),
    "page": "about/",
}


_missing = require


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("python playwright not installed (pip install -e .[test])")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        _missing(f"axe-core not found at {AXE} (npm install --prefix tests/browser axe-core@4)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The fixture project built with drafts shown (to cover the 草稿 banner), served on loopback."""
    tmp = tmp_path_factory.mktemp("browser")
    root = make_project(tmp)
    out = tmp / "site"
    p = build(root, out, env={"KAOHE_DRAFTS": "1"})
    assert p.returncode == 0, p.stderr
    yield from _serve(out)


@pytest.fixture(scope="module")
def example_url(tmp_path_factory):
    """The repository's own example content, built and served the same way."""
    tmp = tmp_path_factory.mktemp("example")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    yield from _serve(out)


def _serve(out: Path):
    handler = functools.partial(_QuietHandler, directory=str(out))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _page(browser, width: int):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    return ctx, page, requests


def _axe(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return result["violations"]


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:5]:
            lines.append(f"    {n['target']}: {n.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_types_pass_axe_fit_the_screen_and_stay_local(browser, axe_source, base_url, artifacts, name, width):
    ctx, page, requests = _page(browser, width)
    try:
        page.goto(base_url + PAGES[name], wait_until="load")
        if name == "search":
            page.wait_for_selector("#search-results li")
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
        # Nothing is loaded from any other host.
        for u in requests:
            assert urlsplit(u).hostname == "127.0.0.1", u
        # No sideways scrolling of the whole page (wide tables scroll inside their own region).
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
        violations = _axe(page, axe_source)
        assert violations == [], f"{name} at {width}px:\n" + _describe(violations)
    finally:
        ctx.close()


# Pages of the example content whose data the fixture does not have: 8 counties with ties,
# a vetoed county, on-site ratings, real self-reports and feedback.
EXAMPLE_PAGES = {
    "example-home": "",
    "example-round": "luohe-2022/",
    "example-county": "luohe-2022/wuyang/",
    "example-report": "luohe-2022/wuyang/report/",
    "example-veto": "huizhou-2017/huiyang/",
    "example-onsite": "huizhou-2017/boluo/#onsite-h",
    "example-rubric": "rubrics/huizhou-2017/",
}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(EXAMPLE_PAGES))
def test_example_pages_pass_axe_and_fit_the_screen(browser, axe_source, example_url, artifacts, name, width):
    ctx, page, requests = _page(browser, width)
    try:
        page.goto(example_url + EXAMPLE_PAGES[name], wait_until="load")
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in requests), requests
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
        violations = _axe(page, axe_source)
        assert violations == [], f"{name} at {width}px:\n" + _describe(violations)
    finally:
        ctx.close()


def test_search_for_zhishichanquan_finds_rubric_items_and_reports(browser, base_url):
    ctx, page, _ = _page(browser, 1280)
    try:
        page.goto(base_url, wait_until="load")
        page.fill("#site-q", "知识产权")
        page.press("#site-q", "Enter")
        page.wait_for_selector("#search-results li")
        assert "/search/" in page.url
        links = page.eval_on_selector_all("#search-results li > a", "els => els.map(e => [e.getAttribute('href'), e.textContent])")
        hrefs = [h for h, _ in links]
        assert any(h.startswith("../rubrics/luohe-2022/index.html#n-") for h in hrefs), hrefs
        assert any("/report/index.html#s" in h for h in hrefs), hrefs
        assert "找到" in page.inner_text("#search-status")
        assert page.locator("#search-results mark").first.inner_text() == "知识产权"
        # A result link leads to the item on the rubric page.
        first_rubric = next(h for h in hrefs if h.startswith("../rubrics/luohe-2022/index.html#n-"))
        page.click(f'#search-results a[href="{first_rubric}"]')
        page.wait_for_load_state("load")
        anchor = first_rubric.split("#", 1)[1]
        assert "知识产权" in page.inner_text(f'[id="{anchor}"]')
        # Sample data is labelled in the results; a query with no hit says so.
        page.goto(base_url + "search/?q=" + quote("知识产权 东城区"), wait_until="load")
        page.wait_for_selector("#search-results li")
        assert "示例数据" in page.inner_text("#search-results")
        page.goto(base_url + "search/?q=" + quote("不存在的词语组合"), wait_until="load")
        page.wait_for_function("document.getElementById('search-status').textContent.indexOf('没有找到') >= 0")
        assert "没有找到" in page.inner_text("#search-status")
    finally:
        ctx.close()


def test_print_stylesheet_hides_navigation_and_keeps_the_results(browser, base_url, artifacts):
    ctx, page, _ = _page(browser, 1280)
    try:
        page.goto(base_url + PAGES["round-ranks"], wait_until="load")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.site-nav')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('.search-box')).display") == "none"
        assert page.is_visible("table.results") and page.is_visible(".banner-sample")
        page.screenshot(path=str(artifacts / "round-ranks-print.png"), full_page=True)
        page.pdf(path=str(artifacts / "round-ranks-print.pdf"), format="A4")
    finally:
        ctx.close()


def test_keyboard_skip_link_goes_to_the_content(browser, base_url):
    ctx, page, _ = _page(browser, 1280)
    try:
        page.goto(base_url + PAGES["county-ranks"], wait_until="load")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "跳到正文"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    finally:
        ctx.close()
