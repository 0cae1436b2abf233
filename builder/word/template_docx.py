"""The round's report template as a Word file (``kaohe new report --format docx``).

The same skeleton as the Markdown one (:func:`builder.cli.new.skeleton`: title, every section
with its guidance in 【…】, the annex with one case), set as county offices set a report
(GB/T 9704 §7.3.3 heading order): the title in 小标宋 2号 (宋体 where that font is missing),
一、 headings in the ``Heading 1`` style in 黑体 3号, （一） headings in ``Heading 2`` in 楷体 3号,
the body in 仿宋 3号 with a two-character first-line indent. The numbers are typed, not
automatic, so that any reader sees them. Heading styles carry their outline levels, so the
checker's Word reader (:mod:`builder.word.read`) finds every section by its style.

Written with python-docx (server side only: the browser page offers the file built here).
The bytes are reproducible: fixed document dates and zip timestamps.
"""

from __future__ import annotations

import io
import zipfile

FANGSONG = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
TITLE_FONT = "方正小标宋简体"
SAN_HAO = 16  # 3号 in points
ER_HAO = 22  # 2号


def _fonts(style, east_asia: str, size: int, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    font.name = "Times New Roman"
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for key in list(rfonts.attrib):
        if key.lower().endswith("theme"):
            del rfonts.attrib[key]
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")


# Stands for the county's name in a base document (a private-use character no name contains).
NAME_SLOT = "\ue000"


def template_docx(
    template, year: int, county_name: str | None = None, county_kind: str | None = None, item_titles: dict | None = None
) -> bytes:
    """The .docx bytes of the template for one county (or, without a county, with ×× for its name)."""
    return _fixed_zip(_document(template, year, county_name, county_kind, item_titles))


class CountyTemplates:
    """The template of one round for each of its counties, made fast: python-docx writes one
    document per kind of county (县, 区 … choose the government's name) with :data:`NAME_SLOT`
    for the name (~50 ms), and each county's file is that document with its name put in
    (a few ms). ``for_county`` gives the bytes :func:`template_docx` gives for that county."""

    def __init__(self, template, year: int, item_titles: dict | None = None):
        self.template, self.year, self.item_titles = template, year, item_titles
        self._bases: dict[str, list[tuple[str, bytes]]] = {}

    def for_county(self, name: str, kind: str) -> bytes:
        """The .docx bytes of the template for the county ``name`` of kind ``kind``."""
        from xml.sax.saxutils import escape

        if NAME_SLOT in name:
            return template_docx(self.template, self.year, name, kind, self.item_titles)
        base = self._bases.get(kind)
        if base is None:
            data = _document(self.template, self.year, NAME_SLOT, kind, self.item_titles)
            src = zipfile.ZipFile(io.BytesIO(data))
            base = self._bases[kind] = [(i.filename, src.read(i.filename)) for i in src.infolist()]
        slot, filled = NAME_SLOT.encode("utf-8"), escape(name).encode("utf-8")
        return _zip_parts((n, d.replace(slot, filled) if slot in d else d) for n, d in base)


def _document(template, year: int, county_name, county_kind, item_titles) -> bytes:
    import datetime

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from ..checker.cache import CountyInfo
    from ..cli.new import skeleton

    county = CountyInfo("", county_name or "××县（区）", county_kind or "县")
    md = skeleton(template, "", county, year, "", item_titles)
    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = datetime.datetime(2000, 1, 1)
    d.core_properties.author = d.core_properties.last_modified_by = ""
    d.core_properties.title = template.expected_title(county.name, county.kind, year)
    st = d.styles
    _fonts(st["Normal"], FANGSONG, SAN_HAO)
    pf = st["Normal"].paragraph_format
    pf.first_line_indent = Pt(SAN_HAO * 2)
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    _fonts(st["Title"], TITLE_FONT, ER_HAO)
    st["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    st["Title"].paragraph_format.first_line_indent = Pt(0)
    for name, font in (("Heading 1", HEITI), ("Heading 2", KAITI), ("Heading 3", FANGSONG)):
        _fonts(st[name], font, SAN_HAO)
        f = st[name].paragraph_format
        f.first_line_indent = Pt(SAN_HAO * 2)
        f.space_before = f.space_after = Pt(0)
        f.line_spacing = Pt(28)
        f.keep_with_next = True
    _title_border_off(st["Title"])
    _trim(d)
    for line in md.split("\n"):
        s = line.strip()
        if not s or s.startswith("<!--") or s == "---" or s.startswith(("round:", "county:")):
            continue
        if s.startswith("# "):
            d.add_paragraph(s[2:], style="Title")
        elif s.startswith("## "):
            d.add_paragraph(s[3:], style="Heading 1")
        elif s.startswith("### "):
            d.add_paragraph(s[4:], style="Heading 2")
        elif s.startswith("#### "):
            d.add_paragraph(s[5:], style="Heading 3")
        else:
            d.add_paragraph(s.replace("“### ", "“").replace("“## ", "“"))  # Markdown advice in guidance
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _trim(d) -> None:
    """Leave out what python-docx's default template carries and no county needs: its 100
    table styles (the default one stays), the Word 2010 ``stylesWithEffects`` copy of the
    styles, its custom XML item and the thumbnail of an empty page. A file a third the size,
    and quick to write once per county."""
    from docx.oxml.ns import qn

    styles = d.styles.element
    for el in styles.findall(qn("w:style")):
        if el.get(qn("w:type")) == "table" and el.get(qn("w:default")) != "1":
            styles.remove(el)
    for rels in (d.part.rels, d.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml", "thumbnail"):
                del rels[rid]


def _title_border_off(style) -> None:
    """python-docx's Title style has a bottom border and spacing: a 公文 title has neither."""
    from docx.oxml.ns import qn

    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for el in list(ppr):
            if el.tag in (qn("w:pBdr"), qn("w:contextualSpacing")):
                ppr.remove(el)


def _fixed_zip(data: bytes) -> bytes:
    """The same parts with fixed timestamps (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip_parts((info.filename, src.read(info.filename)) for info in src.infolist())


def _zip_parts(parts) -> bytes:
    """A zip of (name, bytes) parts in that order, with fixed timestamps and modes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            fixed = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            z.writestr(fixed, data)
    return out.getvalue()
