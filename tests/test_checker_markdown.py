"""builder.markdown: the shared parser (front matter, line maps, comments) and safe HTML rendering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.markdown import blank_comments, is_safe_url, make_parser, parse, render_html, split_front_matter


def test_parser_options():
    md = make_parser()
    assert md is make_parser()
    assert md.options["html"] is False and md.options.get("linkify") is False
    assert "table" in md.get_active_rules()["block"]


def test_front_matter_split_keeps_line_numbers():
    fm, body = split_front_matter("---\nround: luohe-2022\ncounty: wuyang\n---\n# 标题\n")
    assert fm.text == "round: luohe-2022\ncounty: wuyang" and fm.start_line == 2 and fm.body_line == 5
    assert body.split("\n")[4] == "# 标题"
    fm, body = split_front_matter("# 没有 front matter\n")
    assert fm.text is None and body == "# 没有 front matter\n"
    fm, _ = split_front_matter("---\n没有结束\n")
    assert fm.text is None and not fm.closed
    fm, _ = split_front_matter("\ufeff---\na: 1\n...\nx")
    assert fm.text == "a: 1"


def test_parse_maps_are_file_lines():
    tokens = parse("---\na: 1\n---\n\n# 题\r\n\r\n段落\n")
    heads = [t for t in tokens if t.type == "heading_open"]
    paras = [t for t in tokens if t.type == "paragraph_open"]
    assert heads[0].map == [4, 5] and paras[0].map == [6, 7]


def test_comments_on_their_own_lines_are_dropped_not_in_code():
    text = "甲\n\n<!-- 备注 -->\n\n<!-- 多行\n备注 -->\n乙 <!-- 行内 -->\n\n```\n<!-- 代码 -->\n```\n"
    out = blank_comments(text)
    assert out.split("\n")[2] == "" and out.split("\n")[4] == "" and out.split("\n")[5] == ""
    assert "<!-- 行内 -->" in out and "<!-- 代码 -->" in out
    assert len(out.split("\n")) == len(text.split("\n"))
    html = render_html(parse(text))
    assert "备注" not in html and "&lt;!-- 代码 --&gt;" in html


@pytest.mark.parametrize("url,safe", [
    ("https://www.luohe.gov.cn/", True), ("http://a.cn/x?y=1", True), ("mailto:a@b.cn", True),
    ("rel/page.md", True), ("#anchor", True), ("/abs/path", True), ("//host/x", True), ("../up.md", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("vbscript:msgbox", False), ("data:text/html,<b>x</b>", False),
    ("data:image/png;base64,AAAA", False), ("file:///etc/passwd", False), ("ftp://x", False),
    ("javascript&colon;alert(1)", False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


def test_render_html_drops_unsafe_links_and_escapes_html():
    src = ("[甲](javascript:alert(1)) [乙](https://a.cn) [丙](data:text/html,x) [丁](a.md) [戊](mailto:a@b.cn) "
           "[己](vbscript:x) [庚](file:///x) ![图](data:image/png;base64,xx) <javascript:alert(1)>\n\n"
           "<script>alert(1)</script>\n\n<b onclick=\"x()\">粗</b>\n")
    html = render_html(parse(src))
    assert "<script" not in html and "<b " not in html and "&lt;script&gt;" in html
    for bad in ("javascript:", "vbscript:", "data:", "file:"):
        assert f'href="{bad}' not in html and f'src="{bad}' not in html
    assert '<a href="https://a.cn">乙</a>' in html and '<a href="a.md">丁</a>' in html
    assert '<a href="mailto:a@b.cn">戊</a>' in html


def test_render_html_is_safe_for_tokens_from_a_permissive_parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True
    tokens = md.parse("<div onclick=x>块</div>\n\n文 <img src=x onerror=alert(1)> [链](javascript:alert(1)) "
                      "![图](javascript:x)\n")
    html = render_html(tokens)
    assert "<div" not in html and "<img src=x" not in html and "javascript:" not in html.replace("&quot;", "")
    assert "链" in html and "块" in html


def test_render_tables_and_cjk():
    html = render_html(parse("| 指标 | 数值 |\n|---|---|\n| 合格率 | 98.6% |\n"))
    assert "<table>" in html and "<td>98.6%</td>" in html


@pytest.mark.slow  # 200 examples; the fast run keeps the two test_render_html_… tests above
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_render_never_raises_and_never_passes_tags(text):
    html = render_html(parse(text))
    assert "<script" not in html.lower()
