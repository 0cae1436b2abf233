"""Editable Word copies (.docx) of a round's 通报 and feedback letters, for the office.

The office edits these in WPS or Word before the documents are sealed, so they carry the
GB/T 9704-2012 page set-up and the fonts as Chinese offices have them installed
(方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312), not the stand-ins the PDFs embed.

**Same text as the PDF, by construction.** A document's text is not assembled here: each
document is the HTML of its print template (``themes/print/*.html``, filled by
:mod:`builder.pdf.documents` and rendered by :meth:`builder.pdf.render.Renderer.html`,
exactly what WeasyPrint lays out), and this module maps that HTML's blocks to Word
paragraphs, tables and sections by their classes (``organ``, ``title``, ``body``,
``signature``, ``annex``, ``banji`` …). Wording changes in the documents or templates
therefore reach the PDF and the .docx alike. Two things of the PDF are not copied: the
per-area bar chart (an SVG; its figures are in the table that follows it) and images.

What the writer adds is Word's own form of the layout rules that ``print.css`` states for
WeasyPrint: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, a document grid of 22 lines ×
28 characters (``w:docGrid``), the red 发文机关标志 and rule, the 版记 rules (a table
anchored to the bottom of the version), and page numbers "— N —" as PAGE fields, odd
pages on the right and even pages on the left (``w:evenAndOddHeaders``). Content marked
``sample: true`` says 示例数据 in the header of every page.

python-docx (pinned in pyproject.toml) writes the package; the few page-setup elements
it has no API for are set through its oxml layer. Same input → same bytes: the zip
entries get a fixed date and the core properties the round's date.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import re
import zipfile
from pathlib import Path

# Role → the font name as installed in Chinese offices (the licensed fonts the office
# has; Word and WPS substitute when one is missing). Not the PDF stand-ins of fonts.yaml:
# these files are edited and printed on the office's machines.
WORD_FONTS = {
    "xiaobiaosong": "方正小标宋简体",
    "fangsong": "仿宋_GB2312",
    "heiti": "黑体",
    "kaiti": "楷体_GB2312",
    "songti": "宋体",
}
# How Word and WPS should substitute a missing office font (fontTable.xml: w:altName, and
# charset 86 = GB2312): 仿宋_GB2312 and 楷体_GB2312 are not installed on current Windows,
# which has 仿宋 and 楷体 instead.
WORD_ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "方正小标宋_GBK"}
KINDS = ("notification", "feedback")

MM_TWIPS = 1440 / 25.4
PAGE_W, PAGE_H = 210, 297  # A4, mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37, 35, 28, 26  # mm: 版心 156 × 225
TEXT_W_MM = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
LINES, CHARS = 22, 28
LINE_TWIPS = 579  # 28.95 pt: 22 lines take 636.9 of the 637.8 pt version height
BODY_PT = 16  # 3号
CHAR_PT = TEXT_W_MM * 72 / 25.4 / CHARS  # 15.79 pt: 28 characters fill 156 mm
# −0.25 pt between characters (as print.css): 28 characters of 15.75 pt fit the 156 mm line.
BODY_TRACKING = -5  # twentieths of a point
RED = "E00000"


def _twips(mm: float) -> int:
    return round(mm * MM_TWIPS)


# --------------------------------------------------------------------------- public API


def docx_rel_path(rel_pdf: str) -> str:
    """Where a document's .docx goes: beside its PDF name (``luohe-2022/wuyang/feedback.docx``)."""
    return rel_pdf[: -len(".pdf")] + ".docx" if rel_pdf.endswith(".pdf") else rel_pdf + ".docx"


def round_docx(
    results, project, county: str | None = None, kinds: tuple[str, ...] | None = None
) -> list[tuple[str, bytes]]:
    """(relative path, .docx bytes) of the 通报 (when the round has a ``notification``
    section and no county is asked for) and of every county's feedback letter, in the
    order of :func:`builder.pdf.documents.round_docs`; ``kinds`` limits them to some of
    :data:`KINDS`.

    Raises :class:`~builder.diagnostics.DiagnosticError` (every problem, located) when a
    document cannot be made, e.g. an unreadable feedback file or a broken template.
    """
    from ..pdf import documents
    from ..pdf.render import PRINT_EQUIVALENTS, Renderer

    # The templates only: no font is resolved or embedded for a Word copy. The characters
    # print equivalents replace (﹝﹞ → 〔〕) are replaced here too; characters the PDF's font
    # lacks stay as they are (the office's fonts may have them).
    renderer = Renderer(project, resolved_fonts={})
    specs = documents.round_specs(results, project, county=county, kinds=KINDS if kinds is None else kinds)
    return [
        (
            docx_rel_path(spec.rel_path),
            document_docx(renderer.html(spec).translate(PRINT_EQUIVALENTS), spec.context["doc"]),
        )
        for spec in specs
    ]


def write_round_docx(
    results, project, out_dir: Path, county: str | None = None, kinds: tuple[str, ...] | None = None
) -> list[Path]:
    """Write :func:`round_docx` under ``out_dir`` (``<round>/notification.docx``,
    ``<round>/<county>/feedback.docx``); returns the paths. Every document is made before
    any is written, each is written to a temporary file and renamed into place."""
    from ..files import write_atomic

    made = round_docx(results, project, county, kinds)
    paths = []
    for rel, data in made:
        path = Path(out_dir) / rel
        write_atomic(path, data, durable=False)
        paths.append(path)
    return paths


def document_docx(html: str, doc: dict) -> bytes:
    """One printed document's HTML (a print template's output) as .docx bytes.

    ``doc`` is the template's ``doc`` context (:func:`builder.pdf.documents.doc_info`):
    title, author, created date, watermark and sample note.
    """
    import lxml.html

    root = lxml.html.document_fromstring(html)
    w = _Writer(doc)
    body = root.find("body")
    w.blocks(body)
    return w.finish()


# --------------------------------------------------------------------------- writer


_STYLES = {
    # name: (font role, size in pt, alignment, first-line indent in characters, outline level)
    "公文正文": ("fangsong", BODY_PT, "both", 2, None),
    "发文机关标志": ("xiaobiaosong", 26, "center", 0, None),
    "发文字号": ("fangsong", BODY_PT, "center", 0, None),
    "公文标题": ("xiaobiaosong", 22, "center", 0, 0),
    "主送机关": ("fangsong", BODY_PT, "both", 0, None),
    "一级标题": ("heiti", BODY_PT, "both", 2, 1),
    "二级标题": ("kaiti", BODY_PT, "both", 2, 2),
    "三级标题": ("fangsong", BODY_PT, "both", 2, 3),
    "附件说明": ("fangsong", BODY_PT, "left", 0, None),
    "署名": ("fangsong", BODY_PT, "right", 0, None),
    "成文日期": ("fangsong", BODY_PT, "right", 0, None),
    "附件标识": ("heiti", BODY_PT, "left", 0, None),
    "附件标题": ("xiaobiaosong", 22, "center", 0, 0),
    "表格标题": ("heiti", 14, "center", 0, None),
    "表格文字": ("fangsong", 12, "center", 0, None),
    "表注": ("fangsong", 12, "both", 0, None),
    "版记": ("fangsong", 14, "left", 0, None),
    "页码": ("songti", 14, "right", 0, None),
    "页眉说明": ("heiti", 10.5, "center", 0, None),
}
# Styles set with no letter-spacing (print.css: letter-spacing 0), all others get
# BODY_TRACKING like the PDF's body text.
_UNTRACKED = {
    "发文机关标志",
    "发文字号",
    "公文标题",
    "附件标题",
    "表格标题",
    "表格文字",
    "表注",
    "版记",
    "页码",
    "页眉说明",
}
_JC = {"both": "both", "center": "center", "left": "left", "right": "right"}


@functools.lru_cache(maxsize=1)
def _template() -> bytes:
    """The empty document every Word copy starts from, made once per process: adding the
    styles through python-docx is most of the time of a short document."""
    w = _Writer(None, template=True)
    buf = io.BytesIO()
    w.d.save(buf)
    return buf.getvalue()


class _Writer:
    def __init__(self, doc: dict | None, *, template: bool = False):
        """A document on the prepared template (styles, page set-up, page numbers), with
        ``doc``'s marks in the header; ``template=True`` prepares that template itself."""
        from docx import Document

        self.info = doc or {}
        self._style_ids: dict[str, str] = {}
        if template:
            self.d = Document()
            self._setup_styles()
            self._setup_page()
        else:
            self.d = Document(io.BytesIO(_template()))
            self._header_marks(self.d.sections[0])

    # ------------------------------------------------------------ set-up

    def _setup_styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        styles = self.d.styles
        self._doc_defaults(styles.element)
        normal = styles["Normal"]
        _set_fonts(normal.element.get_or_add_rPr(), "fangsong")
        normal.font.size = Pt(BODY_PT)
        self._ppr(normal.element, line=LINE_TWIPS, grid=False)
        _no_hanging_punctuation(normal.element.get_or_add_pPr())
        _letter_spacing(normal.element.get_or_add_rPr(), BODY_TRACKING)
        for name, (role, size, jc, indent, outline) in _STYLES.items():
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = normal
            st.quick_style = True
            st.font.size = Pt(size)
            rpr = st.element.get_or_add_rPr()
            _set_fonts(rpr, role)
            if name in _UNTRACKED:
                _letter_spacing(rpr, 0)
            line: int | None = {12: 360, 14: 280 if name != "表格标题" else LINE_TWIPS, 10.5: 240}.get(size, LINE_TWIPS)
            if name == "发文机关标志":
                line = None  # set per document (the size depends on the organ name)
            self._ppr(st.element, jc=jc, first_chars=indent, line=line, outline=outline, grid=False)
        st = styles.add_style("红色分隔线", WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        self._ppr(st.element, jc="center", line=20, grid=False)
        st.font.size = Pt(1)

    def _doc_defaults(self, styles_el) -> None:
        """Document defaults: 3号 仿宋, Chinese, no space after paragraphs. The size matters
        beyond the text: Word and LibreOffice measure the character grid from it."""
        from docx.oxml.ns import qn

        defaults = styles_el.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, "fangsong")
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        sp = ppr.find(qn("w:spacing"))
        sp.set(qn("w:after"), "0")
        sp.set(qn("w:line"), str(LINE_TWIPS))
        sp.set(qn("w:lineRule"), "exact")
        _no_hanging_punctuation(ppr)

    def _ppr(
        self,
        el,
        *,
        jc=None,
        first_chars=0,
        line=None,
        outline=None,
        grid=True,
        before=None,
        after=None,
        left=None,
        right=None,
        hanging=None,
        keep_next=False,
    ):
        """Paragraph properties on a style or paragraph element (twips; None = leave)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        ppr = el.get_or_add_pPr()

        def child(tag):
            found = ppr.find(qn(tag))
            if found is None:
                found = OxmlElement(tag)
                ppr.append(found)
            return found

        if keep_next:
            child("w:keepNext")
        if not grid:
            child("w:snapToGrid").set(qn("w:val"), "0")
        if line is not None or before is not None or after is not None:
            sp = child("w:spacing")
            sp.set(qn("w:before"), str(before or 0))
            sp.set(qn("w:after"), str(after or 0))
            if line is not None:
                sp.set(qn("w:line"), str(line))
                sp.set(qn("w:lineRule"), "exact")
        if first_chars or left is not None or right is not None or hanging is not None:
            ind = child("w:ind")
            if left is not None:
                ind.set(qn("w:left"), str(left))
            if right is not None:
                ind.set(qn("w:right"), str(right))
            if hanging is not None:
                ind.set(qn("w:hanging"), str(hanging))
            elif first_chars:
                ind.set(qn("w:firstLine"), str(round(first_chars * CHAR_PT * 20)))
        if jc is not None:
            child("w:jc").set(qn("w:val"), _JC[jc])
        if outline is not None:
            child("w:outlineLvl").set(qn("w:val"), str(outline))
        _order_ppr(ppr)
        return ppr

    def _setup_page(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Twips

        sec = self.d.sections[0]
        sec.page_width, sec.page_height = Twips(_twips(PAGE_W)), Twips(_twips(PAGE_H))
        sec.top_margin, sec.bottom_margin = Twips(_twips(MARGIN_TOP)), Twips(_twips(MARGIN_BOTTOM))
        sec.left_margin, sec.right_margin = Twips(_twips(MARGIN_LEFT)), Twips(_twips(MARGIN_RIGHT))
        sec.gutter = 0
        # The 一字线 of the page number 7 mm below the version: a 14 pt line whose middle
        # is 28 mm above the page's bottom edge.
        sec.footer_distance = Twips(_twips(MARGIN_BOTTOM - 7) - 140)
        sec.header_distance = Twips(_twips(MARGIN_TOP - 12))
        sectpr = sec._sectPr
        grid = sectpr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sectpr.append(grid)
        # 22 lines × 28 characters: the line pitch in twips, and charSpace = the amount in
        # 1/4096 pt added to the 16 pt default character width to make 28 fill 156 mm.
        # The grid is of type "lines" (Word's 只指定行网格), and the paragraphs do not snap
        # to it (snapToGrid 0): with "linesAndChars" LibreOffice 7.4 widens every CJK
        # character (27 a line, measured) even in paragraphs that do not snap. The text gets
        # the geometry explicitly instead, as the PDF does: exact 28.95 pt lines and −0.25 pt
        # letter-spacing, 22 lines × 28 characters in Word, WPS and LibreOffice alike.
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_TWIPS))
        grid.set(qn("w:charSpace"), str(round((CHAR_PT - BODY_PT) * 4096)))
        self.d.settings.odd_and_even_pages_header_footer = True
        self._headers_footers(sec)

    def _headers_footers(self, sec) -> None:
        for header in (sec.header, sec.even_page_header):
            header.is_linked_to_previous = False
            self.set_style(header.paragraphs[0], "页眉说明")
        for footer, side in ((sec.footer, "right"), (sec.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            self.set_style(p, "页码")
            one = round(14 * 20)  # 空一字 of 4号
            self._ppr(p._p, jc=side, left=one if side == "left" else None, right=one if side == "right" else None)
            p.add_run("— ")
            _page_field(p)
            p.add_run(" —")

    def _header_marks(self, sec) -> None:
        """示例数据 (sample content) and the 草稿 / 征求意见稿 mark in the header of every page."""
        from docx.shared import RGBColor

        notes = [t for t in (self.info.get("sample_note"), self.info.get("watermark")) if t]
        if not notes:
            return
        for header in (sec.header, sec.even_page_header):
            run = header.paragraphs[0].add_run("；".join(notes))
            run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    # ------------------------------------------------------------ blocks

    def para(self, style: str, text: str = "", role: str | None = None):
        p = self.d.add_paragraph()
        self.set_style(p, style)
        if text:
            self.run(p, text, role)
        return p

    def set_style(self, p, name: str) -> None:
        """Set a paragraph style by id (python-docx's ``p.style = …`` looks the default
        style up on every call: most of the time of a long table)."""
        sid = self._style_ids.get(name)
        if sid is None:
            sid = self._style_ids[name] = self.d.styles[name].style_id
        p._p.get_or_add_pPr().get_or_add_pStyle().val = sid

    def run(self, p, text: str, role: str | None = None, *, color: str | None = None):
        from docx.shared import RGBColor

        r = p.add_run(text)
        if role is not None:
            _set_fonts(r._r.get_or_add_rPr(), role)
        if color:
            r.font.color.rgb = RGBColor.from_string(color)
        return r

    def inline(self, p, el, role: str | None = None) -> None:
        """The inline content of ``el`` as runs of ``p`` (whitespace collapsed as in HTML)."""
        if el.text:
            self._text(p, el.text, role)
        for child in el:
            self.inline_element(p, child, role)
            if child.tail:
                self._text(p, child.tail, role)

    def inline_element(self, p, child, role: str | None) -> None:
        """One inline element (without its tail): 黑体 for strong, 楷体 for em and run-in （一） headings."""
        tag = child.tag if isinstance(child.tag, str) else ""
        cls = child.get("class", "") if tag else ""
        if tag == "br":
            p.add_run().add_break()
        elif tag in ("", "img", "svg", "script", "style"):
            pass
        else:
            sub = role
            if tag in ("strong", "b"):
                sub = "heiti"
            elif tag in ("em", "i") or "h2-inline" in cls:
                sub = "kaiti"
            self.inline(p, child, sub)

    def _text(self, p, text: str, role):
        text = re.sub(r"[ \t\r\n\f]+", " ", text)
        before = "".join(r.text for r in p.runs)
        if not before or before.endswith((" ", "\n")):
            text = text.lstrip(" ")
        if text:
            self.run(p, text, role)

    def blocks(self, el) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            self.block(child)

    def block(self, el) -> None:
        tag, cls = el.tag, set(el.get("class", "").split())
        if "sample-note" in cls or "watermark" in cls:
            return  # in the header of every page instead
        if tag == "div" and "header" in cls:
            self.header(el)
        elif tag == "div" and "title-block" in cls:
            for child in el:
                if child.tag == "h1":
                    p = self.para("公文标题")
                    self._ppr(p._p, before=2 * LINE_TWIPS)
                    self.inline(p, child)
                elif "recipient" in child.get("class", ""):
                    p = self.para("主送机关")
                    self._ppr(p._p, before=LINE_TWIPS)
                    self.inline(p, child)
        elif tag in ("div", "section") and "body" in cls or tag == "section" and "annex" not in cls:
            self.blocks(el)
        elif tag == "div" and "attachments" in cls:
            self.attachments(el)
        elif tag == "div" and "signature" in cls:
            self.signature(el)
        elif tag == "section" and "annex" in cls:
            self.annex(el)
        elif "banji-anchor" in cls or "banji" in cls:
            banji = el if "banji" in cls else el.find_class("banji")
            self.banji(banji if not isinstance(banji, list) else (banji[0] if banji else None))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            style = {"h1": "公文标题", "h2": "一级标题", "h3": "二级标题"}.get(tag, "三级标题")
            if "annex-title" in cls:
                style = "附件标题"
            p = self.para(style)
            self._ppr(p._p, keep_next=True)
            if style == "附件标题":
                self._ppr(p._p, before=LINE_TWIPS, after=LINE_TWIPS)
            self.inline(p, el)
        elif tag == "p":
            style = "表注" if "table-note" in cls else "公文正文"
            p = self.para(style)
            if "noindent" in cls:
                self._ppr(p._p, left=0)
            self.inline(p, el)
        elif tag in ("ol", "ul"):
            self.listing(el)
        elif tag == "blockquote":
            for child in el:
                if isinstance(child.tag, str):
                    p = self.para("公文正文")
                    self.inline(p, child, "kaiti")
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            pass  # the chart (its figures are in the next table) and images
        elif tag == "div" and "annex-label" in cls:
            self.inline(self.para("附件标识"), el)
        elif tag in ("div", "section"):
            self.blocks(el)
        elif tag == "hr":
            pass
        else:
            p = self.para("公文正文")
            self.inline(p, el)

    def header(self, el) -> None:
        from docx.shared import Pt

        organ = el.find_class("organ")
        code = el.find_class("doc-code")
        if organ:
            o = organ[0]
            size = _style_pt(o, "font-size") or 36
            p = self.para("发文机关标志")
            self._ppr(p._p, before=round((_style_pt(o, "margin-top") or 0) * 20), line=round(size * 20))
            r = self.run(p, o.text_content().strip(), color=RED)
            r.font.size = Pt(size)
        if code:
            c = code[0]
            p = self.para("发文字号")
            # The PDF's gap is two grid lines plus a half-leading; here two lines of space
            # before a line of the grid.
            self._ppr(p._p, before=2 * LINE_TWIPS - round((LINE_TWIPS - BODY_PT * 20) / 2))
            text = c.text_content().strip()
            if text:
                self.run(p, text)
        # Red rule, as wide as the version, 4 mm below the 发文字号.
        rule = self.para("红色分隔线")
        self._ppr(rule._p, before=_twips(4) - 20 - round((LINE_TWIPS - BODY_PT * 20) / 2))
        _border(rule._p, "bottom", RED, 8)

    def attachments(self, el) -> None:
        rows = el.find_class("row")
        label_w = round(3 * CHAR_PT * 20)
        two = round(2 * CHAR_PT * 20)
        for i, row in enumerate(rows):
            p = self.para("附件说明")
            before = LINE_TWIPS if i == 0 else 0
            self._ppr(p._p, before=before, left=two + label_w, hanging=label_w)
            label = row.find_class("label")
            name = row.find_class("name")
            lab = label[0].text_content().strip() if label else ""
            if lab:
                self.run(p, lab)
            elif i > 0:
                p.add_run("\t")
            if name:
                self.inline(p, name[0])

    def signature(self, el) -> None:
        sig = el.find_class("organ-sig")
        date = el.find_class("date")
        s = sig[0].text_content().strip() if sig else ""
        d = date[0].text_content().strip() if date else ""
        ws, wd = _width(s), _width(d)
        # 署名右空二字; the date starts two characters right of the signature's first
        # character; a date longer than that is 右空二字 and the signature moves left.
        right_s: float
        right_d: float
        if wd + 2 <= ws:
            right_s, right_d = 2, 2 + ws - 2 - wd
        else:
            right_d, right_s = 2, 2 + wd + 2 - ws
        ch = CHAR_PT * 20
        p = self.para("署名", s)
        self._ppr(p._p, before=LINE_TWIPS, right=round(right_s * ch), keep_next=True)
        p = self.para("成文日期", d)
        self._ppr(p._p, right=round(right_d * ch))

    def annex(self, el) -> None:
        from docx.enum.text import WD_BREAK

        last = self.d.paragraphs[-1] if self.d.paragraphs else self.para("公文正文")
        last.add_run().add_break(WD_BREAK.PAGE)
        self.blocks(el)

    def listing(self, el) -> None:
        n = 0
        for li in el:
            if li.tag != "li":
                continue
            n += 1
            p = self.para("公文正文")
            # The markers print.css draws (ol: "1．", ul: "—").
            self.run(p, f"{n}．" if el.tag == "ol" else "—")
            if li.text:
                self._text(p, li.text, None)
            nested = []
            for child in li:
                if child.tag in ("ol", "ul"):
                    nested.append(child)
                elif child.tag == "p":
                    self.inline(p, child)
                else:
                    self.inline_element(p, child, None)
                if child.tail:
                    self._text(p, child.tail, None)
            for sub in nested:
                self.listing(sub)

    def table(self, el) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Twips

        caption = el.find("caption")
        if caption is not None:
            p = self.para("表格标题")
            self._ppr(p._p, keep_next=True, after=_twips(2))
            self.inline(p, caption)
        rows = [tr for tr in el.iter("tr")]
        if not rows:
            return
        ncols = max(sum(int(c.get("colspan", 1)) for c in tr if c.tag in ("td", "th")) for tr in rows)
        widths = _col_widths(el, ncols)
        table = self.d.add_table(rows=0, cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tblpr = table._tbl.tblPr
        _table_borders(tblpr, 4)
        lay = OxmlElement("w:tblLayout")
        lay.set(qn("w:type"), "fixed")
        tblpr.append(lay)
        _table_width(tblpr)
        _order(tblpr, _TBLPR_ORDER)
        grid = table._tbl.tblGrid
        for gc, wv in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            gc.set(qn("w:w"), str(wv))
        for tr in rows:
            cells = [c for c in tr if c.tag in ("td", "th")]
            row = table.add_row()
            in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
            if in_head:
                trpr = row._tr.get_or_add_trPr()
                h = OxmlElement("w:tblHeader")
                trpr.append(h)
            cant = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().insert(0, cant)
            area = "area" in tr.get("class", "")
            for i, (cell_el, cell) in enumerate(zip(cells, row.cells, strict=False)):  # (a short row: fewer cells)
                cell.width = Twips(widths[i])
                p = cell.paragraphs[0]
                self.set_style(p, "表格文字")
                left = "text" in cell_el.get("class", "") and cell_el.tag == "td"
                self._ppr(p._p, jc="left" if left else "center")
                role = "heiti" if cell_el.tag == "th" or area else None
                self.inline(p, cell_el, role)
                tcpr = cell._tc.get_or_add_tcPr()
                va = OxmlElement("w:vAlign")
                va.set(qn("w:val"), "center")
                tcpr.append(va)
        # A paragraph after the table, so that following blocks do not join it.
        gap = self.para("表注")
        if "body-table" in el.get("class", ""):
            self._ppr(gap._p, line=LINE_TWIPS)

    def banji(self, el) -> None:
        """版记: 抄送 and 印发机关/印发日期 between rules, in a table anchored to the bottom of
        the version (``w:tblpPr`` vertAnchor margin, tblpYSpec bottom), as the PDF's
        footnote area puts it at the bottom of the last page. Word and WPS place it there;
        LibreOffice 7.4 lays a floating table out inline, right after the body."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Twips

        if el is None:
            return
        cc = el.find_class("cc")
        printed = el.find_class("printed")
        lines = []
        if cc:
            label = cc[0].find_class("label")
            names = cc[0].find_class("names")
            lines.append(
                (
                    "cc",
                    (label[0].text_content() if label else "").strip(),
                    (names[0].text_content() if names else "").strip(),
                )
            )
        if printed:
            parts = [s.text_content().strip() for s in printed[0] if s.tag == "span"]
            lines.append(("printed", parts[0] if parts else "", parts[1] if len(parts) > 1 else ""))
        if not lines:
            return
        table = self.d.add_table(rows=0, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tblpr = table._tbl.tblPr
        pos = OxmlElement("w:tblpPr")
        for k, v in (
            ("leftFromText", "0"),
            ("rightFromText", "0"),
            ("topFromText", "0"),
            ("bottomFromText", "0"),
            ("vertAnchor", "margin"),
            ("horzAnchor", "margin"),
            ("tblpXSpec", "center"),
            ("tblpYSpec", "bottom"),
        ):
            pos.set(qn(f"w:{k}"), v)
        tblpr.insert(0, pos)
        _table_width(tblpr)
        borders = OxmlElement("w:tblBorders")
        for side, size in (("top", 8), ("bottom", 8), ("insideH", 6)):  # 0.35 mm, 0.35 mm, 0.25 mm
            borders.append(_border_el(side, "000000", size))
        for side in ("left", "right", "insideV"):
            b = OxmlElement(f"w:{side}")
            b.set(qn("w:val"), "nil")
            borders.append(b)
        tblpr.append(borders)
        lay = OxmlElement("w:tblLayout")
        lay.set(qn("w:type"), "fixed")
        tblpr.append(lay)
        cm = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            m = OxmlElement(f"w:{side}")
            m.set(qn("w:w"), "0")
            m.set(qn("w:type"), "dxa")
            cm.append(m)
        tblpr.append(cm)
        _order(tblpr, _TBLPR_ORDER)
        width = _twips(TEXT_W_MM)
        cols = (round(width * 0.62), width - round(width * 0.62))  # 印发机关 | 印发日期
        for gc, wv in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), cols, strict=True):
            gc.set(qn("w:w"), str(wv))
        pad = _twips(2.2)
        one = 14 * 20  # 左右各空一字 (4号)
        for kind, a, b in lines:
            row = table.add_row()
            if kind == "cc":
                cell = row.cells[0].merge(row.cells[1])
                p = cell.paragraphs[0]
                self.set_style(p, "版记")
                self._ppr(p._p, before=pad, after=pad, left=one + 3 * one, right=one, hanging=3 * one)
                self.run(p, a)
                self.run(p, b)
            else:
                # 印发机关 flush left and 印发日期 flush right, each 空一字: two cells (a right
                # tab stop inside a cell is placed differently by LibreOffice).
                for cell, text, side, wv in ((row.cells[0], a, "left", cols[0]), (row.cells[1], b, "right", cols[1])):
                    cell.width = Twips(wv)
                    p = cell.paragraphs[0]
                    self.set_style(p, "版记")
                    self._ppr(
                        p._p,
                        before=pad,
                        after=pad,
                        left=one if side == "left" else 0,
                        right=one if side == "right" else 0,
                        jc=side,
                    )
                    self.run(p, text)
        # Word wants a paragraph after a table at the end of the body: the smallest one.
        self.para("红色分隔线")

    # ------------------------------------------------------------ output

    def _font_table(self) -> None:
        """Declare the office fonts in fontTable.xml with their substitutes (WORD_ALT_NAMES)."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn
        from lxml import etree

        part = next((p for p in self.d.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
        if part is None:
            return
        root = parse_xml(part.blob)
        known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
        for name in WORD_FONTS.values():
            if name in known:
                continue
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            if name in WORD_ALT_NAMES:
                etree.SubElement(font, qn("w:altName")).set(qn("w:val"), WORD_ALT_NAMES[name])
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
            etree.SubElement(font, qn("w:family")).set(
                qn("w:val"), "roman" if "宋" in name and "仿" not in name else "modern"
            )
            etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def finish(self) -> bytes:
        """The package: properties and font table set, zip entries dated by the round."""
        self._core_properties()
        self._font_table()
        buf = io.BytesIO()
        self.d.save(buf)
        return _fixed_zip(buf.getvalue(), _zip_date(self.info.get("created", "")))

    def _core_properties(self) -> None:
        cp = self.d.core_properties
        cp.title = self.info.get("title", "")
        cp.author = self.info.get("author", "")
        cp.last_modified_by = self.info.get("author", "")
        cp.subject = {"notification": "考核结果通报", "feedback": "考核结果反馈"}.get(self.info.get("kind", ""), "")
        cp.keywords = "示例数据" if self.info.get("sample_note") else ""
        cp.comments = self.info.get("sample_note", "")
        cp.revision = 1
        created = _created(self.info.get("created", ""))
        cp.created = created
        cp.modified = created


# --------------------------------------------------------------------------- XML helpers

_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]


def _order(el, order: list[str]) -> None:
    """Children in the order the schema requires (Word refuses files that break it)."""
    from docx.oxml.ns import qn

    rank = {qn(f"w:{n}"): i for i, n in enumerate(order)}
    kids = list(el)
    for k in kids:
        el.remove(k)
    for k in sorted(kids, key=lambda k: rank.get(k.tag, len(rank))):
        el.append(k)


def _order_ppr(ppr) -> None:
    _order(ppr, _PPR_ORDER)


def _set_fonts(rpr, role: str) -> None:
    """w:rFonts with every script set to the role's office font (eastAsia included)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    name = WORD_FONTS[role]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    fonts.set(qn("w:hint"), "eastAsia")
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    _order(rpr, _RPR_ORDER)


def _no_hanging_punctuation(ppr) -> None:
    """No punctuation hanging past the right edge (Word's 允许标点溢出边界, on by default
    in Word and LibreOffice): the PDF keeps every line inside the version."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if ppr.find(qn("w:overflowPunct")) is None:
        punct = OxmlElement("w:overflowPunct")
        punct.set(qn("w:val"), "0")
        ppr.append(punct)
    _order_ppr(ppr)


def _letter_spacing(rpr, twentieths: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sp = rpr.find(qn("w:spacing"))
    if sp is None:
        sp = OxmlElement("w:spacing")
        rpr.append(sp)
    sp.set(qn("w:val"), str(twentieths))
    _order(rpr, _RPR_ORDER)


def _border_el(side: str, color: str, size: int, space_twips: int = 0):
    """A border element; ``space`` (pt, at most 31) is the gap between text and rule."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    b = OxmlElement(f"w:{side}")
    b.set(qn("w:val"), "single")
    b.set(qn("w:sz"), str(size))
    b.set(qn("w:space"), str(min(31, round(space_twips / 20))))
    b.set(qn("w:color"), color)
    return b


def _border(p, side: str, color: str, size: int) -> None:
    from docx.oxml import OxmlElement

    ppr = p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bdr.append(_border_el(side, color, size))
    ppr.append(bdr)
    _order_ppr(ppr)


def _table_width(tblpr) -> None:
    """The table as wide as the version (replacing python-docx's automatic width)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in tblpr.findall(qn("w:tblW")):
        tblpr.remove(old)
    tw = OxmlElement("w:tblW")
    tw.set(qn("w:w"), str(_twips(TEXT_W_MM)))
    tw.set(qn("w:type"), "dxa")
    tblpr.append(tw)


def _table_borders(tblpr, size: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tblpr.append(borders)


def _page_field(p) -> None:
    """A PAGE field (complex field: begin, instruction, separator, result, end)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind):
        r = p.add_run()
        c = OxmlElement("w:fldChar")
        c.set(qn("w:fldCharType"), kind)
        r._r.append(c)

    fld("begin")
    r = p.add_run()
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    r._r.append(instr)
    fld("separate")
    p.add_run("1")
    fld("end")


def _col_widths(table_el, ncols: int) -> list[int]:
    """Column widths in twips from the table's <col> percentages (the print CSS's for
    the feedback's score table, which names its columns by class), else equal."""
    total = _twips(TEXT_W_MM)
    by_class = {"item": 42, "max": 9, "score": 9, "remark": 40}
    pcts = []
    for col in table_el.iter("col"):
        m = re.search(r"width:\s*([\d.]+)%", col.get("style", ""))
        pcts.append(float(m.group(1)) if m else by_class.get(col.get("class", ""), 0))
    if len(pcts) != ncols or not all(pcts):
        pcts = [100 / ncols] * ncols
    s = sum(pcts)
    widths = [round(total * p / s) for p in pcts]
    widths[-1] += total - sum(widths)
    return widths


def _style_pt(el, prop: str) -> float | None:
    m = re.search(rf"{prop}:\s*([\d.]+)pt", el.get("style", ""))
    return float(m.group(1)) if m else None


def _width(text: str) -> float:
    """Width in characters (Arabic digits and Latin letters count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _created(stamp: str) -> _dt.datetime:
    try:
        return _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return _dt.datetime(2000, 1, 1)


def _zip_date(stamp: str) -> tuple[int, int, int, int, int, int]:
    d = _created(stamp)
    return (max(d.year, 1980), d.month, d.day, 0, 0, 0)


def _fixed_zip(data: bytes, date: tuple) -> bytes:
    """The package again with every entry dated ``date``: same input, same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()
