"""The report checker: 字数 counting, parsing, the acceptance scenarios of issue #3, robustness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.checker import check_file, check_text
from builder.checker.document import parse_document
from builder.checker.wordcount import count
from builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
PROJECT = Project(ROOT)

# --- 字数 ----------------------------------------------------------------------------------

VECTORS = [
    ("质量强县", 4),
    ("质量，强县。", 6),
    ("Hello World", 2),
    ("ISO 9001认证", 4),
    ("ISO9001认证", 3),
    ("合格率达到98.6%。", 7),
    ("１２３ＡＢＣ", 6),
    ("（一）加强组织领导", 9),
    ("“质量月”活动", 7),
    ("质量\u3000强县", 4),
    ("按照 WHO 的要求，2025 年底前完成。", 14),
    ("第1章：SnowOffice 使用指南", 9),
    ("2023—2025年", 3),
    ("2023年，我县制修订地方标准12项，新增ISO 9001认证企业35家，产品质量监督抽查合格率达到98.6%，较上年提高1.2个百分点。", 52),
]


@pytest.mark.parametrize("text,expected", VECTORS, ids=[v[0][:12] for v in VECTORS])
def test_word_count_vectors(text, expected):
    assert count(text).chars == expected


def test_word_count_other_figures():
    c = count("ISO 9001认证，合格率98.6%")
    assert c.hanzi == 5  # 认证 合格率
    assert c.nonspace == len("ISO9001认证，合格率98.6%")
    assert count("2023–2025").chars == 2  # en dash separates and does not count
    assert count("2023–2025").nonspace == 9
    assert count("").chars == 0
    assert count("　 \t\n").chars == 0
    assert count("𠀀𪚥").chars == 2 and count("𠀀𪚥").hanzi == 2  # extension B ideographs
    assert count("《质量》").chars == 4  # CJK brackets count one each


@pytest.mark.slow  # 500 examples, ~2 s; the fast run keeps test_word_count_vectors
@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_fast_count_equals_reference(text):
    from builder.checker.wordcount import count_slow

    assert count(text) == count_slow(text)


def test_word_count_excludes_markdown_syntax_and_front_matter():
    doc = parse_document("---\nround: x\ncounty: y\n---\n# 标题\n\n**质量**强县 [链接](https://a.cn)\n\n| 甲 | 乙 |\n|---|---|\n| 98.6% | ISO |\n")
    text = "\n".join(b.text for b in doc.blocks)
    assert count(text).chars == 2 + 4 + 2 + 2 + 2  # 标题 质量强县 链接 甲乙 98.6%+ISO


# --- parsing ---------------------------------------------------------------------------------

def test_document_lines_are_file_lines():
    text = "---\nround: luohe-2022\n---\n\n# 题目\n\n一、第一节\n正文一行\n正文二行\n"
    doc = parse_document(text)
    assert [(b.text, b.line) for b in doc.blocks] == [("题目", 5), ("一、第一节", 7), ("正文一行", 8), ("正文二行", 9)]
    assert [h.form for h in doc.headings][:2] == ["markdown", "plain"]


def test_pseudo_headings_bold_and_run_in():
    doc = parse_document("**二、工作亮点**\n\n**（一）自我评价。**各县区人民政府\n\n**（二） 综合考核。** 各部门\n")
    forms = [(h.form, h.numbering.text if h.numbering else None) for h in doc.headings]
    assert forms == [("bold", "二、"), ("run-in", "(一)"), ("run-in", "(二)")]


# --- acceptance scenarios ----------------------------------------------------------------------

def test_two_missing_sections_two_errors_naming_them():
    r = check_file(FIXTURES / "section-missing-two.md", PROJECT)
    errors = [d for d in r.diagnostics if d.severity == "error"]
    assert [d.rule for d in errors] == ["section-missing", "section-missing"]
    assert "二、工作亮点" in errors[0].message and "三、工作存在的问题" in errors[1].message


def test_long_annex_is_not_counted_and_long_body_is():
    ok = check_file(FIXTURES / "length-limit-annex-ok.md", PROJECT)
    assert ok.diagnostics == []
    assert ok.stats["annex_chars"] >= 2500 and ok.stats["chars"] < 3000 and ok.stats["cases"] == 3
    over = check_file(FIXTURES / "length-limit-over.md", PROJECT)
    limits = [d for d in over.diagnostics if d.rule == "length-limit"]
    assert len(limits) == 1 and len(over.diagnostics) == 1
    assert over.stats["chars"] > 3000
    assert f"共 {over.stats['chars']} 字" in limits[0].message and "3000" in limits[0].message


def test_example_report_passes_with_stats():
    r = check_file(FIXTURES / "ok-luohe-wuyang.md", PROJECT)
    assert r.diagnostics == []
    assert 1800 <= r.stats["chars"] <= 3000
    assert r.stats["cases"] == 2 and r.stats["max_cases"] == 3 and r.stats["limit"] == 3000
    assert set(r.stats) >= {"chars", "hanzi", "nonspace"}


def test_all_problems_in_one_run():
    text = (FIXTURES / "ok-minimal.md").read_text(encoding="utf-8")
    text = text.replace("舞阳县人民政府2022年度", "××县人民政府2021年度")
    text = text.replace("## 二、工作亮点\n\n建成质量基础设施“一站式”服务站，全年服务企业1800余次。\n\n", "")
    text = text.replace("## 四、下一步工作措施", "## 四、下一步工作措施\n\n## 五、其他")
    text = text.replace("中小企业质量基础较为薄弱", "【待补充】中小企业质量基础较为薄弱")
    r = check_text(text, PROJECT, "x.md")
    rules = sorted({d.rule for d in r.diagnostics})
    assert rules == ["placeholder", "section-empty", "section-extra", "section-missing",
                     "title-mismatch", "year-mismatch"], [d.format() for d in r.diagnostics]


def test_options_override_front_matter():
    text = (FIXTURES / "ok-minimal.md").read_text(encoding="utf-8")
    r = check_text(text, PROJECT, "x.md", county_id="linying")
    assert [d.rule for d in r.diagnostics] == ["title-mismatch"]
    assert "临颍县人民政府2022年度" in r.diagnostics[0].message
    body = text.split("---\n", 2)[2]
    assert check_text(body, PROJECT, "x.md", "luohe-2022", "wuyang").diagnostics == []


def test_no_template_for_round(tmp_path):
    root = tmp_path
    (root / "rubrics").mkdir()
    (root / "content" / "r-2024").mkdir(parents=True)
    (root / "content" / "r-2024" / "round.yaml").write_text(
        "id: r-2024\nrubric: none\nyear: 2024\ntitle: t\norganiser: o\nstatus: draft\n"
        "counties:\n  - {id: a, name: 甲县, kind: 县}\n", encoding="utf-8")
    r = check_text("---\nround: r-2024\ncounty: a\n---\n# 题目【待定】\n", Project(root), "x.md")
    assert [d.rule for d in r.diagnostics] == ["template-missing", "placeholder"]


def test_huizhou_without_rubric_falls_back_to_numbers(tmp_path):
    import shutil

    (tmp_path / "rubrics").mkdir()
    shutil.copy(ROOT / "rubrics" / "huizhou-2017.template.yaml", tmp_path / "rubrics")
    (tmp_path / "content" / "huizhou-2017").mkdir(parents=True)
    shutil.copy(FIXTURES / "huizhou" / "round.yaml", tmp_path / "content" / "huizhou-2017")
    r = check_file(FIXTURES / "huizhou" / "item-not-evaluated.md", Project(tmp_path))
    msgs = [d.message for d in r.diagnostics if d.rule == "item-not-evaluated"]
    assert len(msgs) == 2 and "第 3 项" in msgs[0] and "“" not in msgs[0].split("没有")[0][5:]


# --- input robustness ---------------------------------------------------------------------------

def test_unreadable_binary_empty(tmp_path):
    assert [d.rule for d in check_file(tmp_path / "nope.md", PROJECT).diagnostics] == ["io-unreadable"]
    assert [d.rule for d in check_file(tmp_path, PROJECT).diagnostics] == ["io-unreadable"]
    (tmp_path / "b.md").write_bytes(bytes(range(256)) * 20)
    assert [d.rule for d in check_file(tmp_path / "b.md", PROJECT).diagnostics] == ["io-binary"]
    (tmp_path / "e.md").write_bytes(b"")
    assert [d.rule for d in check_file(tmp_path / "e.md", PROJECT).diagnostics] == ["io-empty"]
    (tmp_path / "s.md").write_bytes(b"\xef\xbb\xbf \r\n\r\n")
    assert [d.rule for d in check_file(tmp_path / "s.md", PROJECT).diagnostics] == ["io-empty"]


def test_gbk_is_read_with_a_warning_that_says_how_to_resave():
    r = check_file(FIXTURES / "io-gbk.md", PROJECT)
    assert [(d.rule, d.severity) for d in r.diagnostics] == [("io-gbk", "warning")]
    assert "UTF-8" in r.diagnostics[0].message and "另存为" in r.diagnostics[0].message
    assert r.ok and r.stats["chars"] > 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_raises(text):
    os.environ["KAOHE_DEBUG"] = "1"  # a rule that raises fails the test instead of a diagnostic
    try:
        r = check_text(text, PROJECT, "x.md", "luohe-2022", "wuyang")
        r2 = check_text("---\nround: luohe-2022\ncounty: wuyang\n---\n" + text, PROJECT, "y.md")
    finally:
        os.environ.pop("KAOHE_DEBUG", None)
    for res in (r, r2):
        assert all(d.line >= 1 and d.column >= 1 for d in res.diagnostics)
        assert isinstance(res.stats["chars"], int)


_MD_PIECES = st.sampled_from([
    "# ", "## ", "### ", "一、", "二、", "（一）", "（二）", "**", "附件：", "案例一：", "【", "】", "××", "\n", "\n\n",
    "---\n", "round: luohe-2022\n", "county: wuyang\n", "| a | b |\n|---|---|\n", "1. ", "- ", "> ", "```\n",
    "<!-- ", " -->", "2021年", "2022年", "工作亮点", "质量工作总体概况", "典型案例", "ISO 9001", "98.6%", "\r\n", "\t",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MD_PIECES, max_size=60).map("".join))
def test_report_like_text_never_raises(text):
    os.environ["KAOHE_DEBUG"] = "1"
    try:
        check_text(text, PROJECT, "x.md")
        check_text(text, PROJECT, "x.md", "luohe-2022", "kaifaqu")
    finally:
        os.environ.pop("KAOHE_DEBUG", None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("bytes") / "r.md"
    p.write_bytes(data)
    os.environ["KAOHE_DEBUG"] = "1"
    try:
        r = check_file(p, PROJECT, "luohe-2022", "wuyang")
    finally:
        os.environ.pop("KAOHE_DEBUG", None)
    assert all(d.severity in ("error", "warning") for d in r.diagnostics)


# --- the check cache -------------------------------------------------------------------------------

def _small_project(tmp_path) -> Project:
    import shutil

    root = tmp_path / "p"
    (root / "rubrics").mkdir(parents=True)
    shutil.copy(ROOT / "rubrics" / "luohe-2022.template.yaml", root / "rubrics")
    (root / "content" / "luohe-2022").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "luohe-2022" / "round.yaml", root / "content" / "luohe-2022")
    return Project(root)


def _fresh_cache_state():
    from builder.checker import cache

    cache._stores.clear()
    cache._memory.clear()


def _check_records(project) -> list:
    from builder.buildcache import BuildCache

    root = BuildCache.for_project(project).root
    return sorted(root.glob("check-*/*/*.json"))


def test_cache_is_written_used_and_invalidated(tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("KAOHE_CACHE_DIR", str(tmp_path / "cache"))
    project = _small_project(tmp_path)
    text = (FIXTURES / "ok-minimal.md").read_text(encoding="utf-8")
    _fresh_cache_state()
    assert check_text(text, project, "r.md").diagnostics == []
    kinds = {p.parent.parent.name for p in _check_records(project)}
    assert kinds == {"check-round", "check-template"}

    # a new process (fresh memory) uses the disk cache: same result
    _fresh_cache_state()
    assert check_text(text, project, "r.md").diagnostics == []

    # the template changes: the cache entry is stale and the new limit applies
    tpl = project.rubrics_dir / "luohe-2022.template.yaml"
    time.sleep(0.01)
    tpl.write_text(tpl.read_text(encoding="utf-8").replace("body_chars: 3000", "body_chars: 100"), encoding="utf-8")
    _fresh_cache_state()
    r = check_text(text, project, "r.md")
    assert [d.rule for d in r.diagnostics] == ["length-limit"] and r.stats["limit"] == 100

    # the round changes: a county renamed
    rnd = project.content_dir / "luohe-2022" / "round.yaml"
    rnd.write_text(rnd.read_text(encoding="utf-8").replace("name: 舞阳县", "name: 舞阳新县"), encoding="utf-8")
    _fresh_cache_state()
    assert "title-mismatch" in {d.rule for d in check_text(text, project, "r.md").diagnostics}


def test_corrupt_or_disabled_cache_is_ignored(tmp_path, monkeypatch):
    import json

    project = _small_project(tmp_path)
    text = (FIXTURES / "ok-minimal.md").read_text(encoding="utf-8")
    monkeypatch.setenv("KAOHE_CACHE_DIR", str(tmp_path / "cache"))
    _fresh_cache_state()
    assert check_text(text, project, "r.md").diagnostics == []
    records = _check_records(project)
    assert len(records) == 2
    records[0].write_text("{not json", encoding="utf-8")  # damaged
    wrapper = json.loads(records[1].read_text(encoding="utf-8"))
    wrapper["body"]["year"] = 1900  # altered: no longer matches its checksum
    records[1].write_text(json.dumps(wrapper), encoding="utf-8")
    _fresh_cache_state()
    assert check_text(text, project, "r.md").diagnostics == []
    monkeypatch.setenv("KAOHE_NO_CACHE", "1")
    for r in _check_records(project):
        r.unlink()
    _fresh_cache_state()
    assert check_text(text, project, "r.md").diagnostics == []
    assert _check_records(project) == []


def test_problems_in_round_or_template_are_reported_every_time(tmp_path):
    project = _small_project(tmp_path)
    tpl = project.rubrics_dir / "luohe-2022.template.yaml"
    tpl.write_text(tpl.read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    text = (FIXTURES / "ok-minimal.md").read_text(encoding="utf-8")
    for _ in range(2):
        _fresh_cache_state()
        r = check_text(text, project, "r.md")
        assert [d.rule for d in r.diagnostics] == ["schema-unknown-key"]
        assert r.diagnostics[0].path.endswith("luohe-2022.template.yaml")
