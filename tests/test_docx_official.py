"""`kaohe docx`: the editable Word copies of the 通报 and feedback letters, read back.

Read with python-docx (page set-up, document grid, styles and their East Asian fonts,
PAGE fields, header marks, text equal to the PDF's) and converted with headless
LibreOffice to PDF, whose geometry is measured with pdfplumber like the PDFs' own
(±1 mm). The converted pages are kept as PNGs in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.pdf import pdfcheck as pc
from fixtures.pdf.synthetic import REPO

from builder.cli import main
from builder.project import Project
from builder.rounds import compute, load_round

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TOP, LEFT, WIDTH, HEIGHT = 37.0, 28.0, 156.0, 225.0
BOTTOM, RIGHT = TOP + HEIGHT, LEFT + WIDTH
LINE_MM = 28.95 / 72 * 25.4


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


@pytest.fixture(scope="module")
def results(project):
    rnd, diags = load_round(project, "luohe-2022")
    assert rnd is not None, diags
    return compute(rnd)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    assert main(["docx", "luohe-2022", "--out", str(folder), "--project", str(REPO), "-q"]) == 0
    return folder / "luohe-2022"


def _open(path):
    import docx

    return docx.Document(str(path))


# ------------------------------------------------------------------ files and set-up


def test_writes_the_notification_and_every_feedback_letter(out, results):
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx"))
    expected = sorted(["notification.docx"] + [f"{c.county.id}/feedback.docx" for c in results.counties])
    assert files == expected


def test_same_input_same_bytes(out, tmp_path):
    assert main(["docx", "luohe-2022", "--out", str(tmp_path), "--project", str(REPO), "-q"]) == 0
    for p in out.rglob("*.docx"):
        assert (tmp_path / "luohe-2022" / p.relative_to(out)).read_bytes() == p.read_bytes(), p


def test_unknown_county_is_a_message_not_a_traceback(capsys, tmp_path):
    assert main(["docx", "luohe-2022", "--county", "nowhere", "--out", str(tmp_path), "--project", str(REPO)]) == 1
    err = capsys.readouterr().err
    assert "没有县区“nowhere”" in err and "Traceback" not in err
    assert not list(tmp_path.rglob("*.docx"))


@pytest.mark.parametrize("name", ["notification.docx", "wuyang/feedback.docx"])
def test_page_setup_gbt9704(out, name):
    from docx.shared import Mm

    d = _open(out / name)
    assert len(d.sections) == 1
    s = d.sections[0]
    for got, mm in ((s.page_width, 210), (s.page_height, 297), (s.top_margin, 37), (s.left_margin, 28),
                    (s.right_margin, 26), (s.bottom_margin, 35)):
        assert abs(got - Mm(mm)) <= Mm(0.05), (got.mm, mm)
    assert abs((s.page_width - s.left_margin - s.right_margin) - Mm(156)) <= Mm(0.1)
    assert abs((s.page_height - s.top_margin - s.bottom_margin) - Mm(225)) <= Mm(0.1)
    grid = s._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines"
    pitch = int(grid.get(f"{W}linePitch"))
    assert int(225 / 25.4 * 1440 / pitch) == 22  # 22 lines fit, 23 do not
    # characters per line: (default size 16 pt + charSpace/4096) per character
    char_pt = 16 + int(grid.get(f"{W}charSpace")) / 4096
    assert int(156 / 25.4 * 72 / char_pt + 1e-6) == 28
    assert d.settings.odd_and_even_pages_header_footer


@pytest.mark.parametrize("name", ["notification.docx", "wuyang/feedback.docx"])
def test_styles_and_office_fonts(out, name):
    d = _open(out / name)

    def east_asia(style):
        while style is not None:
            rpr = style.element.find(f"{W}rPr")
            fonts = rpr.find(f"{W}rFonts") if rpr is not None else None
            if fonts is not None and fonts.get(f"{W}eastAsia"):
                return fonts.get(f"{W}eastAsia")
            style = style.base_style
        return None

    expect = {"公文标题": "方正小标宋简体", "发文机关标志": "方正小标宋简体", "公文正文": "仿宋_GB2312",
              "一级标题": "黑体", "二级标题": "楷体_GB2312", "版记": "仿宋_GB2312"}
    for style, font in expect.items():
        assert east_asia(d.styles[style]) == font, style
    assert d.styles["公文标题"].font.size.pt == 22
    assert d.styles["公文正文"].font.size.pt == 16
    used = {p.style.name for p in d.paragraphs}
    assert {"发文机关标志", "公文标题", "主送机关", "一级标题", "公文正文", "署名", "成文日期"} <= used
    # the organ name is red, the body paragraphs justified (撑满版心)
    organ = next(p for p in d.paragraphs if p.style.name == "发文机关标志")
    assert str(organ.runs[0].font.color.rgb) == "E00000"
    assert d.styles["公文正文"].element.find(f"{W}pPr").find(f"{W}jc").get(f"{W}val") == "both"
    # the office fonts are declared with the substitutes current Windows has (仿宋, 楷体)
    fonts_xml = next(p for p in d.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts_xml
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in fonts_xml
    # the red rule under the 发文字号
    rule = next(p for p in d.paragraphs if p.style.name == "红色分隔线")
    bottom = rule._p.find(f"{W}pPr").find(f"{W}pBdr").find(f"{W}bottom")
    assert bottom.get(f"{W}color") == "E00000"


def test_page_numbers_fields_odd_right_even_left_and_sample_mark(out):
    d = _open(out / "notification.docx")
    s = d.sections[0]
    for footer, side in ((s.footer, "right"), (s.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(f"{W}instrText"))
        assert [c.get(f"{W}fldCharType") for c in p._p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
        assert p.text.startswith("— ") and p.text.endswith(" —"), p.text
        assert p.alignment is not None and p.alignment.name.lower() == side, xml
    for header in (s.header, s.even_page_header):
        assert "示例数据" in header.paragraphs[0].text
    assert "示例数据" in d.core_properties.keywords
    assert d.core_properties.author == "漯河市质量强市战略工作领导小组办公室"
    # the title as in the PDF's metadata (which marks sample data too)
    assert d.core_properties.title.startswith("关于2022年度县区政府质量工作考核结果的通报")


def test_banji_rules_and_text(out):
    d = _open(out / "notification.docx")
    t = d.tables[-1]
    borders = t._tbl.tblPr.find(f"{W}tblBorders")
    sizes = {side: borders.find(f"{W}{side}").get(f"{W}sz") for side in ("top", "bottom", "insideH")}
    assert sizes == {"top": "8", "bottom": "8", "insideH": "6"}  # 0.35 mm, 0.35 mm, 0.25 mm
    pos = t._tbl.tblPr.find(f"{W}tblpPr")
    assert (pos.get(f"{W}vertAnchor"), pos.get(f"{W}tblpYSpec")) == ("margin", "bottom")
    text = [c.text for row in t.rows for c in row.cells]
    assert "抄送：市纪委监委，市委组织部。" in text[0]
    assert "2023年6月30日印发" in text


# ------------------------------------------------------------------ same text as the PDF


def _docx_paragraphs(path) -> list[tuple[str, bool]]:
    """(text, inside a table) of every body paragraph in document order; headers and
    footers aside."""
    d = _open(path)
    out = []
    for el in d.element.body.iter(f"{W}p"):
        in_table = any(a.tag == f"{W}tc" for a in el.iterancestors())
        out.append(("".join(t.text or "" for t in el.iter(f"{W}t")), in_table))
    return out


def _pdf_text(pdf: bytes, tmp_path) -> str:
    import pdfplumber

    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(str(path)) as doc:
        # unrotated characters only: the rotated 草稿 watermark is the Word copy's header
        return "".join(p.filter(lambda o: o.get("object_type") != "char" or abs(o["matrix"][1]) < 1e-3).extract_text()
                       or "" for p in doc.pages)


def _norm(text: str) -> str:
    text = re.sub(r"—\s*\d+\s*—", "", text)  # page numbers
    text = re.sub(r"示例数据：[^\n]*?演示", "", text)  # the header mark
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def other_round(project, tmp_path_factory):
    """(results, docx folder) of another example round, made once per round."""
    made = {}

    def get(rid):
        if rid not in made:
            rnd, diags = load_round(project, rid)
            assert rnd is not None, diags
            folder = tmp_path_factory.mktemp(rid)
            assert main(["docx", rid, "--out", str(folder), "--project", str(REPO), "-q"]) == 0
            made[rid] = (compute(rnd), folder / rid)
        return made[rid]

    return get


@pytest.mark.parametrize("rid, county", [("luohe-2022", None), ("luohe-2022", "wuyang"),
                                         *(pytest.param(r, c, marks=pytest.mark.slow) for r, c in (
                                             ("luohe-2022", "xicheng"), ("huizhou-2017", None),
                                             ("huizhou-2017", "huidong"), ("changzhou-2024", "wujin")))])
def test_text_equals_the_pdf_text(out, results, other_round, project, rid, county, tmp_path):
    """Every character of the PDF is in the Word copy and nothing else; paragraphs
    outside tables come in the same order (the PDF's text of a table interleaves the
    lines of its cells, so tables are compared by their characters)."""
    from collections import Counter

    from builder.pdf import render_feedback, render_notification

    if rid != "luohe-2022":
        results, out = other_round(rid)
    if county is None:
        pdf, name = render_notification(results, project), "notification.docx"
    else:
        pdf, name = render_feedback(results, project, county), f"{county}/feedback.docx"
    pdf_text = _norm(_pdf_text(pdf, tmp_path))
    if not results.round.is_published:
        # the PDF's watermark (草稿 / 征求意见稿) on every page is the Word copy's header
        from builder.pdf.documents import WATERMARKS

        mark = WATERMARKS.get(results.round.status, "草稿")
        assert mark in _open(out / name).sections[0].header.paragraphs[0].text
    paras = [(_norm(t), tab) for t, tab in _docx_paragraphs(out / name)]
    if county is not None:
        # The PDF's bar chart (caption and labels) is not in the Word copy: its figures are
        # in the score table that follows it.
        start = pdf_text.index("各考核领域得分与满分")
        end = pdf_text.index("各考核领域和考核项得分")
        assert re.search(r"\d/\d", pdf_text[start:end])  # its "score / max" labels
        pdf_text = pdf_text[:start] + pdf_text[end:]
        # the table's header row, repeated on each page it runs over
        head = "考核领域和考核项满分得分评价说明"
        first = pdf_text.index(head) + len(head)
        pdf_text = pdf_text[:first] + pdf_text[first:].replace(head, "")
    docx_text = "".join(t for t, _ in paras)
    assert Counter(docx_text) == Counter(pdf_text), (Counter(docx_text) - Counter(pdf_text),
                                                     Counter(pdf_text) - Counter(docx_text))
    pos = 0
    for text, in_table in paras:
        if text and not in_table:
            found = pdf_text.find(text, pos)
            assert found >= 0, (text, pdf_text[pos:pos + 80])
            pos = found + len(text)


# ------------------------------------------------------------------ LibreOffice


def _convert(docx: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(folder), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = folder / (docx.stem + ".pdf")
    assert pdf.is_file()
    return pdf


@pytest.fixture(scope="module")
def converted(out, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo")
    pdfs = {"notification": _convert(out / "notification.docx", folder / "n"),
            "feedback": _convert(out / "wuyang" / "feedback.docx", folder / "f")}
    for kind, pdf in pdfs.items():
        for page in range(1, len(pc.page_sizes(pdf)) + 1):
            pc.png(pdf, f"docx-lo-{kind}-page{page}", page=page, dpi=60)
    return pdfs


def _red_ink(pdf, page: int, y0: float, y1: float, dpi: int = 300, x0: float = LEFT, x1: float = RIGHT,
             red: bool = True) -> list[tuple[float, float]]:
    """Bands (top, bottom in mm) of rows between y0 and y1 mm holding red (else dark)
    pixels between x0 and x1 mm."""
    import tempfile

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), f"{tmp}/p"], check=True)
        img = Image.open(f"{tmp}/p.png").convert("RGB")
        img.load()
    px = 25.4 / dpi
    rows = []
    def hit(r, g, b):
        return r > 150 and g < 90 and b < 90 if red else r < 110 and g < 110 and b < 110

    for y in range(int(y0 / px), int(y1 / px)):
        if any(hit(*img.getpixel((x, y))) for x in range(int(x0 / px), int(x1 / px), 1 if not red else 2)):
            rows.append(y)
    bands: list[list[int]] = []
    for y in rows:
        if bands and y - bands[-1][1] <= 2:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    return [(a * px, b * px) for a, b in bands]


def _body(pdf, pages=None):
    return [l for l in pc.lines(pdf, pages) if abs(l.size - 16) < 0.1 and TOP - 1 < l.top < BOTTOM]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["notification", "feedback"])
def test_lo_a4_margins_and_version(converted, kind):
    pdf = converted[kind]
    for w, h in pc.page_sizes(pdf):
        assert abs(w / pc.MM - 210) < 0.5 and abs(h / pc.MM - 297) < 0.5
    body = _body(pdf)
    assert body
    assert abs(min(l.x0 for l in body) - LEFT) <= 1.0
    # LibreOffice 7.4 hangs a line-final "，" or "。" past the edge (行尾标点悬挂; it does
    # not read Word's overflowPunct off, which the file sets): the ink of such a mark is in
    # the left half of its box, which lies past the edge: at most one character box.
    one = 16 / 72 * 25.4
    assert max(l.x1 for l in body) <= RIGHT + one + 0.5
    hanging = [l for l in body if l.x1 > RIGHT + 1.0]
    assert all(l.text[-1] in "，。、；：！？）》”" for l in hanging), [l.text for l in hanging]
    # justified: every line that continues a paragraph ends at the right edge of the version
    full = [l for l in body if len(l.text) >= 26 and l not in hanging]
    assert full and all(abs(l.x1 - RIGHT) <= 1.0 for l in full), [(l.text, l.x1) for l in full if abs(l.x1 - RIGHT) > 1]


@pytest.mark.slow
def test_lo_22_lines_of_28_characters(converted):
    pdf = converted["notification"]
    page2 = _body(pdf, [2])
    assert len(page2) == 22, [l.text for l in page2]
    # first line of a continuation page: its characters start ≈ half a leading below 37 mm
    assert abs(page2[0].top - (TOP + (LINE_MM - 16 / 72 * 25.4) / 2)) <= 1.0, page2[0].top
    pitches = [b.top - a.top for a, b in zip(page2, page2[1:])]
    assert all(abs(p - LINE_MM) <= 0.2 for p in pitches), pitches
    cjk_only = [l for l in _body(pdf) if re.fullmatch(r"[\u3000-\u9fff\uff00-\uffef]+", l.text)]
    assert max(len(l.text) for l in cjk_only) == 28


@pytest.mark.slow
def test_lo_red_header_title_and_page_numbers(converted, results):
    pdf = converted["notification"]
    n = results.round.notification
    first = pc.lines(pdf, [1])
    organ = next(l for l in first if l.text == n.organ)
    assert all(pc.is_red(c) for c in organ.colours), organ.colours
    assert abs((organ.x0 + organ.x1) / 2 - (LEFT + WIDTH / 2)) <= 1.0
    # 35 mm from the top of the version to the top of the characters: measured on the ink
    # (LibreOffice substitutes a font for 方正小标宋简体 whose box is taller than its ink)
    ink = _red_ink(pdf, 1, TOP + 20, TOP + 50)
    assert abs(ink[0][0] - (TOP + 35)) <= 1.0, ink
    red = [r for r in pc.hrules(pdf, 1, dpi=300) if r["colour"] == "red"]
    assert len(red) == 1
    code = next(l for l in first if l.text == n.doc_code)
    assert 3.0 <= red[0]["top"] - code.bottom <= 5.5, (red[0], code.bottom)  # 4 mm below the 发文字号
    title = [l for l in first if abs(l.size - 22) < 0.1]
    assert "".join(l.text for l in title) == n.title
    assert 2 * LINE_MM - 1 <= title[0].top - red[0]["bottom"] <= 2 * LINE_MM + 3
    pages = len(pc.page_sizes(pdf))
    for page in range(1, pages + 1):
        num = [l for l in pc.lines(pdf, [page]) if abs(l.size - 14) < 0.1 and l.top > BOTTOM]
        assert len(num) == 1 and num[0].text.replace(" ", "") == f"—{page}—", num
        one = 14 / 72 * 25.4
        # the 一字线's ink (the first "—") 7 mm below the version
        dash = _red_ink(pdf, page, BOTTOM + 2, BOTTOM + 12, x0=num[0].x0 + 0.3,
                        x1=num[0].x0 + one - 0.5, red=False)
        assert len(dash) == 1 and abs((dash[0][0] + dash[0][1]) / 2 - (BOTTOM + 7)) <= 1.0, dash
        if page % 2:
            assert abs(num[0].x1 - (RIGHT - one)) <= 1.0, num[0].x1
        else:
            assert abs(num[0].x0 - (LEFT + one)) <= 1.0, num[0].x0


@pytest.mark.slow
def test_lo_banji_rules_on_the_last_page(converted):
    pdf = converted["notification"]
    last = len(pc.page_sizes(pdf))
    text = " ".join(l.text for l in pc.lines(pdf, [last]))
    assert "抄送：" in text and "印发" in text
    black = [r for r in pc.hrules(pdf, last, dpi=300) if r["colour"] == "black"]
    # the 版记's three rules (first and last 0.35 mm, the middle one thinner); the annex
    # table's rules are not across the whole version at every probe column… except its
    # top and bottom, so at least three
    assert len(black) >= 3


# ------------------------------------------------------------------ the site


@pytest.mark.slow
def test_docx_reach_the_site_only_when_round_yaml_asks(tmp_path):
    from site_support import build, make_project

    root = make_project(tmp_path)
    ry = root / "content" / "tiny-2024" / "round.yaml"
    ry.write_text(ry.read_text(encoding="utf-8") + "publish_docx: true\n", encoding="utf-8")
    out = tmp_path / "site"
    p = build(root, out, env={"KAOHE_PDFS": "1"})
    assert p.returncode == 0, p.stderr
    for cid in ("east", "west", "south"):
        assert (out / "tiny-2024" / cid / "feedback.docx").is_file()
        _open(out / "tiny-2024" / cid / "feedback.docx")  # a valid package
    # tiny-grades does not ask (and publishes grades only): no Word file at all
    assert not list((out / "tiny-grades").rglob("*.docx"))
    assert not list((out / "tiny-2024").rglob("notification.docx"))  # no 通报 in this round


def test_publish_docx_is_off_by_default_and_read_from_round_yaml(project, tmp_path):
    from builder.rounds.meta import load_round_meta

    meta, diags = load_round_meta(project.content_dir, "luohe-2022")
    assert meta is not None and meta.publish_docx is False
    folder = tmp_path / "content" / "luohe-2022"
    shutil.copytree(project.content_dir / "luohe-2022", folder)
    (folder / "round.yaml").write_text((folder / "round.yaml").read_text(encoding="utf-8") + "publish_docx: true\n",
                                       encoding="utf-8")
    meta, diags = load_round_meta(tmp_path / "content", "luohe-2022")
    assert meta is not None and meta.publish_docx is True, diags
    (folder / "round.yaml").write_text((folder / "round.yaml").read_text(encoding="utf-8").replace(
        "publish_docx: true", "publish_docx: 也许"), encoding="utf-8")
    meta, diags = load_round_meta(tmp_path / "content", "luohe-2022")
    assert meta is None and any("publish_docx" in d.message for d in diags), diags
