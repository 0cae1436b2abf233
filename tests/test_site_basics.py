"""Site basics (issue 12 item 5) in a real build: a 404 page, a sitemap of every public page
once ``site_url`` is set, the about page linked from every footer."""

from __future__ import annotations

import re

import pytest

from site_support import build, make_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("basics")
    root = make_project(tmp)
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "# site_url: https://zlqs.example.gov.cn/kaohe/", "site_url: https://zlqs.example.gov.cn/kaohe/"), encoding="utf-8")
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return out


def test_404_page_links_from_the_root(built):
    page = (built / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in page and '<base href="https://zlqs.example.gov.cn/kaohe/">' in page
    assert 'href="rounds/"' in page and 'href="search/"' in page


def test_sitemap_lists_every_public_page(built):
    xml = (built / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("index.html"))
    want = sorted("https://zlqs.example.gov.cn/kaohe/" + p[:-len("index.html")] for p in pages)
    assert sorted(locs) == want and len(locs) > 10
    assert not any("404" in u for u in locs)
    assert not any("tiny-draft" in u for u in locs)


def test_about_page_linked_from_every_footer(built):
    for p in built.rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        footer = text[text.index('<footer class="site-footer">'):]
        assert ">关于本站</a>" in footer, p
    assert (built / "about" / "index.html").is_file()
