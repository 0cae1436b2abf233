"""Font roles: configuration, overrides, missing fonts, missing glyphs, subsets."""

from __future__ import annotations

import io
import os

import pytest

from builder.diagnostics import DiagnosticError
from builder.pdf import fonts, render_notification
from builder.project import Project
from fixtures.pdf import pdfcheck as pc
from fixtures.pdf.synthetic import REPO, make_results


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


def resolved(project, override=None):
    specs, diags = fonts.load_font_config(fonts.config_paths(project.root, override))
    assert not [d for d in diags if d.is_error], diags
    return fonts.resolve_fonts(specs)


def test_default_mapping_uses_fandol_and_noto(project, monkeypatch):
    # Issue 11: a real 仿宋 (FandolFang) for the body, FandolKai (mainland punctuation) as 楷体,
    # FandolHei as 黑体; 小标宋 stays a stand-in (Noto Serif CJK SC Bold) and says so.
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    got = resolved(project)
    assert {r: (f.family, f.style) for r, f in got.items()} == {
        "fangsong": ("FandolFang R", ""),
        "xiaobiaosong": ("Noto Serif CJK SC", "Bold"),
        "heiti": ("FandolHei", ""),
        "kaiti": ("FandolKai", ""),
        "songti": ("Noto Serif CJK SC", "Regular"),
    }
    assert got["fangsong"].file.name == "FandolFang-Regular.otf"
    assert got["heiti"].file.name == "FandolHei-Regular.otf"
    assert got["kaiti"].file.name == "FandolKai-Regular.otf"
    assert got["xiaobiaosong"].file.name == "NotoSerifCJK-Bold.ttc"
    assert [r for r, f in got.items() if f.stand_in_for] == ["xiaobiaosong"]
    assert got["xiaobiaosong"].stand_in_for == "方正小标宋简体"
    # the face inside the collection is the Simplified Chinese one
    from fontTools.ttLib import TTFont

    face = TTFont(str(got["songti"].file), fontNumber=got["songti"].index, lazy=True)
    assert "Noto Serif CJK SC" in {n.toUnicode() for n in face["name"].names if n.nameID == 1}


def test_fandol_fang_covers_gb2312_hanzi(project):
    got = resolved(project)
    gb2312 = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                gb2312.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    assert len(gb2312) > 6700
    assert fonts.backend().covers(got["fangsong"], gb2312) == gb2312


def test_stand_in_is_said_once_per_build(project, tmp_path, monkeypatch):
    from builder.pdf import render_rounds_pdfs

    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    one = make_results(tmp_path / "luohe-2022", counties=1)
    warnings = []
    render_rounds_pdfs([one], project, tmp_path / "out", jobs=1, kinds=("notification",), warnings=warnings)
    render_rounds_pdfs([one], project, tmp_path / "out", jobs=1, kinds=("notification",), warnings=warnings)
    notes = [d for d in warnings if d.rule == "pdf-font-stand-in"]
    assert len(notes) == 1
    assert "小标宋" in notes[0].message and "Noto Serif CJK SC Bold" in notes[0].message
    assert "方正小标宋简体" in notes[0].message
    # a licensed font configured for the role: nothing to say
    override = tmp_path / "licensed.yaml"
    override.write_text("xiaobiaosong:\n  family: Noto Serif CJK SC\n  style: Bold\n", encoding="utf-8")
    quiet = []
    render_rounds_pdfs([one], project, tmp_path / "out2", jobs=1, kinds=("notification",), warnings=quiet,
                       fonts=override)
    assert not [d for d in quiet if d.rule == "pdf-font-stand-in"]


def test_override_by_env_var_replaces_roles(project, tmp_path, monkeypatch):
    override = tmp_path / "licensed.yaml"
    override.write_text("kaiti:\n  family: Noto Serif CJK SC\n  style: Regular\n  package: 正版楷体_GB2312（请联系管理员）\n",
                        encoding="utf-8")
    monkeypatch.setenv(fonts.ENV_VAR, str(override))
    got = resolved(project)
    assert got["kaiti"].family == "Noto Serif CJK SC" and got["kaiti"].file.name == "NotoSerifCJK-Regular.ttc"
    assert got["heiti"].family == "FandolHei"  # roles not overridden keep the default


def test_override_by_file_path(project, tmp_path):
    override = tmp_path / "fonts.yaml"
    override.write_text("heiti:\n  family: Noto Sans CJK SC\n  file: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc\n",
                        encoding="utf-8")
    got = resolved(project, override)
    assert got["heiti"].index == 2  # found by family name inside the collection


def test_missing_font_names_the_package(project, tmp_path, monkeypatch):
    override = tmp_path / "fonts.yaml"
    override.write_text("fangsong:\n  family: FangSong_GB2312 Nonexistent\n  package: fonts-noto-cjk\n", encoding="utf-8")
    results = make_results(tmp_path / "luohe-2022", counties=1)
    with pytest.raises(DiagnosticError) as exc:
        render_notification(results, project, fonts=override)
    [d] = exc.value.diagnostics
    assert d.rule == "pdf-font-missing" and d.path.endswith("fonts.yaml") and d.line == 1
    assert "缺少字体 FangSong_GB2312 Nonexistent" in d.message
    assert "请安装：apt-get install fonts-noto-cjk" in d.message


def test_missing_font_file(project, tmp_path):
    override = tmp_path / "fonts.yaml"
    override.write_text("heiti:\n  family: SimHei\n  file: fonts/simhei.ttf\n  package: 正版黑体字体文件\n", encoding="utf-8")
    specs, diags = fonts.load_font_config(fonts.config_paths(project.root, override))
    with pytest.raises(DiagnosticError) as exc:
        fonts.resolve_fonts(specs)
    [d] = exc.value.diagnostics
    assert "缺少字体 SimHei" in d.message and "simhei.ttf" in d.message and "正版黑体字体文件" in d.message


def test_bad_config_is_located(project, tmp_path):
    override = tmp_path / "fonts.yaml"
    override.write_text("kaiti:\n  famliy: X\n楷体:\n  family: Y\n", encoding="utf-8")
    specs, diags = fonts.load_font_config(fonts.config_paths(project.root, override))
    rules = {(d.rule, d.line) for d in diags if d.is_error}
    assert ("schema-unknown-key", 2) in rules and ("schema-missing", 2) in rules
    assert ("pdf-font-role", 3) in rules


def test_a_character_no_font_has_prints_the_missing_mark_not_a_tofu(project, tmp_path):
    # U+E000 (private use) is in no CJK font: the build does not fail on it (issue 15): it
    # prints 〓 (the 缺字 mark) and warns, naming the code point (builder/glyphs.py).
    import io

    import pdfplumber

    from builder.pdf import documents
    from builder.pdf.render import Renderer

    results = make_results(tmp_path / "luohe-2022", counties=1,
                           notification={"requirements": "请各县区于月底前报送\ue000整改情况。"})
    out = Renderer(project).render(documents.notification_spec(results, project))
    [d] = [d for d in out.diagnostics if d.rule == "font-glyph"]
    assert d.severity == "warning" and "U+E000" in d.message and d.path.endswith("round.yaml")
    with pdfplumber.open(io.BytesIO(out.pdf)) as pdf:
        text = "".join(pg.extract_text() or "" for pg in pdf.pages)
    assert "报送〓整改" in text and "\ue000" not in text


def test_subsets_are_small_and_cover_the_text(project):
    got = resolved(project)
    text = "漯河市质量强市战略工作领导小组办公室关于2022年度县区政府质量工作考核结果的通报"
    cps = fonts.charset_of(text)
    data = fonts.subset_font(got["fangsong"], cps)
    assert data is fonts.subset_font(got["fangsong"], set(cps))  # cached by (font, charset)
    assert len(data) < 80_000  # the collection is 26 MB
    from fontTools.ttLib import TTFont

    sub = TTFont(io.BytesIO(data))
    assert {ord(c) for c in text} <= set(sub.getBestCmap())
    # line metrics are the ideographic em box (see fonts.normalise_metrics)
    assert (sub["hhea"].ascent, sub["hhea"].descent) == (880, -120)
    assert sub["OS/2"].fsSelection & 0x80


def test_pdf_embeds_only_subsets(project, tmp_path):
    results = make_results(tmp_path / "luohe-2022", counties=2)
    path = tmp_path / "n.pdf"
    path.write_bytes(render_notification(results, project))
    rows = pc.pdffonts(path)
    assert len(rows) >= 4 and all(r["emb"] == "yes" and r["sub"] == "yes" for r in rows)
    assert path.stat().st_size < 200_000


def test_fonttools_fallback_gives_the_same_glyph_coverage(project, monkeypatch):
    got = resolved(project)
    cps = fonts.charset_of("考核结果通报")
    fallback = fonts._FontToolsBackend()
    assert fallback.covers(got["kaiti"], cps) == fonts.backend().covers(got["kaiti"], cps)
    from fontTools.ttLib import TTFont

    sub = TTFont(io.BytesIO(fallback.subset(got["kaiti"], cps)))
    assert {ord(c) for c in "考核结果通报"} <= set(sub.getBestCmap())


def test_kaiti_punctuation_is_mainland_style(project, monkeypatch):
    """The 楷体's “。” and “，” sit in the lower left of the em box (mainland style), not
    centred as in the traditional-style AR PL UKai that it replaces."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    kai = resolved(project)["kaiti"]
    tt = TTFont(str(kai.file), fontNumber=kai.index, lazy=True)
    glyphs, cmap, upm = tt.getGlyphSet(), tt.getBestCmap(), tt["head"].unitsPerEm
    for ch in "。，":
        pen = BoundsPen(glyphs)
        glyphs[cmap[ord(ch)]].draw(pen)
        x0, y0, x1, y1 = pen.bounds
        assert x1 <= 0.5 * upm and y1 <= 0.25 * upm, (ch, pen.bounds)
