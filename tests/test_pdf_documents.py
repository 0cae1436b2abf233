"""What the documents say (no PDF rendering): dates, titles, the generated 通报 text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from builder.formats import format_cn_date, format_cn_number, format_decimal
from builder.pdf import documents as D
from builder.pdf import titles
from builder.pdf.parallel import show_progress
from builder.project import Project
from fixtures.pdf.synthetic import REPO, make_results


def test_dates_and_numbers():
    assert format_cn_date(dt.date(2023, 3, 6)) == "2023年3月6日"
    assert format_cn_date(dt.date(2023, 10, 28)) == "2023年10月28日"
    assert [format_cn_number(n) for n in (1, 9, 10, 11, 16, 20, 23)] == ["一", "九", "十", "十一", "十六", "二十", "二十三"]
    assert [format_decimal(d) for d in (Decimal("28.00"), Decimal("26.50"), Decimal("0.3"), 5, None)] == [
        "28", "26.5", "0.3", "5", "—"]
    with pytest.raises(ValueError):
        format_cn_number(100)
    assert D.grade_text("A") == "A级" and D.grade_text("优秀") == "优秀" and D.grade_text(None) == "—"


def test_title_lines_are_balanced_and_keep_words():
    assert D.title_lines("关于2022年度县区政府质量工作考核结果的通报") == ["关于2022年度县区政府", "质量工作考核结果的通报"]
    assert D.title_lines("漯河市2022年度政府质量工作考核结果") == ["漯河市2022年度政府质量工作考核结果"]
    for title in ("关于市城乡一体化示范区2022年度质量工作考核结果的反馈", "经济技术开发区管委会2022年度质量工作考核自评报告"):
        lines = D.title_lines(title)
        assert "".join(lines) == title and len(lines) == 2
        assert all(D._width(l) <= 18 for l in lines)
        assert not any(l[0] in "年度的" for l in lines[1:])  # 2022|年度 and 考核|的 are never split


@pytest.mark.parametrize("n", [100, 300])
def test_long_titles_break_in_bounded_time(n):
    import time

    base = "关于某某县人民政府质量强县工作领导小组办公室开展质量提升行动和标准化建设的通报"
    text = (base * (n // len(base) + 1))[:n]
    started = time.perf_counter()
    lines = titles.title_lines(text)
    assert time.perf_counter() - started < 2.0
    assert "".join(lines) == text
    assert all(titles.width(l) <= 18 for l in lines)
    # a title with no word boundaries at all (Latin letters): cut by width, still bounded
    started = time.perf_counter()
    lines = titles.title_lines("Q" * n)
    assert time.perf_counter() - started < 1.0 and "".join(lines) == "Q" * n


def test_known_titles_break_where_a_reader_expects():
    assert titles.title_lines("关于舞阳县2022年度质量工作考核结果的反馈") == ["关于舞阳县2022年度", "质量工作考核结果的反馈"]
    assert titles.title_lines("关于2017年度县（区）人民政府质量工作考核结果的通报") == [
        "关于2017年度县（区）人民政府", "质量工作考核结果的通报"]
    assert titles.title_lines("关于市城乡一体化示范区2022年度质量工作考核结果的反馈") == [
        "关于市城乡一体化示范区2022年度", "质量工作考核结果的反馈"]


def test_sentences_end_in_one_stop():
    assert D.sentence("依据：市场监管局通报。") == "依据：市场监管局通报。"
    assert D.sentence("依据：市场监管局通报") == "依据：市场监管局通报。"
    assert D.sentence("依据：“已整改。”") == "依据：“已整改。”"
    assert D.sentence("情况：见附件；") == "情况：见附件。"


def test_organ_name_fits_one_line():
    assert D.header("漯河市人民政府", "")["organ_size"] == 36.0
    long = D.header("漯河市质量强市战略工作领导小组办公室", "")
    assert long["organ_size"] * 18 <= 156 * D.MM
    assert long["organ_top"] == pytest.approx(35 * D.MM, abs=0.01)


@pytest.mark.parametrize("publish", ["grades", "scores", "ranks"])
def test_notification_publishes_what_the_round_publishes(publish, tmp_path):
    results = make_results(tmp_path / "luohe-2022", publish=publish)
    spec = D.notification_spec(results, Project(REPO))
    body = "".join(b["lead"] + b["text"] for b in spec.context["body"])
    table = spec.context["annex"]
    heads = [c["title"] for c in table["columns"]]
    if publish == "grades":
        assert "97.9" not in body and "第1名" not in body
        assert heads == ["序号", "被考核单位", "考核等次"]
        # grouped by grade, in the round's order within a grade
        assert [r[2] for r in table["rows"]] == sorted(r[2] for r in table["rows"])
    elif publish == "scores":
        assert "舞阳县（97.9分）" in body and "名）" not in body
        assert heads == ["序号", "被考核单位", "基本分", "加分", "扣分", "总分", "考核等次"]
        assert [r[1] for r in table["rows"]][:3] == ["舞阳县", "临颍县", "源汇区"]  # the round's order
    else:
        assert "舞阳县（97.9分，第1名）" in body
        assert heads[0] == "排名" and [r[0] for r in table["rows"]] == [str(c.rank) for c in results.counties]
    assert "西城区因发生区域性食品质量安全事件" in body
    assert table["notes"] and "一票否决" in table["notes"][0]


def test_requirements_from_the_round_are_markdown(tmp_path):
    results = make_results(tmp_path / "luohe-2022", notification={"requirements": "请于**7月31日**前报送整改情况。<b>x</b>"})
    spec = D.notification_spec(results, Project(REPO))
    html = spec.context["body"][-1]["html"]
    assert "<strong>7月31日</strong>" in html and "&lt;b&gt;" in html


def test_report_title_and_annex_split(tmp_path):
    results = make_results(tmp_path / "luohe-2022", counties=1)
    spec = D.report_spec(results, results.county("wuyang"), Project(REPO))
    assert spec.context["title"] == ["舞阳县2022年度质量工作", "自评报告"] or "".join(spec.context["title"]) == "舞阳县2022年度质量工作自评报告"
    assert spec.context["attachments"] == ["典型案例"]
    assert 'class="h1"' in spec.context["body"] and 'class="h2"' in spec.context["body"]
    assert "案例一" in spec.context["annexes"][0]["html"] and "案例一" not in spec.context["body"]


def test_gbk_report_and_feedback_are_read_with_a_warning(tmp_path):
    """Reports and feedback go through builder.textio: GBK works, with its io-gbk warning."""
    results = make_results(tmp_path / "luohe-2022", counties=1)
    rnd = results.round
    for path in (rnd.reports["wuyang"], rnd.feedback["wuyang"]):
        path.write_bytes(path.read_text(encoding="utf-8").replace("## ", "## 记事本", 1).encode("gbk"))
    project = Project(REPO)
    report = D.report_spec(results, results.county("wuyang"), project)
    feedback = D.feedback_spec(results, results.county("wuyang"), project)
    assert "记事本" in report.context["body"] + "".join(a["html"] for a in report.context["annexes"])
    for spec in (report, feedback):
        assert [d.rule for d in spec.diagnostics if d.rule.startswith("io-")] == ["io-gbk"]
        assert spec.diagnostics[0].path == spec.source


def test_an_unreadable_report_is_a_diagnostic_naming_the_report(tmp_path):
    from builder.diagnostics import DiagnosticError

    results = make_results(tmp_path / "luohe-2022", counties=1)
    results.round.reports["wuyang"].write_bytes(b"\x00\x01binary")
    with pytest.raises(DiagnosticError) as exc:
        D.round_specs(results, Project(REPO), county="wuyang")
    (d,) = exc.value.diagnostics
    assert d.rule == "io-binary" and d.path.endswith("wuyang.md") and d.is_error


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert show_progress(None) is False
    assert show_progress(True) is True
    monkeypatch.delenv("CI")
    assert show_progress(None) is False  # pytest's stderr is not a terminal


def test_last_characters_of_a_paragraph_are_kept_together():
    from builder.pdf.render import TAIL_CHARS, keep_last_line

    html = keep_last_line("<p>在8个被考核单位中排名第2位。</p><p>无。</p><li>甲&amp;乙丙丁戊己庚</li>")
    assert '<p>在8个被考核单位中排名第<span class="keep">2位。</span></p>' in html
    assert "<p>无。</p>" in html  # too short to need it
    assert '<span class="keep">戊己庚</span></li>' in html
    assert TAIL_CHARS == 3


def test_feedback_number_is_read_and_checked(tmp_path):
    from builder.rounds.meta import load_round_meta

    text = (REPO / "content" / "luohe-2022" / "round.yaml").read_text(encoding="utf-8")
    assert "feedback_number: 漯质强办函〔2023〕9号" in text
    (tmp_path / "luohe-2022").mkdir()
    (tmp_path / "luohe-2022" / "round.yaml").write_text(
        text.replace("feedback_number: 漯质强办函〔2023〕9号", "feedback_number: 漯质强办函[2023]第09号"), encoding="utf-8")
    meta, diags = load_round_meta(tmp_path, "luohe-2022")
    assert meta.notification.feedback_code == "漯质强办函〔2023〕9号"  # normalised like the 通报's
    (tmp_path / "luohe-2022" / "round.yaml").write_text(
        text.replace("feedback_number: 漯质强办函〔2023〕9号", "feedback_number: 九号"), encoding="utf-8")
    meta, diags = load_round_meta(tmp_path, "luohe-2022", partial=True)
    bad = [d for d in diags if d.rule == "round-doc-number"]
    assert bad and "反馈的发文字号" in bad[0].message and bad[0].line > 0
