"""One assessment, one result per county (issue 12): the 惠州 on-site check (附件2) is shown as
the 实地核查 part of the 惠州 2017 round — no round, grade, ranking or feedback letter of its
own — and the wording of a veto and of missing feedback says what it means, on the pages and
in the feedback PDF (a real WeasyPrint PDF, read back)."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from builder.project import Project
from builder.rounds import compute, load_round
from site_support import REPO, build, example_project, search_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("onsite")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return root, out


def test_no_round_of_its_own(example):
    _, site = example
    assert not (site / "huizhou-2017-onsite").exists()
    js = search_text(site)
    assert '"huizhou-2017-onsite/' not in js
    rounds = (site / "rounds" / "index.html").read_text(encoding="utf-8")
    assert 'href="../huizhou-2017-onsite/index.html"' not in rounds and "实地核查</a>" not in rounds


def test_county_page_shows_the_onsite_part_with_the_items_it_informed(example):
    _, site = example
    page = (site / "huizhou-2017" / "boluo" / "index.html").read_text(encoding="utf-8")
    part = page[page.index('id="onsite-h"'):page.index('id="adjust-h"')]
    assert "不单独计分、评定等次或排名" in part
    assert part.count("<tr>") == 1 + 13  # header + one row per on-site item
    assert "较好" in part and "现场核查发现问题较多" in part  # F2 差 with its remark
    assert 'href="../../rubrics/huizhou-2017/index.html#n-A2.1.1"' in part  # R1 informed 质量工作机制
    assert 'href="../../rubrics/huizhou-2017-onsite/index.html#n-R1"' in part
    assert not re.search(r"[A-D]级", part)  # no second grade
    # one feedback letter, the round's
    assert page.count("feedback.pdf") <= 1


def test_onsite_rubric_names_its_round_and_grades_nothing(example):
    _, site = example
    page = (site / "rubrics" / "huizhou-2017-onsite" / "index.html").read_text(encoding="utf-8")
    assert "本细则不设等次" in page
    assert 'href="../../huizhou-2017/index.html"' in page


def test_veto_wording_on_the_round_page(example):
    _, site = example
    page = (site / "huizhou-2017" / "index.html").read_text(encoding="utf-8")
    assert "注：惠阳区发生区域性、系统性质量安全事件，实行一票否决，考核等次为D级" in page
    assert "发生了发生" not in page and "一律为D级，考核等次" not in page
    county = (site / "huizhou-2017" / "huiyang" / "index.html").read_text(encoding="utf-8")
    assert "一律为D级。考核等次" not in county and "发生区域性、系统性质量安全事件" in county


def test_feedback_pdf_says_unpublished_where_the_page_does(tmp_path):
    from pypdf import PdfReader

    from builder.pdf.api import render_feedback

    root = tmp_path / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "huizhou-2017" / "feedback" / "boluo.md").unlink()
    project = Project(root)
    rnd, diags = load_round(project, "huizhou-2017")
    assert rnd is not None, diags
    res = compute(rnd)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_feedback(res, project, "boluo"))).pages)
    flat = re.sub(r"\s+", "", text)
    assert "问题不足未公开。" in flat and "改进建议未公开。" in flat
    assert "问题不足无。" not in flat
    # where the feedback exists, its text is there and never 未公开
    text2 = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_feedback(res, project, "huiyang"))).pages)
    assert "未公开" not in text2 and "一票否决" in text2
    assert "按照“" not in re.sub(r"\s+", "", text2)  # no rule title quoted back as a 规定
