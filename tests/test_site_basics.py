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
    assert 'href="rounds/index.html"' in page and 'href="search/index.html"' in page


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


def test_every_link_opens_a_file_from_disk(built):
    """Opened from disk (file://), a link to a folder shows a file listing: every relative link
    (and every form action) points at a file that exists."""
    from urllib.parse import unquote, urlsplit

    checked = 0
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if page.name == "404.html":
            continue  # its links resolve from the <base> (the site's root)
        for u in re.findall(r'(?:href|src|action)="([^"]*)"', text):
            parts = urlsplit(u)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page.relative_to(built), u)
            checked += 1
    assert checked > 300
