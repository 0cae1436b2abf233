"""The site opened from disk (issue 12 item 5), as the README tells the office: Chromium loads
``site/index.html`` through ``file://`` and a reader clicks through to a round, a county, its
report, a rubric and the search, then follows a search result and the footer's 关于本站. Every
click must land on a page of the site, never on a folder listing; the same clicks work when
the site is served over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_search_browser import example_site, served  # noqa: E402,F401
from site_support import build, make_project  # noqa: E402
from test_site_browser import ARTIFACTS, _page, _serve, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _landed(page, title_part: str) -> None:
    """The page is one of the site's (its frame and <h1>), not Chromium's folder listing."""
    page.wait_for_load_state("load")
    assert "Index of" not in page.title(), page.url
    assert page.locator("#parentDirLinkBox, #listingParsingErrorBox").count() == 0, page.url
    assert page.locator("header.site-header").count() == 1, page.url
    assert title_part in page.inner_text("main h1"), (page.url, page.inner_text("main h1"))


def _click(page, selector: str, text: str) -> None:
    page.locator(selector, has_text=text).first.click()


@pytest.mark.parametrize("how", ["file", "http"])
def test_click_through_the_site(browser, example_site, served, how):
    start = (example_site / "index.html").as_uri() if how == "file" else served
    ctx, page, requests = _page(browser, 1280)
    try:
        page.goto(start, wait_until="load")
        _landed(page, "")
        _click(page, ".site-nav a", "考核结果")
        _landed(page, "考核结果")
        _click(page, "main a", "漯河市2022年度政府质量工作考核")
        _landed(page, "漯河市2022年度政府质量工作考核")
        _click(page, "table.results th a", "舞阳县")
        _landed(page, "舞阳县")
        _click(page, "main a", "自评报告")
        _landed(page, "自评报告")
        # back up through the breadcrumbs to the round, then to its rubric
        _click(page, ".crumbs a", "漯河市2022年度政府质量工作考核")
        _landed(page, "漯河市2022年度政府质量工作考核")
        _click(page, ".site-nav a", "考核细则")
        _landed(page, "考核细则")
        _click(page, "main a", "漯河")
        _landed(page, "漯河")
        # search from the header box, then follow the first result
        page.fill("#site-q", "知识产权")
        page.press("#site-q", "Enter")
        _landed(page, "搜索")
        page.wait_for_selector("#search-results li a")
        page.locator("#search-results li a").first.click()
        page.wait_for_load_state("load")
        assert "Index of" not in page.title() and page.locator("main h1").count() == 1, page.url
        _click(page, ".site-footer a", "关于本站")
        _landed(page, "关于")
        _click(page, ".site-name a", page.inner_text(".site-name a"))
        _landed(page, "")
        if how == "file":
            assert all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file://")]
            page.screenshot(path=str(ARTIFACTS / "from-disk-home-1280.png"))
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The fixture project with ``site_url: https://zlqs.example.gov.cn/kaohe/``, built into
    ``www/kaohe/`` and served from ``www/`` — the site in a folder of a portal."""
    tmp = tmp_path_factory.mktemp("portal")
    root = make_project(tmp)
    yml = root / "mkdocs.yml"
    yml.write_text("site_url: https://zlqs.example.gov.cn/kaohe/\n" + yml.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp / "www" / "kaohe"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    gen = _serve(tmp / "www")
    yield out, next(gen) + "kaohe/"
    gen.close()


def test_the_404_page_links_work_at_any_depth(browser, portal):
    """Served in a folder of a portal, a missing address at any depth shows 404.html (as the
    README tells the office to configure the server); its stylesheet loads and its links lead
    to pages of the site, whatever host name the site is served under."""
    site, base = portal
    deep = base + "tiny-2024/south/no/such/page/"
    ctx, page, _ = _page(browser, 360)
    try:
        # the test server has no error_page setting: answer the deep address with 404.html
        page.route("**/no/such/page/", lambda route: route.fulfill(
            status=404, path=str(site / "404.html"), content_type="text/html; charset=utf-8"))
        page.goto(deep, wait_until="load")
        assert "没有找到" in page.inner_text("main")
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") != "rgba(0, 0, 0, 0)"
        page.screenshot(path=str(ARTIFACTS / "404-360.png"), full_page=True)
        for text, h1 in (("历年考核结果", "考核结果"), ("考核细则", "考核细则"), ("回到首页", "")):
            page.goto(deep, wait_until="load")
            page.locator("main a", has_text=text).first.click()
            _landed(page, h1)
            assert page.url.startswith(base), page.url
    finally:
        ctx.close()
