"""``kaohe new report --format docx``: the template as Word, with 公文 heading styles, read back clean."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from site_support import require

from builder.checker import check_file
from builder.project import Project
from builder.word.read import read_docx, word_document

ROOT = Path(__file__).resolve().parent.parent


def _new(tmp_path, name="k.docx", county="kaifaqu"):
    out = tmp_path / name
    p = subprocess.run([sys.executable, "-m", "builder", "new", "report", "--round", "luohe-2022", "--county", county,
                        "--format", "docx", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return out


def test_word_template_reads_back_with_only_placeholders(tmp_path):
    out = _new(tmp_path)
    r = check_file(out, Project(ROOT))
    assert r.diagnostics and {d.rule for d in r.diagnostics} == {"placeholder"}
    doc = word_document(read_docx(out.read_bytes()))
    heads = [(b.md_level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert heads[:3] == [(1, "经济技术开发区管委会2022年度质量工作考核自评报告"), (1, "一、2022年质量工作情况"),
                         (2, "（一）质量工作总体概况")]
    assert (1, "附件：质量安全和质量发展工作典型案例") in heads and (2, "案例一：【案例标题】") in heads
    assert not any("#" in b.text for b in doc.blocks)


def test_word_template_fonts_and_reproducible_bytes(tmp_path):
    a = _new(tmp_path, "a.docx")
    b = _new(tmp_path, "b.docx")
    assert a.read_bytes() == b.read_bytes()
    styles = zipfile.ZipFile(a).read("word/styles.xml").decode()

    def style(name):
        i = styles.index(f'w:styleId="{name}"')
        return styles[styles.rfind("<w:style ", 0, i): styles.index("</w:style>", i)]

    assert 'w:eastAsia="黑体"' in style("Heading1") and 'w:eastAsia="楷体"' in style("Heading2")
    normal = style("Normal")
    assert 'w:eastAsia="仿宋"' in normal and 'w:sz w:val="32"' in normal  # 3号 = 16 pt
    # refuses to overwrite
    p = subprocess.run([sys.executable, "-m", "builder", "new", "report", "--round", "luohe-2022", "--county", "kaifaqu",
                        "--format", "docx", "--out", str(a)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "已存在" in p.stderr


def _offered():
    from builder.checkpage.data import offered_rounds
    from builder.site.build import BuildOptions, prepare, read_config

    project = Project(ROOT)
    rounds, _ = offered_rounds(prepare(project, read_config(project), BuildOptions(pdfs=False)).site)
    assert rounds
    return rounds


def test_county_templates_give_the_bytes_of_template_docx_for_every_county():
    """The checker page's per-county files: one python-docx document per kind of county with
    the name put in afterwards must be exactly what ``kaohe new report --format docx`` writes."""
    from builder.word.template_docx import CountyTemplates, template_docx

    kinds = set()
    for r in _offered():
        many = CountyTemplates(r.template, r.info.year, r.titles)
        for c in r.info.counties:
            kinds.add(c.kind)
            assert many.for_county(c.name, c.kind) == template_docx(r.template, r.info.year, c.name, c.kind, r.titles)
        # a name XML must escape, and one that holds the slot character itself
        for name in ("A&B<县>", "怪\ue000县"):
            assert many.for_county(name, "县") == template_docx(r.template, r.info.year, name, "县", r.titles)
    assert len(kinds) > 1  # 县 and 开发区 choose different government names


@pytest.mark.slow
def test_county_template_is_small_and_opens_in_libreoffice(tmp_path):
    """No table styles, stylesWithEffects, custom XML or thumbnail from python-docx's default
    template; LibreOffice still opens it and prints the county's title."""
    import shutil

    import pdfplumber

    from builder.word.template_docx import CountyTemplates

    r = _offered()[0]
    c = r.info.counties[0]
    data = CountyTemplates(r.template, r.info.year, r.titles).for_county(c.name, c.kind)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(data) < 20_000 and not [n for n in names if "Effects" in n or "customXml" in n or "thumbnail" in n]
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert styles.count('w:type="table"') == 1
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        require("LibreOffice is not installed (apt-get install libreoffice-writer)")
    src = tmp_path / "t.docx"
    src.write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / "t.pdf") as pdf:
        text = pdf.pages[0].extract_text() or ""
    assert r.template.expected_title(c.name, c.kind, r.info.year)[:6] in text.replace("\n", "")
