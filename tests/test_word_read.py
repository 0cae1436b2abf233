"""The Word (.docx) reader and ``kaohe check FILE.docx``: real .docx files (python-docx, hand-built
OOXML, LibreOffice) judged exactly as their Markdown twins; numbering; what counts; bad files."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder.checker import check_file
from builder.checker.engine import check_word
from builder.project import Project
from builder.word.read import WordError, read_docx, word_document
from builder.word.read_numbering import Numbering, format_number
from builder.word.read_package import parse_xml

ROOT = Path(__file__).resolve().parent.parent
WORD = ROOT / "tests" / "fixtures" / "word"
TWINS = ["styled", "unstyled", "autonumbered", "tracked", "libreoffice"]
sys.path.insert(0, str(WORD))
import make  # noqa: E402  (the fixture writer: its hand-built OOXML helpers)


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT)


def _sections_named(result, project) -> set[str]:
    from builder.checker.cache import template_for
    from builder.checker.template import template_path

    tpl, _ = template_for(project, template_path(project.rubrics_dir, "luohe-2022"))
    names = {s.heading(2022) for s in tpl.flat()}
    quoted = {q for d in result.diagnostics if d.rule != "heading-format" for q in re.findall(r"“([^”]+)”", d.message)}
    return names & quoted


def _summary(result, project):
    return (result.ok, sorted(d.rule for d in result.diagnostics if d.rule != "heading-format"),
            _sections_named(result, project), result.stats["chars"], result.stats["cases"])


@pytest.mark.parametrize("name", TWINS)
def test_docx_judged_as_its_markdown_twin(name, project):
    docx = check_file(WORD / f"{name}.docx", project)
    md = check_file(WORD / f"{name}.md", project)
    assert _summary(docx, project) == _summary(md, project)
    assert docx.stats == md.stats


EXPECTED = {  # what each fixture is there to show
    "styled": (True, []),
    "unstyled": (False, ["section-missing"]),
    "autonumbered": (False, ["placeholder"]),
    "tracked": (True, []),
    "libreoffice": (False, ["year-mismatch"]),
}


@pytest.mark.parametrize("name", TWINS)
def test_fixture_findings(name, project):
    r = check_file(WORD / f"{name}.docx", project)
    ok, rules = EXPECTED[name]
    assert r.ok is ok
    assert sorted(d.rule for d in r.diagnostics) == rules
    assert r.stats["chars"] > 300 and r.stats["cases"] == 1


def test_cli_json_paragraph_numbers_and_quotes():
    p = subprocess.run([sys.executable, "-m", "builder", "check", "--format", "json", str(WORD / "unstyled.docx")],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 1, p.stderr
    f = json.loads(p.stdout)["files"][0]
    assert set(f) == {"path", "stats", "diagnostics"} and f["stats"]["chars"] == 345
    (d,) = f["diagnostics"]
    assert set(d) == {"path", "line", "column", "severity", "rule", "message"}
    # paragraph 9 is “四、下一步工作措施”: title, intro, 一、, （一）, text, run-in （二）, 二、, its point, 四、
    assert d["rule"] == "section-missing" and d["line"] == 9
    assert d["message"].startswith("第9段（段首：四、下一步工作措施）：缺少“三、工作存在的问题”一节")
    assert "第 9 段" in d["message"] and "##" not in d["message"]


def test_autonumbering_rebuilt_from_numbering_xml():
    doc = word_document(read_docx((WORD / "autonumbered.docx").read_bytes()))
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads == [make.TITLE, "一、2022年质量工作情况", "（一）质量工作总体概况",
                     "（二）党中央、国务院、省委、省政府和市委、市政府关于质量工作部署落实情况", "二、工作亮点",
                     "三、工作存在的问题", "四、下一步工作措施", "附件：质量安全和质量发展工作典型案例",
                     "案例一：盐化工产业链质量攻关“链长+专家”模式"]
    # the numbers are not in the paragraphs' own text
    raw = zipfile.ZipFile(WORD / "autonumbered.docx").read("word/document.xml").decode()
    assert "一、2022年" not in raw and "（一）质量工作总体概况" not in raw and "案例一" not in raw


def test_what_counts_as_word_counts():
    doc = word_document(read_docx((WORD / "tracked.docx").read_bytes()))
    text = "\n".join(b.text for b in doc.blocks)
    for absent in ("页眉", "页脚", "批注", "文本框", "删去的旧数字", "整段删除"):
        assert absent not in text
    assert make.P1 in text  # the tracked insertion is part of it
    assert "监督抽查合格率\t95.6%\t95%" in text  # table rows count
    assert "一、2022年质量工作情况" in text and "二、工作亮点" in text  # a second num of the same list continues it


def _numbering(abstract: str, nums: str) -> Numbering:
    return Numbering(parse_xml(make.numbering_xml([abstract], [nums]).encode()))


def test_numbering_restarts_and_overrides():
    n = _numbering('<w:abstractNum w:abstractNumId="0">' + make.lvl(0, "chineseCounting", "%1、")
                   + make.lvl(1, "chineseCounting", "（%2）") + make.lvl(2, "decimal", "%1.%3", restart=0)
                   + "</w:abstractNum>",
                   '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                   '<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
                   '<w:startOverride w:val="7"/></w:lvlOverride></w:num>')
    seq = [("1", 0), ("1", 1), ("1", 1), ("1", 2), ("1", 0), ("1", 1), ("1", 2), ("2", 0), ("2", 1)]
    assert [n.label(num, ilvl)[0] for num, ilvl in seq] == \
        ["一、", "（一）", "（二）", "一.1", "二、", "（一）", "二.2", "七、", "（一）"]


@pytest.mark.parametrize("n,fmt,out", [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"),
                                       (12, "chineseCounting", "十二"), (20, "chineseCountingThousand", "二十"),
                                       (101, "chineseCounting", "一百零一"), (3, "decimalEnclosedCircle", "③"),
                                       (2, "ideographTraditional", "乙"), (4, "upperRoman", "IV"),
                                       (28, "lowerLetter", "bb"), (5, "decimalFullWidth", "５"), (7, "none", "")])
def test_number_formats(n, fmt, out):
    assert format_number(n, fmt) == out


def test_one_and_one_point_one_kept_apart():
    body = "".join(make.para(make.run(t, bold=True)) for t in ("1.1 监督抽查", "1. 监督抽查", "（1）监督抽查"))
    doc = _doc(body)
    levels = {h.text: h.numbering.level if h.numbering else None for h in doc.headings}
    assert levels == {"1.1 监督抽查": None, "1. 监督抽查": 3, "（1）监督抽查": 4}


def _docx_bytes(body: str, **kw) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.docx"
        make.package(body, p, make.styles_xml(), **kw)
        return p.read_bytes()


def _doc(body: str):
    return word_document(read_docx(_docx_bytes(body)))


def test_title_inference(project, tmp_path):
    r = check_word((WORD / "styled.docx").read_bytes(), project, "r.docx")
    assert not any(d.rule == "front-matter" for d in r.diagnostics) and r.ok
    unknown = _docx_bytes(make.para(make.run("某某县2022年度质量工作考核自评报告")) + make.para(make.run("正文。")))
    r = check_word(unknown, project, "r.docx")
    (d,) = [d for d in r.diagnostics if d.rule == "front-matter"]
    assert "--round" in d.message and "--county" in d.message and "某某县" in d.message
    wrong_year = _docx_bytes(make.para(make.run("博罗县人民政府2019年度质量工作考核自评报告")) + make.para(make.run("正文。")))
    # the county (in one round only) still names its round; the year is reported
    r = check_word(wrong_year, project, "r.docx")
    assert not any(d.rule == "front-matter" for d in r.diagnostics)
    assert any(d.rule == "year-mismatch" for d in r.diagnostics)
    # 舞阳县 is in two 漯河 rounds and the year fits neither: the user is asked which one
    two = _docx_bytes(make.para(make.run("舞阳县人民政府2019年度质量工作考核自评报告")) + make.para(make.run("正文。")))
    (d,) = [d for d in check_word(two, project, "r.docx").diagnostics if d.rule == "front-matter"]
    assert "luohe-2021" in d.message and "luohe-2022" in d.message and "--round" in d.message
    r = check_word(unknown, project, "r.docx", "luohe-2022", "linying")  # options win
    assert not any(d.rule == "front-matter" for d in r.diagnostics)
    assert any(d.rule == "title-mismatch" and "临颍县" in d.message for d in r.diagnostics)


# --- bad files -------------------------------------------------------------------------------------


def _ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 1024


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 1024 * 1024))
    return buf.getvalue()


BAD = {
    "old.doc": (_ole(), "io-docx-old-format", "另存为"),
    "locked.docx": (_ole("EncryptionInfo".encode("utf-16-le")), "io-docx-encrypted", "密码"),
    "renamed.docx": ("# 舞阳县人民政府2022年度质量工作考核自评报告\n".encode(), "io-docx-not-word", ".md"),
    "truncated.docx": (None, "io-docx-corrupt", "损坏"),
    "bomb.docx": (None, "io-docx-too-large", "过大"),
    "entity.docx": (None, "io-docx-corrupt", "DOCTYPE"),
    "nodoc.docx": (None, "io-docx-not-word", "document.xml"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_exit_2_with_a_chinese_message(name, tmp_path):
    data, rule, words = BAD[name]
    if name == "truncated.docx":
        data = (WORD / "styled.docx").read_bytes()[:5000]
    elif name == "bomb.docx":
        data = _bomb()
    elif name == "entity.docx":
        data = _docx_bytes(make.para(make.run("x")))
        z = zipfile.ZipFile(io.BytesIO(data))
        parts = {n: z.read(n) for n in z.namelist()}
        parts["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                                      b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>')
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for n, v in parts.items():
                out.writestr(n, v)
        data = buf.getvalue()
    elif name == "nodoc.docx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            out.writestr("hello.txt", "hi")
        data = buf.getvalue()
    f = tmp_path / name
    f.write_bytes(data)
    before = sorted(tmp_path.iterdir())
    p = subprocess.run([sys.executable, "-m", "builder", "check", str(f)], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stdout + p.stderr
    assert f"错误[{rule}]" in p.stdout and words in p.stdout
    assert sorted(tmp_path.iterdir()) == before  # nothing written
    with pytest.raises(WordError) as e:
        read_docx(data)
    assert e.value.rule == rule


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    f = tmp_path / "big.docx"
    with open(f, "wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written
    p = subprocess.run([sys.executable, "-m", "builder", "check", "--format", "json", str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    d = json.loads(p.stdout)["files"][0]["diagnostics"][0]
    assert d["rule"] == "io-docx-too-large" and "50.0 MB" in d["message"]


@pytest.mark.slow
def test_libreoffice_regenerates_a_fixture_read_alike(tmp_path, project):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice is not installed (libreoffice-writer)")
    html = tmp_path / "report.html"
    html.write_text(make.libreoffice_html(make.LIBREOFFICE_ITEMS), encoding="utf-8")
    out = make.soffice_convert(html, tmp_path)
    fresh = check_file(out, project)
    twin = check_file(WORD / "libreoffice.md", project)
    assert _summary(fresh, project) == _summary(twin, project)


def test_numbered_heading_keeps_a_decimal_number_and_empty_numbered_paragraphs_count():
    styles = make.styles_xml('<w:style w:type="paragraph" w:styleId="H3"><w:name w:val="heading 3"/>'
                             '<w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>')
    numbering = make.numbering_xml(['<w:abstractNum w:abstractNumId="0">' + make.lvl(0, "decimal", "%1.") + "</w:abstractNum>"],
                                   ['<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'])
    np = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    body = (make.para(make.run("监督抽查"), '<w:pStyle w:val="H3"/>' + np)
            + make.para("", np)  # empty: not a paragraph of the report, but Word counts it
            + make.para(make.run("标准制定"), np))
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.docx"
        make.package(body, p, styles, numbering)
        doc = word_document(read_docx(p.read_bytes()))
    assert [(b.kind, b.text, b.item_number, b.line) for b in doc.blocks] == \
        [("heading", "1.监督抽查", None, 1), ("item", "标准制定", 3, 2)]


def test_word_check_path_uses_the_standard_library_only():
    """What the browser page runs: no lxml, python-docx, PyYAML (warm cache) or markdown-it on the .docx path."""
    args = [sys.executable, "-X", "importtime", "-m", "builder", "check", str(WORD / "styled.docx")]
    subprocess.run(args, cwd=ROOT, capture_output=True, timeout=120)  # warm the check cache
    p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    imported = {ln.split("|")[-1].strip().split(".")[0] for ln in p.stderr.splitlines() if ln.startswith("import time:")}
    assert "zipfile" in imported
    assert not imported & {"lxml", "docx", "defusedxml", "yaml", "jinja2", "weasyprint", "markdown_it"}


def test_over_the_limit_alike_in_word_and_markdown(tmp_path, project):
    items = make.BASE[:5] + [("p", make.P1 * 2)] * 25 + make.BASE[5:]
    (tmp_path / "long.md").write_text(make.markdown(items), encoding="utf-8")
    make.unstyled_docx(items, tmp_path / "long.docx")
    md, dx = check_file(tmp_path / "long.md", project), check_file(tmp_path / "long.docx", project)
    assert md.stats["chars"] == dx.stats["chars"] > 3000
    (d,) = [d for d in dx.diagnostics if d.rule == "length-limit"]
    assert "从这一段起超出" in d.message and d.message.startswith(f"第{d.line}段（段首：")
    assert _summary(md, project) == _summary(dx, project)


def test_strict_open_xml_reads_alike(tmp_path, project):
    """Word's “Strict Open XML” dialect: other namespace URIs, the same elements."""
    z = zipfile.ZipFile(WORD / "autonumbered.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for n in z.namelist():
            data = z.read(n).replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                     b"http://purl.oclc.org/ooxml/wordprocessingml/main")
            out.writestr(n, data)
    f = tmp_path / "strict.docx"
    f.write_bytes(buf.getvalue())
    assert _summary(check_file(f, project), project) == _summary(check_file(WORD / "autonumbered.md", project), project)


def _luohe_fixtures():
    out = []
    for md in sorted((ROOT / "tests" / "fixtures" / "reports").glob("*.md")):
        try:
            text = md.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue
        if "round: luohe-2022" in text:
            out.append(md.name)
    return out


@pytest.mark.parametrize("dialect", ["styled", "unstyled"])
@pytest.mark.parametrize("name", _luohe_fixtures())
def test_every_markdown_fixture_typed_in_word_is_judged_alike(name, dialect, tmp_path, project):
    """Each checker fixture, written as Word (heading styles, or bold paragraphs), with the options
    the fixture's front matter gives: the same exit, rules, sections named and 字数."""
    md = ROOT / "tests" / "fixtures" / "reports" / name
    text = md.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    county = re.search(r"^county: *(\S+)", text, re.M)
    out = tmp_path / f"{md.stem}.docx"
    make.from_markdown(text, out, dialect)
    docx = check_file(out, project, "luohe-2022", county.group(1) if county else None)
    assert _summary(docx, project) == _summary(check_file(md, project), project)


def test_undefined_heading_style_ids_still_count():
    body = make.para(make.run(make.TITLE), '<w:pStyle w:val="Title"/>') + make.para(make.run("一、工作亮点"), '<w:pStyle w:val="Heading1"/>')
    doc = _doc(body)  # styles.xml defines neither style
    assert [(b.kind, b.md_level) for b in doc.blocks] == [("heading", 1), ("heading", 1)]
