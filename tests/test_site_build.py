"""Real ``mkdocs build`` runs of a small project (see site_support.make_project): what reaches
site/, what never does, and that the pages say what the results say."""

from __future__ import annotations

import gzip
import html as htmlmod
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from builder.project import Project
from builder.rounds import compute, load_round
from builder.formats import format_decimal as fmt
from site_support import CONTACTS, build, make_project, search_docs, search_text, site_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "site"
    p = build(project, out)
    assert p.returncode == 0, p.stderr
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def all_text(site: Path) -> dict[Path, str]:
    """Every file of the site as text (gzip unpacked), to search for what must not be there."""
    out = {}
    for p in site_files(site):
        data = p.read_bytes()
        if p.suffix == ".gz":
            data = gzip.decompress(data)
        out[p] = data.decode("utf-8", errors="replace")
    return out


def pages(site: Path) -> list[Path]:
    return [p for p in site_files(site) if p.suffix == ".html"]


# ── what is built ──

def test_layout(site):
    for rel in ["index.html", "rounds/index.html", "rubrics/index.html", "rubrics/tiny/index.html",
                "rubrics/luohe-2022/index.html", "search/index.html", "search/search-index.js",
                "tiny-2024/index.html", "tiny-2024/east/index.html", "tiny-2024/east/report/index.html",
                "tiny-grades/west/index.html", "about/index.html", "assets/kaohe.css", "assets/search.js"]:
        assert (site / rel).is_file(), rel


def test_draft_round_is_absent_everywhere(site):
    assert not (site / "tiny-draft").exists()
    for path, text in all_text(site).items():
        assert "tiny-draft" not in text, path


def test_drafts_switch_shows_the_draft_with_a_banner(project, tmp_path):
    out = tmp_path / "site"
    p = build(project, out, env={"KAOHE_DRAFTS": "1"})
    assert p.returncode == 0, p.stderr
    page = read(out, "tiny-draft/east/index.html")
    assert 'class="banner banner-draft"' in page and "草稿" in page and 'name="robots" content="noindex' in page
    assert "banner-draft" not in read(out, "tiny-2024/east/index.html")
    assert any(r[0].startswith("tiny-draft/") and "d" in r[3] for r in search_docs(out))


def test_contacts_never_reach_the_site(site):
    secrets = [s for person in CONTACTS.values() for s in person]
    texts = all_text(site)
    for path, text in texts.items():
        for s in secrets:
            assert s not in text, (s, path)
    assert not any("contacts" in p.relative_to(site).as_posix() for p in texts)


def test_script_and_javascript_links_in_a_report_are_harmless(site):
    page = read(site, "tiny-2024/south/report/index.html")
    main = page.split('<main', 1)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert "<script" not in main and "<img" not in main and "onerror=" not in re.sub(r"&lt;.*?&gt;", "", main)
    for href in re.findall(r'href="([^"]*)"', page):
        assert not href.lower().startswith(("javascript:", "vbscript:", "data:", "mailto:")), href
    assert "evil.example.net" not in page
    # The only scripts in the whole site are the search page's two local files.
    for p in pages(site):
        scripts = re.findall(r"<script\b[^>]*>", read(site, p.relative_to(site).as_posix()))
        if p.relative_to(site).as_posix() == "search/index.html":
            assert len(scripts) == 2 and all('src="' in s for s in scripts)
        elif p.relative_to(site).as_posix() == "check/index.html":  # the checker page: local scripts, JSON data
            assert all('src="' in s and "//" not in s or 'type="application/json"' in s for s in scripts), scripts
        else:
            assert scripts == [], p


def test_self_contained_no_request_to_another_host(site):
    refs = []
    for path, text in all_text(site).items():
        if path.suffix in (".html", ".css", ".js", ".svg"):
            refs += [(path, u) for u in re.findall(r'\b(?:src|href|action|poster|srcset)\s*=\s*"([^"]*)"', text)]
            refs += [(path, u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text)]
            refs += [(path, u) for u in re.findall(r"@import\s+['\"]([^'\"]+)", text)]
    assert refs
    for path, u in refs:
        parts = urlsplit(htmlmod.unescape(u))
        if parts.scheme in ("http", "https") and path.suffix == ".html":
            # Links people may click inside user text are allowed; nothing is loaded from them.
            assert re.search(r'<a [^>]*href="' + re.escape(u) + '"', path.read_text(encoding="utf-8")), (path, u)
            continue
        assert not parts.scheme and not parts.netloc and not u.startswith("//"), (path, u)
    # And no absolute path: the site works in any folder of a portal.
    for path, u in refs:
        assert not u.startswith("/"), (path, u)


def test_every_internal_link_resolves(site):
    for p in pages(site):
        text = p.read_text(encoding="utf-8")
        for u in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            u = htmlmod.unescape(u)
            parts = urlsplit(u)
            if parts.scheme or not parts.path:
                continue
            target = (p.parent / unquote(parts.path)).resolve()
            if target.is_dir() or u.endswith("/") or parts.path in ("..", "."):
                target = target / "index.html"
            assert target.is_file(), (p.relative_to(site), u)
            if parts.fragment and target.suffix == ".html":
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), (p.relative_to(site), u)


def test_every_content_page_has_title_date_organ_and_meta_tags(site):
    for p in pages(site):
        text = p.read_text(encoding="utf-8")
        title = re.search(r'<meta name="ArticleTitle" content="([^"]*)"', text)
        date = re.search(r'<meta name="PubDate" content="(\d{4}-\d\d-\d\d)"', text)
        organ = re.search(r'<meta name="ContentSource" content="([^"]+)"', text)
        if date is None and "/rubrics/" in p.as_posix() and "<dt>印发日期</dt>" not in text:
            continue  # a rubric whose source states no date: the page invents none
        assert title and date and organ, p
        assert f"<h1>{title.group(1)}</h1>" in text, p
        y, m, d = (int(x) for x in date.group(1).split("-"))
        assert f"{y}年{m}月{d}日" in text and f"<dd>{organ.group(1)}</dd>" in text, p


def test_every_page_has_exactly_one_h1(site):
    for p in pages(site):
        assert p.read_text(encoding="utf-8").count("<h1") == 1, p
    notice = read(site, "notice/index.html")
    assert "<h1>网站公告</h1>" in notice and "2025年4月1日" in notice and "<dd>测试市质量强市工作领导小组办公室</dd>" in notice


def test_sample_data_is_labelled_on_every_page_it_reaches(site):
    for p in pages(site):
        rel = p.relative_to(site).as_posix()
        reach = ("index.html", "rounds/index.html", "search/index.html", "404.html")  # (search finds any page)
        if rel.startswith(("tiny-2024/", "tiny-grades/")) or rel in reach:
            text = p.read_text(encoding="utf-8")
            assert "示例数据" in text.split("<main")[0] or 'tag-sample">示例数据' in text, rel


def test_nav_never_lists_county_pages(site):
    for p in pages(site):
        text = p.read_text(encoding="utf-8")
        nav = re.search(r'<nav class="site-nav".*?</nav>', text, re.S).group(0)
        assert len(re.findall(r"<li>", nav)) == 4
        assert "east" not in nav and "tiny-2024" not in nav


def test_county_page_shows_the_computed_total_grade_and_rank(site, project):
    res = compute(load_round(Project(project), "tiny-2024")[0])
    table = read(site, "tiny-2024/index.html")
    for cr in res.counties:
        page = read(site, f"tiny-2024/{cr.county.id}/index.html")
        assert f'<dd class="big">{fmt(cr.total)}<span class="unit">分</span></dd>' in page
        assert f">{cr.grade}级</span>" in page
        assert f"第{cr.rank}名" in page
        row = re.search(rf'<tr>\s*<td class="num rank" data-label="排名">{cr.rank}.*?{cr.county.name}.*?</tr>',
                        table, re.S).group(0)
        assert f'<td class="num total" data-label="总分">{fmt(cr.total)}</td>' in row
    # ranks: rank column and rank order
    names = re.findall(r'<th scope="row"><a href="[a-z]+/index.html">(.*?)</a></th>', table)
    assert names == [c.county.name for c in res.counties]
    assert '<th scope="col">排名</th>' in table


def test_grades_only_round_shows_no_scores_and_no_ranks(site, project):
    res = compute(load_round(Project(project), "tiny-grades")[0])
    assert res.round.publish == "grades"
    round_page = read(site, "tiny-grades/index.html")
    main = round_page.split("<main")[1]
    assert '<table class="results">' not in main and "排名" not in main and "总分" not in main
    # counties in the round's order, not rank order
    names = re.findall(r'<a href="(east|west|south)/index.html">', round_page)
    assert names[:3] == ["east", "west", "south"]
    for cr in res.counties:
        page = read(site, f"tiny-grades/{cr.county.id}/index.html").split("<main")[1]
        assert f">{cr.grade}级</span>" in page
        assert "总分" not in page and "得分明细" not in page and "<svg" not in page and "第" + str(cr.rank) + "名" not in page
        assert fmt(cr.total) not in page and fmt(cr.base) not in page


def test_rubric_page_has_the_tree_points_departments_and_bands(site):
    page = read(site, "rubrics/tiny/index.html")
    for s in ["产品质量", "40分", "市市场监管局", "按合格率测算。", "加分项", "扣分项", "不设上限", "一票否决",
              "90分及以上", 'id="n-1"', 'id="n-B1"', 'id="n-D2"', 'id="n-V1"']:
        assert s in page, s


def test_search_index_holds_rubric_items_and_reports_but_no_contacts(site):
    js = search_text(site)
    assert "rubrics/luohe-2022/#n-" in js and "知识产权" in js
    assert re.search(r'\["tiny-2024/east/report/#s\d+","[^"]*知识产权', js)


def test_build_is_byte_identical_whatever_the_clock(project, site, tmp_path):
    other = tmp_path / "again"
    p = build(project, other, env={"SOURCE_DATE_EPOCH": "86400"})
    assert p.returncode == 0, p.stderr
    a = {f.relative_to(site): f.read_bytes() for f in site_files(site)}
    b = {f.relative_to(other): f.read_bytes() for f in site_files(other)}
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


# ── failures ──

def test_validation_error_fails_with_located_diagnostics_and_leaves_site_alone(project, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(project, bad)
    sheet = bad / "content" / "tiny-2024" / "scores" / "shichang.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('"3": 35', '"3": 39.5'), encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("old site", encoding="utf-8")
    p = build(bad, out)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    assert re.search(r"content/tiny-2024/scores/shichang\.yaml:6:\d+: error\[score-range\]", p.stderr), p.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "old site" and not (out / "index.html").exists()


def test_docs_dir_must_not_hold_the_rounds(project, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(project, bad)
    cfg = bad / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("docs_dir: content/pages", "docs_dir: content"), encoding="utf-8")
    p = build(bad, tmp_path / "site")
    assert p.returncode != 0 and "docs_dir" in p.stderr and "Traceback" not in p.stderr


def test_page_clashing_with_a_generated_page_is_an_error(project, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(project, bad)
    (bad / "content" / "pages" / "tiny-2024").mkdir()
    (bad / "content" / "pages" / "tiny-2024" / "index.md").write_text("# x\n", encoding="utf-8")
    p = build(bad, tmp_path / "site")
    assert p.returncode != 0 and "重名" in p.stderr and "Traceback" not in p.stderr


def test_rebuilds_in_one_process_pick_up_changes(project, tmp_path):
    """mkdocs serve keeps the plugin between builds: each build must start from a clean state."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config

    root = tmp_path / "p"
    shutil.copytree(project, root)
    cwd = os.getcwd()
    os.environ["KAOHE_PDFS"] = "0"
    try:
        os.chdir(root)
        cfg = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "s"))
        cfg.plugins.on_startup(command="serve", dirty=False)
        mk_build(cfg)
        before = (tmp_path / "s" / "tiny-2024" / "east" / "index.html").read_text(encoding="utf-8")
        fb = root / "content" / "tiny-2024" / "feedback" / "east.md"
        fb.write_text(fb.read_text(encoding="utf-8") + "\n新增的一句反馈。\n", encoding="utf-8")
        rd = root / "content" / "tiny-grades" / "round.yaml"
        rd.write_text(rd.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
        mk_build(cfg)
        after = (tmp_path / "s" / "tiny-2024" / "east" / "index.html").read_text(encoding="utf-8")
        assert "新增的一句反馈" not in before and "新增的一句反馈" in after
        assert not (tmp_path / "s" / "tiny-grades").exists()
    finally:
        os.chdir(cwd)
        os.environ.pop("KAOHE_PDFS", None)


def test_pdfs_are_built_linked_and_kept_private_for_a_grades_only_round(project, tmp_path):
    out = tmp_path / "site"
    p = build(project, out, env={"KAOHE_PDFS": "1"})
    assert p.returncode == 0, p.stderr
    for cid in ("east", "west", "south"):
        assert (out / "tiny-2024" / cid / "feedback.pdf").is_file()
        assert (out / "tiny-2024" / cid / "report.pdf").is_file()
        assert 'href="feedback.pdf"' in read(out, f"tiny-2024/{cid}/index.html")
        # grades only: the feedback PDF (it states the scores) is neither there nor linked
        assert not (out / "tiny-grades" / cid / "feedback.pdf").exists()
        assert "feedback.pdf" not in read(out, f"tiny-grades/{cid}/index.html")
        assert (out / "tiny-grades" / cid / "report.pdf").is_file()
    assert not (out / "tiny-draft").exists()
    # no 通报 in these rounds: no notification.pdf and no link to one
    assert not (out / "tiny-2024" / "notification.pdf").exists()
    assert "notification.pdf" not in read(out, "tiny-2024/index.html")
    test_every_internal_link_resolves(out)


def test_a_pdf_that_cannot_be_rendered_fails_the_build_before_site_is_touched(project, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("old site", encoding="utf-8")
    p = build(project, out, env={"KAOHE_PDFS": "1", "KAOHE_PRINT_FONTS": str(tmp_path / "missing-fonts.yaml")})
    assert p.returncode != 0 and "PDF 没有生成" in p.stderr and "Traceback" not in p.stderr
    assert "missing-fonts.yaml" in p.stderr
    assert [f.name for f in out.iterdir()] == ["keep.txt"]
