"""render_round_pdfs, determinism, failures that write nothing, the ``kaohe pdf`` command."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pypdf
import pytest

from builder.diagnostics import DiagnosticError
from builder.pdf import fonts, render_notification, render_round_pdfs
from builder.project import Project
from fixtures.pdf.synthetic import REPO, make_results


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return make_results(tmp_path_factory.mktemp("round") / "luohe-2022", counties=3)


@pytest.mark.slow
def test_writes_the_documents_of_a_round(project, results, tmp_path):
    paths = render_round_pdfs(results, project, tmp_path, jobs=1)
    rel = sorted(str(p.relative_to(tmp_path)) for p in paths)
    # 临颍县 (the 2nd county) has a report, 源汇区 too; every county gets a feedback
    assert rel == sorted(["luohe-2022/notification.pdf",
                          "luohe-2022/wuyang/feedback.pdf", "luohe-2022/wuyang/report.pdf",
                          "luohe-2022/linying/feedback.pdf", "luohe-2022/linying/report.pdf",
                          "luohe-2022/yuanhui/feedback.pdf", "luohe-2022/yuanhui/report.pdf"])
    assert all(p.read_bytes().startswith(b"%PDF-") for p in paths)
    assert not list(tmp_path.rglob("*.tmp"))


def test_no_report_no_report_pdf(project, tmp_path):
    results = make_results(tmp_path / "luohe-2022", counties=4)  # the 4th county (郾城区) has no report
    paths = render_round_pdfs(results, project, tmp_path / "out", jobs=1, county="yancheng")
    assert [p.name for p in paths] == ["feedback.pdf"]


@pytest.mark.slow
def test_kinds_and_rounds_without_a_notification(project, tmp_path):
    results = make_results(tmp_path / "luohe-2022", counties=2)
    paths = render_round_pdfs(results, project, tmp_path / "a", jobs=1, kinds=("notification", "report"))
    assert sorted(str(p.relative_to(tmp_path / "a")) for p in paths) == [
        "luohe-2022/linying/report.pdf", "luohe-2022/notification.pdf", "luohe-2022/wuyang/report.pdf"]
    import dataclasses

    without = dataclasses.replace(results, round=dataclasses.replace(results.round, notification=None))
    paths = render_round_pdfs(without, project, tmp_path / "b", jobs=1, kinds=("notification", "feedback"))
    assert sorted(str(p.relative_to(tmp_path / "b")) for p in paths) == [
        "luohe-2022/linying/feedback.pdf", "luohe-2022/wuyang/feedback.pdf"]


@pytest.mark.slow
def test_several_rounds_one_pool_kinds_per_round(project, tmp_path):
    from builder.pdf import render_rounds_pdfs

    a = make_results(tmp_path / "a" / "luohe-2022", counties=1)
    import dataclasses

    b = dataclasses.replace(a, round=dataclasses.replace(a.round, id="luohe-2022-grades", publish="grades"))
    paths = render_rounds_pdfs([a, b], project, tmp_path / "out", jobs=2,
                               kinds=lambda r: ("notification", "report") if r.round.publish == "grades" else None)
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in paths) == [
        "luohe-2022-grades/notification.pdf", "luohe-2022-grades/wuyang/report.pdf",
        "luohe-2022/notification.pdf", "luohe-2022/wuyang/feedback.pdf", "luohe-2022/wuyang/report.pdf"]


@pytest.mark.slow
def test_parallel_equals_sequential_byte_for_byte(project, results, tmp_path):
    seq = render_round_pdfs(results, project, tmp_path / "seq", jobs=1)
    par = render_round_pdfs(results, project, tmp_path / "par", jobs=2)
    assert [p.relative_to(tmp_path / "seq") for p in seq] == [p.relative_to(tmp_path / "par") for p in par]
    for a, b in zip(seq, par):
        assert a.read_bytes() == b.read_bytes(), a


def test_same_input_same_bytes_and_dates_from_the_round(project, results):
    first = render_notification(results, project)
    fonts._SUBSETS.clear()  # nothing cached between the two builds
    second = render_notification(results, project)
    assert first == second
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert "/ID" not in reader.trailer
    info = reader.metadata
    # 印发日期 of the notification, never the clock
    assert info["/CreationDate"] == info["/ModDate"] == "D:20230630000000Z"
    # sample content says so in the metadata too (issue 11)
    assert info["/Title"] == "关于2022年度县区政府质量工作考核结果的通报（示例数据）"
    assert str(info["/Producer"]).startswith("WeasyPrint")


@pytest.mark.slow  # two renders; the fast run keeps test_same_input_same_bytes_and_dates_from_the_round
def test_source_date_epoch_when_the_round_has_no_date(project, tmp_path, monkeypatch):
    results = make_results(tmp_path / "luohe-2022", counties=1, dates=False)
    from builder.pdf import render_feedback

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    info = pypdf.PdfReader(io.BytesIO(render_feedback(results, project, "wuyang"))).metadata
    assert info["/CreationDate"] == "D:20231114221320Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    info = pypdf.PdfReader(io.BytesIO(render_feedback(results, project, "wuyang"))).metadata
    assert "/CreationDate" not in info and "/ModDate" not in info  # no date rather than the clock


@pytest.mark.slow
def test_a_failing_document_writes_nothing(project, tmp_path):
    results = make_results(tmp_path / "luohe-2022", counties=2)
    # A PNG whose header is fine but whose data is cut short: WeasyPrint fails while writing.
    (results.round.path / "reports" / "photo.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d2b7ab0000000049454e44ae426082"))
    out = tmp_path / "site"
    old = out / "luohe-2022" / "notification.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"previous build")
    with pytest.raises(DiagnosticError) as exc:
        render_round_pdfs(results, project, out, jobs=2)
    errors = [d for d in exc.value.diagnostics if d.is_error]
    assert errors and all(d.rule == "pdf-render" for d in errors)
    assert {d.path.rsplit("/", 1)[-1] for d in errors} <= {"wuyang.md", "linying.md"}
    assert "wuyang/report.pdf" in errors[0].message or "linying/report.pdf" in errors[0].message
    assert old.read_bytes() == b"previous build"
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["notification.pdf"]


def test_template_error_is_located(results, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(REPO / "themes", root / "themes")
    tpl = root / "themes" / "print" / "notification.html"
    lines = tpl.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "{{ no_such_value.title }}")
    tpl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as exc:
        render_notification(results, Project(root))
    [d] = exc.value.diagnostics
    assert d.rule == "pdf-template" and d.path.endswith("themes/print/notification.html") and d.line == 6
    assert "no_such_value" in d.message


def test_unknown_county(project, results, tmp_path):
    with pytest.raises(DiagnosticError) as exc:
        render_round_pdfs(results, project, tmp_path, county="nowhere")
    assert "nowhere" in exc.value.diagnostics[0].message


# ------------------------------------------------------------------ kaohe pdf


def _kaohe(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "CI": "true", "HOME": str(REPO),
                               "PYTHONPYCACHEPREFIX": os.environ["PYTHONPYCACHEPREFIX"]})  # conftest.py


@pytest.mark.slow
def test_cli_renders_one_county_of_the_example_round(tmp_path):
    proc = _kaohe("pdf", "luohe-2022", "--out", str(tmp_path), "--county", "wuyang", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "luohe-2022" / "wuyang").iterdir()) == ["feedback.pdf", "report.pdf"]
    assert "已生成 2 个 PDF" in proc.stderr


def test_cli_errors_in_chinese(tmp_path):
    proc = _kaohe("pdf", "luohe-2022", "--out", str(tmp_path), "--county", "wuyan")
    assert proc.returncode == 1 and "本轮次没有县区“wuyan”" in proc.stderr and "wuyang" in proc.stderr
    proc = _kaohe("pdf", "no-such-round", "--out", str(tmp_path))
    assert proc.returncode == 1 and "找不到考核轮次" in proc.stderr
    proc = _kaohe("pdf", "--help")
    assert proc.returncode == 0 and "--county" in proc.stdout and "--jobs" in proc.stdout
