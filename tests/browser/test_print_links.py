"""Printed pages say where a link goes, in a form useful on paper (issue 12 item 5): after a
link to another document (a report, a PDF, open data, a page of prose, an outside address)
its full address — from ``site_url``, without ``index.html`` — or, without ``site_url``, its
path within the site (本站：…), never a path relative to the page; nothing after links within
the page, in tables or lists of results. No script: the build writes the addresses. Checked in
Chromium's print media, served and from disk, and in a printed PDF read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from site_support import build, make_project  # noqa: E402
from test_search_browser import example_site, served  # noqa: E402,F401
from test_site_browser import ARTIFACTS, _page, _serve, browser  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE_URL = "https://zlqs.example.gov.cn/kaohe/"

AFTER = """() => Array.from(document.querySelectorAll('main a[href]')).map(a => [
    a.getAttribute('href'), getComputedStyle(a, '::after').content, !!a.closest('table')])"""


@pytest.fixture(scope="module")
def with_site_url(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("print")
    root = make_project(tmp)
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    assert "site_url:" not in text.replace("# site_url:", "")
    yml.write_text(f"site_url: {SITE_URL}\n" + text, encoding="utf-8")
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return out


def _printed(page) -> dict[str, str]:
    page.emulate_media(media="print")
    out = {}
    for href, after, in_table in page.evaluate(AFTER):
        if after not in ("none", "normal"):
            assert not in_table and not href.startswith("#"), (href, after)
            out[href] = after.strip('"')
    return out


def test_without_site_url_the_path_within_the_site_is_printed(browser, served):
    ctx, page, _ = _page(browser, 1280)
    try:
        page.goto(served + "luohe-2022/wuyang/", wait_until="load")
        printed = _printed(page)
        assert printed["report/index.html"] == "（本站：luohe-2022/wuyang/report/）"
        assert not any(h.startswith("#") for h in printed)
        assert not any(".." in v for v in printed.values()), printed
        page.goto(served + "luohe-2022/", wait_until="load")
        printed = _printed(page)
        assert printed["data/results.csv"] == "（本站：luohe-2022/data/results.csv）"
        assert not any("wuyang" in h for h in printed)  # the ranking table's links
        page.emulate_media(media="screen")
        assert all(after in ("none", "normal") for _, after, _ in page.evaluate(AFTER))
        page.emulate_media(media="print")
        page.pdf(path=str(ARTIFACTS / "print-round.pdf"), format="A4")
    finally:
        ctx.close()
    text = subprocess.run(["pdftotext", "-layout", str(ARTIFACTS / "print-round.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "本站：luohe-2022/data/results.csv" in text.replace("\n", "").replace(" ", "")


def test_with_site_url_the_public_address_is_printed_served_and_from_disk(browser, with_site_url):
    ctx, page, _ = _page(browser, 1280)
    gen = _serve(with_site_url)
    try:
        for start in [(with_site_url / "tiny-2024" / "south" / "index.html").as_uri(), next(gen) + "tiny-2024/south/"]:
            page.goto(start, wait_until="load")
            printed = _printed(page)
            assert printed["report/index.html"] == f"（{SITE_URL}tiny-2024/south/report/）", printed
            assert all(v.startswith(f"（{SITE_URL}") for v in printed.values()), printed
        page.goto((with_site_url / "tiny-2024" / "index.html").as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / "print-round-site-url-1280.png"), full_page=True)
    finally:
        gen.close()
        ctx.close()
