"""The shared parser is CJK-friendly: run-in bold next to full-width punctuation, soft breaks."""

from __future__ import annotations

import pytest

from builder.checker.document import parse_document
from builder.markdown import parse, render_html


@pytest.mark.parametrize("src,html", [
    ("**主要工作：**正文", "<p><strong>主要工作：</strong>正文</p>\n"),
    ("县政府**“质量强县”**建设", "<p>县政府<strong>“质量强县”</strong>建设</p>\n"),
    ("**一、基本情况：**2022年", "<p><strong>一、基本情况：</strong>2022年</p>\n"),
    ("**（一）总体概况。**各县区", "<p><strong>（一）总体概况。</strong>各县区</p>\n"),
    # CommonMark unchanged where no CJK character is next to the delimiter
    ("a **b** c", "<p>a <strong>b</strong> c</p>\n"),
    ("a**b", "<p>a**b</p>\n"),
    ("**foo\"**bar", "<p>**foo&quot;**bar</p>\n"),
])
def test_bold_next_to_full_width_punctuation(src, html):
    assert render_html(parse(src)) == html


@pytest.mark.parametrize("src,html", [
    ("第一行中文\n第二行中文", "<p>第一行中文第二行中文</p>\n"),
    ("质量强县建设。\n“十四五”规划", "<p>质量强县建设。“十四五”规划</p>\n"),
    ("**加粗**\n下一行", "<p><strong>加粗</strong>下一行</p>\n"),
    ("English\nline", "<p>English\nline</p>\n"),
    ("中文\nEnglish", "<p>中文\nEnglish</p>\n"),
])
def test_soft_break_between_chinese_lines_is_not_a_space(src, html):
    assert render_html(parse(src)) == html


def test_checker_sees_the_bold_lead_without_asterisks():
    doc = parse_document("# 标题\n\n**主要工作：**正文内容。\n\n县政府**“质量强县”**建设。\n")
    texts = [b.text for b in doc.blocks]
    assert texts == ["标题", "主要工作：正文内容。", "县政府“质量强县”建设。"]
    assert doc.blocks[1].lead == "主要工作："
