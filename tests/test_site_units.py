"""The site core without MkDocs: safe user Markdown, the search index, the shared macros,
and what a round's publication level lets through."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

from builder.project import Project
from builder.formats import format_decimal as fmt
from builder.site import pages as P
from builder.site import usermd
from builder.site.collect import collect
from builder.site.search import index_files, query_payload
from site_support import REPO, make_project


# ── user Markdown ──

def test_raw_html_is_escaped_and_unsafe_links_dropped():
    r = usermd.render(
        "# 标题\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) "
        "[z](vbscript:x) [d](data:text/html,hi) [m](mailto:a@b.cn) [f](../contacts/a.yaml) "
        "[ok](https://www.gov.cn/) [in](#s1) <img src=x onerror=alert(3)>\n\n"
        "![外部图片](https://evil.example.net/x.png)\n\n<div onclick=\"alert(4)\">块</div>\n",
        take_title=True)
    html = r.html
    assert r.title == "标题"
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<div" not in html and "&lt;div onclick" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://www.gov.cn/", "#s1"]  # no javascript:, vbscript:, data:, mailto:, files
    assert "［图片：外部图片］" in html and "evil.example.net" not in html
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)  # no event handler attribute on any tag


def test_headings_are_moved_under_the_page_title_and_get_ids():
    r = usermd.render("# 报告\n\n## 一、基本情况\n\n正文\n\n### （一）细项\n\n更多\n", take_title=True, top_level=2)
    assert re.findall(r"<h(\d) id=\"(s\d)\">", r.html) == [("2", "s1"), ("3", "s2")]
    assert [s.title for s in r.sections] == ["一、基本情况", "（一）细项"]
    f = usermd.render("## 问题不足\n\n内容\n", top_level=3, anchor_prefix="f")
    assert '<h3 id="f1">问题不足</h3>' in f.html


def test_front_matter_is_not_rendered():
    r = usermd.render("---\nround: x\ncounty: y\n---\n# 报告\n\n正文\n", take_title=True)
    assert r.title == "报告" and "county" not in r.html


def test_tables_scroll_in_a_focusable_region():
    r = usermd.render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<div class="table-wrap" role="region" tabindex="0"' in r.html


# ── search index ──

def test_search_index_is_deterministic_and_script_safe():
    docs = [P.SearchDoc("b/", "乙", "页面", "知识产权  保护\n\n</script><script>alert(1)"),
            P.SearchDoc("a/", "甲", "页面", "x", sample=True)]
    files = index_files(docs)
    assert files == index_files(list(reversed(docs)))
    assert files["search/search-index.js"].startswith("window.KAOHE_SEARCH=")
    everything = "".join(files.values())
    assert "</script>" not in everything
    block = files["search/d/0.js"]
    assert block.index('"a/"') < block.index('"b/"') and '"s"' in block and "知识产权 保护" in block


def test_search_keys_are_bigrams_and_single_characters_in_shards():
    docs = [P.SearchDoc(f"d{i}/", f"文档{i}", "页面", "加强知识产权保护" if i % 2 else "质量强市") for i in range(40)]
    files = index_files(docs)
    got = query_payload(files, "知识产权")
    assert got["candidates"] == 20
    assert "search/search-index.js" in got["files"] and any(f.startswith("search/k/") for f in got["files"])
    assert query_payload(files, "强")["candidates"] == 40  # one character: its own key
    assert query_payload(files, "ＤＯＣ")["candidates"] == 0
    assert query_payload(files, "知识 质量")["candidates"] == 0  # every term must match


# ── shared macros (also used by the print templates) ──

@pytest.fixture(scope="module")
def env():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "themes")), autoescape=True)


@pytest.mark.parametrize("value, shown", [(Decimal("28"), "28"), (Decimal("26.50"), "26.5"), (Decimal("0.3"), "0.3"),
                                          (Decimal("1E+1"), "10"), (87, "87"), (None, "—")])
def test_num_writes_exact_decimals(env, value, shown):
    t = env.from_string('{% import "macros/score.html" as sc %}{{ sc.num(x) }}')
    assert t.render(x=value) == shown


@pytest.mark.parametrize("autoescape", [True, False])
def test_macros_escape_their_own_text(autoescape):
    e = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "themes")), autoescape=autoescape)
    t = e.from_string('{% import "macros/charts.html" as c %}{{ c.grade_chart([("<b>", 2), ("B", 0)]) }}')
    out = t.render()
    assert "<b>" not in out and "&lt;b&gt;" in out


def test_charts_have_a_table_equivalent_and_no_script(env, tmp_path):
    site = collect(Project(make_project(tmp_path)))
    res = next(r for r in site.rounds if r.round.id == "tiny-2024")
    t = env.from_string('{% import "macros/charts.html" as c %}{{ c.area_chart(cr.areas) }}{{ c.grade_chart(res.by_grade(), table="visible") }}')
    out = t.render(cr=res.county("south"), res=res)
    assert out.count("<svg") == 2 and 'aria-hidden="true"' in out and "<script" not in out and "var(" not in out
    assert "<th scope=\"row\" style=\"text-align:left;font-weight:normal;padding:0.2em 0.6em 0.2em 0\">质量发展</th>" in out
    assert "45.5" in out and "C级" in out and "2个" in out
    assert "position:absolute" in out and "<div class=\"kh-chart-table-box\" style=\"position:absolute" in out
    bar = env.from_string('{% import "macros/score.html" as sc %}{{ sc.score_bar(s, m) }}').render(s=Decimal("45"), m=Decimal("60"))
    assert "width:75.0%" in bar and "45<" in bar


def test_bar_is_clamped(env):
    t = env.from_string('{% import "macros/score.html" as sc %}{{ sc.percent(a, b) }}')
    assert t.render(a=Decimal("5"), b=Decimal("4")) == "100.0"
    assert t.render(a=Decimal("1"), b=Decimal("0")) == "0"


# ── publication levels ──

@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("plan"))
    site = collect(Project(root))
    assert site.ok, [d.format() for d in site.diagnostics if d.is_error]
    return site, P.plan(site, P.SiteOptions(pdfs=True))


def test_only_published_rounds_are_loaded(planned):
    site, plan = planned
    assert sorted(r.round.id for r in site.rounds) == ["tiny-2024", "tiny-grades"]
    assert site.hidden == ("tiny-draft",)
    assert not any("tiny-draft" in p.url for p in plan.pages)


def test_grades_only_round_lists_counties_in_round_order_and_indexes_no_scores(planned):
    site, plan = planned
    res = next(r for r in site.rounds if r.round.id == "tiny-grades")
    ranked = [c.county.id for c in res.counties]
    public = [c.county.id for c in P.public_order(res)]
    assert public == [c.id for c in res.round.counties] and ranked != public
    totals = {fmt(c.total) for c in res.counties}
    for doc in plan.search:
        if doc.url.startswith("tiny-grades/"):
            assert not any(t in doc.text for t in totals), doc


def test_every_page_has_title_date_and_organ(planned):
    _, plan = planned
    for p in plan.pages:
        # a rubric page carries the rubric's own date, and none when its source states none
        undated = p.kind == "rubric" and p.data["rubric"].date is None
        assert p.meta.title and (p.meta.date or undated) and p.meta.organ, p.url


def test_nav_lists_home_rounds_and_rubrics_only(planned):
    _, plan = planned
    assert [u for _, u in plan.nav] == ["", "rounds/", "rubrics/", "search/"]


def test_site_core_does_not_import_mkdocs():
    import subprocess
    import sys

    code = ("import sys; import builder.site.collect, builder.site.pages, builder.site.search, builder.site.usermd, "
            "builder.site.build, builder.rounds, builder.rubric; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'weasyprint')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"
