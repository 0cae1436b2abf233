"""``kaohe import FILE.docx``: Markdown in the template's shape that checks exactly as the .docx."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from builder.checker import check_file
from builder.markdown import parse, render_html
from builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
WORD = ROOT / "tests" / "fixtures" / "word"
sys.path.insert(0, str(WORD))
import make  # noqa: E402

from test_word_read import TWINS, _summary  # noqa: E402


def kaohe(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("name", TWINS)
def test_imported_markdown_checks_as_the_docx(name, tmp_path):
    project = Project(ROOT)
    out = tmp_path / f"{name}.md"
    p = kaohe("import", WORD / f"{name}.docx", "--round", "luohe-2022", "--county", "wuyang", "--out", out)
    assert p.returncode == 0, p.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\nround: luohe-2022\ncounty: wuyang\n---\n\n# 舞阳县人民政府2022年度质量工作考核自评报告\n")
    assert "\n## 二、工作亮点\n" in text and "\n## 附件：质量安全和质量发展工作典型案例\n" in text
    assert _summary(check_file(out, project), project) == _summary(check_file(WORD / f"{name}.docx", project), project)
    assert check_file(out, project).stats == check_file(WORD / f"{name}.docx", project).stats


def test_tables_bold_runs_and_escapes(tmp_path):
    body = "".join([
        make.para(make.run(make.TITLE, True)),
        make.para(make.run("主要工作：", True) + make.run("县政府") + make.run("“质量强县”", True) + make.run("建设*不是强调*。")),
        make.para(make.run("1. 不是列表 # 也不是标题 [链接](x) <b>")),
        make.table_xml([["指标", "数值"], ["合格率", "95%|98%"]]),
    ])
    src = tmp_path / "r.docx"
    make.package(body, src, make.styles_xml())
    out = tmp_path / "r.md"
    assert kaohe("import", src, "--round", "luohe-2022", "--county", "wuyang", "--out", out).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "**主要工作：**县政府**“质量强县”**建设\\*不是强调\\*。" in text
    assert "| 指标 | 数值 |" in text and "| 合格率 | 95%\\|98% |" in text
    html = render_html(parse(text))
    assert "<strong>主要工作：</strong>县政府<strong>“质量强县”</strong>建设*不是强调*。" in html
    assert "<table>" in html and "95%|98%" in html
    assert "<p>1. 不是列表 # 也不是标题 [链接](x) &lt;b&gt;</p>" in html


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_images_saved_beside_and_linked_and_nothing_overwritten(tmp_path):
    import docx

    png = tmp_path / "p.png"
    png.write_bytes(_png())
    d = docx.Document()
    d.add_paragraph(make.TITLE, style="Title")
    d.add_heading("一、2022年质量工作情况", 1)
    d.add_paragraph().add_run().add_picture(str(png))
    d.add_paragraph("图为质量服务站。")
    src = tmp_path / "r.docx"
    d.save(str(src))
    out = tmp_path / "out" / "wuyang.md"
    p = kaohe("import", src, "--round", "luohe-2022", "--county", "wuyang", "--out", out)
    assert p.returncode == 0, p.stderr
    text = out.read_text(encoding="utf-8")
    assert "![图1](wuyang.files/image1.png)\n\n图为质量服务站。" in text
    assert (tmp_path / "out" / "wuyang.files" / "image1.png").read_bytes() == _png()
    # never overwrites: the report and the image stay as they were
    before = out.read_bytes()
    p = kaohe("import", src, "--round", "luohe-2022", "--county", "wuyang", "--out", out)
    assert p.returncode == 1 and "已存在" in p.stderr and out.read_bytes() == before


def test_bad_docx_writes_nothing(tmp_path):
    src = tmp_path / "old.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    out = tmp_path / "r.md"
    p = kaohe("import", src, "--round", "luohe-2022", "--county", "wuyang", "--out", out)
    assert p.returncode == 2 and "另存为" in p.stderr and "Traceback" not in p.stderr
    assert not out.exists() and sorted(x.name for x in tmp_path.iterdir()) == ["old.doc"]
    p = kaohe("import", WORD / "styled.docx", "--round", "luohe-2022", "--county", "nowhere", "--out", out)
    assert p.returncode == 1 and "nowhere" in p.stderr and not out.exists()
