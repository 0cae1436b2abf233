"""``kaohe new report --format docx``: the template as Word, with 公文 heading styles, read back clean."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

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
