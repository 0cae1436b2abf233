"""Official text only: the transcribers' ``note:`` and ``grade_rule`` never reach the site
(pages and search index), and the public 说明 (``explanation``, ``grades_explanation``) does,
once per group; a rubric page carries the rubric's own date, not a round's."""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

import pytest

from builder.project import Project
from site_support import REPO, build, example_project

pytestmark = pytest.mark.slow


def _editorial_texts() -> list[str]:
    """Every editorial remark of every rubric: notes on any level and the grade rule."""
    p = Project(REPO)
    out = []
    for rid in p.rubric_ids():
        rb, _ = p.load_rubric(rid)
        out += [rb.note, rb.grade_rule, rb.bonus.note]
        out += [n.note for _, n in rb.nodes()]
        out += [d.note for d in rb.deductions] + [v.note for v in rb.vetoes]
        out += [s.note for s in rb.rating_scales.values()]
    return [t for t in out if t and len(t) >= 12]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", htmlmod.unescape(text))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("official")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return out


def _site_text(site: Path) -> str:
    parts = []
    for f in sorted(site.rglob("*")):
        if f.suffix in (".html", ".js", ".json", ".xml", ".csv"):
            parts.append(_flat(f.read_text(encoding="utf-8-sig", errors="replace")))
    return "\n".join(parts)


def test_no_editorial_remark_reaches_the_site(site):
    texts = _editorial_texts()
    assert len(texts) > 50  # the rubrics really have notes to leak
    everything = _site_text(site)
    leaked = [t for t in texts if _flat(t)[:40] in everything]
    assert leaked == []
    # the two remarks named in issue 12
    assert "本项目一律按" not in everything
    assert "B3的评价部门栏空白" not in everything and "整理说明" not in everything


def test_public_explanations_are_shown_labelled(site):
    page = (site / "rubrics" / "luohe-2022" / "index.html").read_text(encoding="utf-8")
    assert '<span class="explain-label">说明</span>考核等次按总分划分' in page
    assert "例如89.5分为B级" in page
    cz = (site / "rubrics" / "changzhou" / "index.html").read_text(encoding="utf-8")
    assert "例如89.5分为B级" in cz


def test_group_guidance_is_shown_once(site):
    page = (site / "rubrics" / "luohe-2022" / "index.html").read_text(encoding="utf-8")
    assert page.count("食源性疾病预防等第三方评价等9个监测指标") == 1
    assert "适用于本组以下各项" in page
    # the five-level scale of the on-site check: once per area, not under each of its 13 items
    onsite = (site / "rubrics" / "huizhou-2017-onsite" / "index.html").read_text(encoding="utf-8")
    assert onsite.count("<dt>评价等级</dt>") == 2


def test_rubric_page_shows_its_own_date(site):
    page = (site / "rubrics" / "luohe-2022" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="PubDate" content="2023-03-06">' in page
    assert "2023年3月6日" in page
    assert "2023-06-30" not in page  # the round's publication date
    hz = (site / "rubrics" / "huizhou-2017" / "index.html").read_text(encoding="utf-8")
    assert 'name="PubDate"' not in hz  # the source states no date: none is invented
