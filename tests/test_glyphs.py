"""Glyph coverage: characters the print fonts cannot draw are warned about early (check,
validate) with line, column, code point and name, and the PDF build prints 〓 for them
(with the same message) instead of failing. Real fonts, real PDFs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.glyphs import REPLACEMENT, RULE, Coverage, _ranges, find_uncovered, print_coverage, substitute
from builder.project import Project

REPO = Path(__file__).resolve().parents[1]
ODD = "要多用表情😀和𠀀字，\u2028这里。"  # emoji, CJK Ext-B, LINE SEPARATOR


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOHE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KAOHE_NO_CACHE", raising=False)
    return tmp_path / "cache"


def _coverage(text: str) -> Coverage:
    return Coverage("Test Font", "仿宋", _ranges(map(ord, text)))


# ------------------------------------------------------------------ the core


def test_findings_name_line_column_code_point_and_name():
    cov = _coverage("要多用表情和字这里。，abc")
    text = "abc\n" + ODD + "\n"
    found = find_uncovered(text, cov, "r.md")
    got = [(d.line, d.column, d.rule, d.severity) for d in found]
    assert got == [(2, 6, RULE, "warning"), (2, 8, RULE, "warning"), (2, 11, RULE, "warning")]
    assert "U+1F600 GRINNING FACE" in found[0].message and "😀" in found[0].message
    assert "U+20000 CJK UNIFIED IDEOGRAPH-20000" in found[1].message
    assert "U+2028 LINE SEPARATOR" in found[2].message and "\u2028" not in found[2].message
    assert "Test Font（仿宋）" in found[0].message and REPLACEMENT in found[0].message


def test_ignorable_characters_are_not_reported_and_the_list_is_capped():
    cov = _coverage("字")
    assert find_uncovered("字\u200b\u200d\ufe0f\ufeff\t 　字", cov, "r.md") == []
    many = find_uncovered("😀" * 30, cov, "r.md")
    assert len(many) == 21 and "另有 10 处" in many[-1].message


def test_substitute_prints_the_geta_mark_and_drops_separators():
    assert substitute(ODD, {0x1F600, 0x20000, 0x2028}) == "要多用表情〓和〓字，这里。"


def test_coverage_is_read_from_the_configured_fonts_and_cached_as_plain_data(cache_dir, tmp_path, monkeypatch):
    project = Project(REPO)
    cov = print_coverage(project)
    assert cov is not None and cov.role == "仿宋"
    assert cov.covers(ord("质")) and cov.covers(ord("〓")) and not cov.covers(0x1F600)
    records = list(cache_dir.rglob("*.json"))
    assert len(records) == 1
    body = json.loads(records[0].read_text(encoding="utf-8"))["body"]
    assert body["font"] == cov.font and isinstance(body["ranges"], list)
    # A warm call reads only the record: the font is not opened again.
    import fontTools.ttLib

    monkeypatch.setattr(fontTools.ttLib, "TTFont", None)
    assert print_coverage(project).ranges == cov.ranges
    monkeypatch.undo()
    # Another body font in an override configuration: another coverage (the config is read, not assumed).
    override = tmp_path / "fonts.yaml"
    override.write_text("fangsong:\n  family: Noto Serif CJK SC\n", encoding="utf-8")  # fonts-noto-cjk (bootstrap)
    monkeypatch.setenv("KAOHE_CACHE_DIR", str(cache_dir))
    other = print_coverage(project, override)
    assert other is not None and other.font.startswith("Noto Serif CJK SC") and other.ranges != cov.ranges


def test_no_coverage_when_the_font_is_not_installed(cache_dir, tmp_path):
    override = tmp_path / "fonts.yaml"
    override.write_text("fangsong:\n  family: 仿宋_GB2312 不存在\n", encoding="utf-8")
    assert print_coverage(Project(REPO), override) is None


def test_the_browser_checker_does_not_load_fonts():
    code = ("import sys; from builder.checker import check_text; "
            "r = check_text('# 标题\\n\\n😀\\n'); "
            "assert 'builder.glyphs' not in sys.modules and 'fontTools' not in sys.modules, sorted(sys.modules); "
            "assert not any(d.rule == 'font-glyph' for d in r.diagnostics)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# ------------------------------------------------------------------ check, validate, pdf


def _cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_kaohe_check_warns_with_line_and_column(tmp_path, cache_dir):
    src = (REPO / "tests" / "fixtures" / "reports" / "ok-luohe-wuyang.md").read_text(encoding="utf-8")
    lines = src.split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("## ")) + 2
    lines.insert(at, ODD)
    report = tmp_path / "wuyang.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    before = _cli("check", str(REPO / "tests" / "fixtures" / "reports" / "ok-luohe-wuyang.md"), "--format", "json")
    p = _cli("check", str(report), "--format", "json")
    assert p.returncode == before.returncode == 0, p.stdout + p.stderr  # warnings only
    diags = json.loads(p.stdout)["files"][0]["diagnostics"]
    glyph = [d for d in diags if d["rule"] == RULE]
    assert [(d["line"], d["column"]) for d in glyph] == [(at + 1, 6), (at + 1, 8), (at + 1, 11)]
    assert "U+1F600" in glyph[0]["message"] and "Traceback" not in p.stderr


@pytest.fixture
def odd_project(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("rubrics", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "content" / "luohe-2022", root / "content" / "luohe-2022")
    fb = root / "content" / "luohe-2022" / "feedback" / "wuyang.md"
    fb.write_text(fb.read_text(encoding="utf-8") + "\n- " + ODD + "\n", encoding="utf-8")
    line = len(fb.read_text(encoding="utf-8").split("\n")) - 1
    return root, line


def test_kaohe_validate_warns(odd_project):
    root, line = odd_project
    p = _cli("validate", "luohe-2022", "--format", "json", cwd=root)
    assert p.returncode == 0, p.stdout + p.stderr
    found = [d for d in json.loads(p.stdout)["diagnostics"] if d["rule"] == RULE]
    assert [(d["path"], d["line"], d["column"]) for d in found] == [
        ("content/luohe-2022/feedback/wuyang.md", line, 8), ("content/luohe-2022/feedback/wuyang.md", line, 10),
        ("content/luohe-2022/feedback/wuyang.md", line, 13)]


@pytest.mark.slow
def test_the_pdf_build_prints_the_mark_and_warns_with_the_same_message(odd_project):
    import pdfplumber

    root, line = odd_project
    p = _cli("pdf", "luohe-2022", "--county", "wuyang", "--out", str(root / "out"), "-q", "-j", "1", cwd=root)
    assert p.returncode == 0, p.stderr
    assert f"content/luohe-2022/feedback/wuyang.md:{line}:8: warning[{RULE}]" in p.stderr
    v = _cli("validate", "luohe-2022", "--format", "json", cwd=root)
    messages = {d["message"] for d in json.loads(v.stdout)["diagnostics"] if d["rule"] == RULE}
    assert all(m in p.stderr for m in messages) and len(messages) == 3
    with pdfplumber.open(str(root / "out" / "luohe-2022" / "wuyang" / "feedback.pdf")) as pdf:
        text = "".join(pg.extract_text() or "" for pg in pdf.pages)
    assert "要多用表情〓和〓字，这里。" in text and "😀" not in text


def test_kaohe_validate_warns_about_xlsx_remarks(odd_project):
    import openpyxl

    root, _ = odd_project
    path = root / "content" / "luohe-2022" / "scores" / "zhujian.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["评价表"] if "评价表" in wb.sheetnames else wb.worksheets[0]
    head = next(r for r in ws.iter_rows() if any(c.value == "评价说明" for c in r))
    col = next(c.column for c in head if c.value == "评价说明")
    row = head[0].row + 1
    ws.cell(row=row, column=col).value = "工作扎实🙂。"
    wb.save(path)
    p = _cli("validate", "luohe-2022", "--format", "json", cwd=root)
    assert p.returncode == 0, p.stdout + p.stderr
    found = [d for d in json.loads(p.stdout)["diagnostics"]
             if d["rule"] == RULE and d["path"].endswith("zhujian.xlsx")]
    assert len(found) == 1 and found[0]["line"] == row and "U+1F642" in found[0]["message"], found


def test_source_lines_are_not_split_at_u2028(tmp_path):
    from builder.diagnostics import SourceCache

    path = tmp_path / "r.md"
    path.write_text("甲\u2028乙\n丙\r\n丁\n", encoding="utf-8")
    cache = SourceCache()
    assert [cache.line(str(path), n) for n in (1, 2, 3)] == ["甲\u2028乙", "丙", "丁"]


def test_kaohe_check_on_a_word_report_names_the_paragraph(tmp_path, cache_dir):
    import docx

    d = docx.Document()
    d.add_paragraph("舞阳县人民政府2022年度质量工作考核自评报告", style="Title")
    d.add_paragraph("一、基本情况", style="Heading 1")
    d.add_paragraph("工作扎实有效😀。")
    path = tmp_path / "wuyang.docx"
    d.save(str(path))
    p = _cli("check", str(path), "--round", "luohe-2022", "--county", "wuyang", "--format", "json")
    assert "Traceback" not in p.stderr, p.stderr
    diags = json.loads(p.stdout)["files"][0]["diagnostics"]
    glyph = [x for x in diags if x["rule"] == RULE]
    assert [(x["line"], x["column"]) for x in glyph] == [(3, 7)] and "U+1F600" in glyph[0]["message"], diags
