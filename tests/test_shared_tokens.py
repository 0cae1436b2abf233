"""One parse of a report for the checker and the site: builder.markdown.parse(..., shared=True).

The shared tokens are read by the checker (builder.checker.document) and rendered by the site
(builder.site.usermd) and by render_html; none of them may change a token, or the second
reader would see the first one's changes.
"""

from __future__ import annotations

import pytest

from builder import markdown
from builder.checker import check_text
from builder.checker.document import parse_document
from builder.markdown import parse, render_html
from builder.site import usermd


@pytest.fixture(autouse=True)
def sharing():
    was = markdown._sharing
    markdown.share_tokens()
    yield
    markdown.share_tokens(was)

# Everything the renderers adjust: a title taken out, headings moved and given ids, safe and
# unsafe links (a kept one gets rel), an image (alt text), a table, a list, code.
REPORT = (
    "---\nround: luohe-2022\ncounty: wuyang\n---\n"
    "# 舞阳县人民政府2022年度质量工作考核自评报告\n\n"
    "## 一、2022年质量工作情况\n\n"
    "正文[国务院](https://www.gov.cn/)和[本节](#s1)，[坏](javascript:alert(1))链接。\n"
    "![图](https://example.net/a.png)与![内图](a.png)\n\n"
    "### （一）**总体**概况\n\n| 甲 | 乙 |\n|---|---|\n| 1 | [链](https://a.cn) |\n\n"
    "- 一项\n- 二项\n\n```\n代码\n```\n"
)


def _snapshot(tokens: list) -> list:
    return [t.as_dict() for t in tokens]


def test_the_same_text_gives_the_same_tokens_only_when_shared():
    text = REPORT + "\n共享一次。\n"
    assert parse(text, shared=True) is parse(text.replace("\n", "\r\n"), shared=True)
    assert parse(text) is not parse(text) and parse(text) is not parse(text, shared=True)
    assert _snapshot(parse(text)) == _snapshot(parse(text, shared=True))
    markdown.share_tokens(False)  # e.g. kaohe check: nothing reads a report twice, nothing is kept
    other = text + "\n不保留。\n"
    assert parse(other, shared=True) is not parse(other, shared=True) and not markdown._shared


def test_the_site_turns_sharing_on():
    import subprocess
    import sys

    code = (
        "import builder.markdown as m; assert not m._sharing; import builder.checker; assert not m._sharing; "
        "import builder.site.pages; assert m._sharing"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_renderers_leave_the_shared_tokens_as_parsed():
    text = REPORT + "\n渲染不改变记号。\n"
    tokens = parse(text, shared=True)
    before = _snapshot(tokens)
    first = usermd.render(text, top_level=2, take_title=True)
    again = usermd.render(text, top_level=3, anchor_prefix="f")
    html = render_html(tokens)
    assert _snapshot(parse(text, shared=True)) == before
    # and the output is what fresh tokens give
    assert usermd.render(text, top_level=2, take_title=True) == first
    assert render_html(parse(text)) == html
    assert again.html.count('rel="noopener noreferrer"') == 2
    assert '<h2 id="s1">' in first.html and '<h3 id="f1">' in again.html and first.title
    assert 'alt="图"' in html  # the renderer wrote the alt text into a copy


def test_a_report_checked_first_renders_as_one_rendered_alone():
    text = REPORT + "\n先检查后渲染。\n"
    alone = usermd.render(text.replace("先检查", "独自"), top_level=2, take_title=True)
    check_text(text, None, "r.md")
    doc = parse_document(text)
    assert [b.text for b in doc.blocks if b.kind == "heading"][0].startswith("舞阳县")
    after = usermd.render(text, top_level=2, take_title=True)
    assert after.html == alone.html.replace("独自", "先检查")
    assert after.toc == alone.toc
