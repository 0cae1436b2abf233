"""Reading a county's Word report (.docx) into the checker's :class:`~builder.checker.document.Document`.

**The seam.** The checker runs on a ``Document``: a list of rendered text
:class:`~builder.checker.document.Block` objects (heading, paragraph, list item, table row)
with their places, from which :func:`builder.checker.document.document_from_blocks` finds
the headings — real ones and "pseudo-headings" (a short ``一、…`` line, a bold line, a bold
run-in lead) — by the *same* code that serves Markdown. This reader builds those blocks
straight from the Word XML, rather than writing Markdown and parsing it again, because:

* a Word paragraph's text is not Markdown: ``*``, ``_``, ``#``, ``|``, ``1.`` or ``<`` in
  it would have to be escaped, and any slip would change what the rules see;
* a diagnostic's place is a paragraph number, which a Markdown round trip would have to map
  back through a line table;
* ``kaohe import`` writes Markdown from the same paragraphs (:mod:`builder.word.read_markdown`)
  and is tested to pass or fail ``kaohe check`` exactly as the .docx does.

**What a paragraph is.** ``line`` of a block is the number of its paragraph in document
order, counting every paragraph that holds text (empty ones are skipped; each paragraph of
a table cell counts). A table row is one block, placed at its first paragraph.

**Headings**, in the order of the cascade of REFERENCES.md: a paragraph whose own
``w:outlineLvl``, or whose style (through ``w:basedOn``) has an outline level or is named
``heading N`` / ``标题 N``, is a heading of that level; the ``Title``/``标题`` style is the
report's title. Everything else is a paragraph whose text starts with its automatic number,
if it has one, and the checker's shared rules decide whether a short ``一、…`` /
``（一）…`` / bold line is a heading, keeping ``1.`` and ``1.1`` apart.

**Automatic numbers** come from :mod:`builder.word.read_numbering`. A decimal "1." / "1)"
number or a bullet makes a list item (as ``1. …`` or ``- …`` does in Markdown, whose marker
is not text either); any other number ("一、", "（一）", "1．") is written before the text.

**字数 as Word counts**: body text and tables count, inserted tracked changes (``w:ins``,
``w:moveTo``) count; deleted ones (``w:del``, ``w:moveFrom``), field instructions, text
boxes, shapes, headers, footers, footnotes and comments are not read at all.

Only the standard library (``zipfile``, ``xml.etree``) is used, so that the browser checker
page runs this very module in Pyodide.
"""

from __future__ import annotations

import re

from .read_numbering import Level, Numbering
from .read_package import Package, WordError, attr, child, local, parse_xml, relationships

__all__ = ["WordError", "WordParagraph", "WordTable", "WordReport", "read_docx", "word_document"]

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = {"title", "标题", "主标题"}
_LIST_LABEL = re.compile(r"^(\d{1,9})[.)]$")
_OFF = ("0", "false", "off", "none")


# Plain classes rather than dataclasses (each costs ~1 ms at import, on every ``kaohe check``).
class WordParagraph:
    """One Word paragraph as shown (automatic number included) with its runs' boldness."""

    __slots__ = (
        "pieces",
        "style",
        "level",
        "title",
        "label",
        "label_bold",
        "list_number",
        "bullet",
        "images",
        "number",
    )

    def __init__(self, pieces: list[tuple[str, bool]], style: str | None = None):
        self.pieces = pieces  # (text, bold); "\n" for a line break
        self.style = style  # style id
        self.level = 0  # outline level 1–9 (0: body text)
        self.title = False  # the Title style
        self.label = ""  # the automatic number ("一、", "（一）", "1."), "" when none
        self.label_bold: bool | None = None
        self.list_number: int | None = None  # a decimal list item's number
        self.bullet = False
        self.images: list[str] = []  # image part names, in order
        self.number = 0  # 1-based among paragraphs that hold text (0: none)

    @property
    def body(self) -> str:
        """The paragraph's own text (line breaks as "\\n"), without the automatic number."""
        return "".join(t for t, _ in self.pieces)

    @property
    def is_list(self) -> bool:
        """True for a list item (bulleted or automatically numbered)."""
        return self.bullet or self.list_number is not None

    @property
    def text(self) -> str:
        """As shown in Word: the automatic number (unless a list marker), then the text."""
        if not self.label or self.is_list:
            return self.body
        return self.label + _label_gap(self.label, self.body) + self.body


class WordTable:
    """A Word table: rows of cells, each cell a list of paragraphs."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[list[list[WordParagraph]]]):
        self.rows = rows  # row → cell → paragraphs


class WordReport:
    """A .docx read: the body in document order (paragraphs and tables)."""

    def __init__(self, body: list, images: dict[str, str] | None = None, package: Package | None = None):
        self.body = body  # WordParagraph | WordTable
        self.images = images or {}  # image part name → extension
        self.package = package

    def paragraphs(self):
        """Every paragraph in document order, table cells included."""
        for item in self.body:
            if isinstance(item, WordTable):
                for row in item.rows:
                    for cell in row:
                        yield from cell
            else:
                yield item

    def image_bytes(self, part: str) -> bytes | None:
        """Return the bytes of an image part of the package, or ``None`` without a package."""
        return self.package.read(part) if self.package is not None else None


def _label_gap(label: str, body: str) -> str:
    """What Word's tab or space after a number becomes in text: nothing, unless two ASCII words would run together."""
    if body and label and label[-1].isascii() and body.lstrip()[:1].isascii() and body.lstrip()[:1].isalnum():
        return " "
    return ""


# --- styles -------------------------------------------------------------------------------


class _Style:
    __slots__ = ("id", "name", "based_on", "outline", "bold", "numpr")

    def __init__(self, sid: str):
        self.id = sid
        self.name = ""
        self.based_on: str | None = None
        self.outline: int | None = None  # 0-based outline level
        self.bold: bool | None = None
        self.numpr: tuple[str | None, int | None] | None = None  # (numId, ilvl)


class Styles:
    """The document's paragraph styles (``word/styles.xml``), with inheritance.

    :param root: the parsed styles part, or ``None`` when the document has none.
    """

    def __init__(self, root):
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.default_bold: bool | None = None
        if root is None:
            return
        for el in root:
            name = local(el.tag)
            if name == "docDefaults":
                rpr = child(child(el, "rPrDefault"), "rPr")
                self.default_bold = _bold_of(rpr)
            elif name == "style":
                sid = attr(el, "styleId", "") or ""
                st = _Style(sid)
                n = child(el, "name")
                st.name = (attr(n, "val", "") or "").strip()
                b = child(el, "basedOn")
                st.based_on = attr(b, "val")
                ppr = child(el, "pPr")
                ol = child(ppr, "outlineLvl")
                if ol is not None:
                    st.outline = _int(attr(ol, "val"))
                npr = child(ppr, "numPr")
                if npr is not None:
                    st.numpr = (attr(child(npr, "numId"), "val"), _int(attr(child(npr, "ilvl"), "val")))
                st.bold = _bold_of(child(el, "rPr"))
                self.styles[sid] = st
                if attr(el, "type") == "paragraph" and attr(el, "default") in ("1", "true", "on"):
                    self.default_para = sid

    def chain(self, sid: str | None):
        """Yield the style *sid* and the styles it is based on, nearest first (cycles stop)."""
        seen = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on

    def outline(self, sid: str | None) -> int | None:
        """0-based outline level of a paragraph style (None: body text)."""
        if sid and sid not in self.styles:  # a style used but not defined: its id may still say it
            m = _HEADING_NAME.match(sid)
            return int(m.group(1)) - 1 if m else None
        for st in self.chain(sid):
            if st.outline is not None:
                return st.outline if 0 <= st.outline <= 8 else None
            m = _HEADING_NAME.match(st.name.replace("\u00a0", " "))
            if m:
                return int(m.group(1)) - 1
        return None

    def is_title(self, sid: str | None) -> bool:
        """True when the style or one it is based on is named as a title (an unknown style: by its id)."""
        if sid and sid not in self.styles:
            return sid.lower() in _TITLE_NAMES
        return any(st.name.lower() in _TITLE_NAMES for st in self.chain(sid))

    def bold(self, sid: str | None) -> bool | None:
        """Return the boldness the style chain sets, or ``None`` when none sets it."""
        for st in self.chain(sid):
            if st.bold is not None:
                return st.bold
        return None

    def numpr(self, sid: str | None) -> tuple[str | None, int | None] | None:
        """Return the ``(numId, ilvl)`` the style chain sets, or ``None`` when none sets it."""
        for st in self.chain(sid):
            if st.numpr is not None:
                return st.numpr
        return None


_TABLE_STYLE = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?style\b[^>]*?\btype=\"table\"[^>]*>")


def _without_table_styles(raw: bytes) -> bytes:
    """styles.xml less its table styles, which the reader never uses: in python-docx's template
    they are 89% of a 350 KB part, and parsing them took most of the time of a whole check."""
    out = []
    pos = 0
    for m in _TABLE_STYLE.finditer(raw):
        if m.start() < pos:
            continue
        closing = b"</" + (m.group(1) + b":" if m.group(1) else b"") + b"style>"
        end = raw.find(closing, m.end())
        if end < 0 or m.group(0).endswith(b"/>"):
            continue
        out.append(raw[pos : m.start()])
        pos = end + len(closing)
    if not out:
        return raw
    out.append(raw[pos:])
    return b"".join(out)


def _int(val) -> int | None:
    try:
        return int(val)
    except (TypeError, ValueError):
        return None


def _bold_of(rpr) -> bool | None:
    b = child(rpr, "b")
    if b is None:
        return None
    return (attr(b, "val", "1") or "1").lower() not in _OFF


# --- the body -------------------------------------------------------------------------------

_SKIP_IN_RUN = frozenset(
    {
        "delText",
        "instrText",
        "delInstrText",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "annotationRef",
        "rPr",
        "lastRenderedPageBreak",
        "fldChar",
        "separator",
        "continuationSeparator",
        "footnoteRef",
        "endnoteRef",
    }
)
# containers whose content is part of the paragraph (tracked insertions count)
_TRANSPARENT = frozenset(
    {
        "ins",
        "moveTo",
        "hyperlink",
        "smartTag",
        "customXml",
        "sdt",
        "sdtContent",
        "fldSimple",
        "bdo",
        "dir",
        "oMath",
        "oMathPara",
        "e",
        "num",
        "den",
        "sub",
        "sup",
    }
)


class _Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.rels = relationships(pkg, pkg.main)
        raw = pkg.read(self._part("styles", "word/styles.xml"))
        self.styles = Styles(parse_xml(_without_table_styles(raw)) if raw is not None else None)
        self.numbering = Numbering(pkg.xml(self._part("numbering", "word/numbering.xml")), self.styles.numpr)
        self.images: dict[str, str] = {}

    def _part(self, kind: str, default: str) -> str:
        """The styles or numbering part named by the main part's relationships (else the usual name)."""
        for rel in self.rels.values():
            if rel.type == kind and not rel.external and self.pkg.has(rel.target):
                return rel.target
        return default

    def block_items(self, parent) -> list:
        out: list = []
        for el in parent:
            name = local(el.tag)
            if name == "p":
                out.append(self.paragraph(el))
            elif name == "tbl":
                out.append(self.table(el))
            elif name in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                out.extend(self.block_items(el))
            elif name == "AlternateContent":
                choice = child(el, "Choice")
                if choice is not None:
                    out.extend(self.block_items(choice))
        return out

    def table(self, el) -> WordTable:
        rows: list[list[list[WordParagraph]]] = []
        for tr in _descend(el, "tr", stop=("tbl",)):
            if _is_deleted_row(tr):
                continue
            cells: list[list[WordParagraph]] = []
            for tc in _descend(tr, "tc", stop=("tbl", "tr")):
                paras: list[WordParagraph] = []
                for item in self.block_items(tc):
                    if isinstance(item, WordTable):  # a table in a cell: its paragraphs, flattened
                        for row in item.rows:
                            for cell in row:
                                paras.extend(cell)
                    else:
                        paras.append(item)
                cells.append(paras)
            rows.append(cells)
        return WordTable(rows)

    def paragraph(self, p) -> WordParagraph:
        ppr = child(p, "pPr")
        sid = attr(child(ppr, "pStyle"), "val") or self.styles.default_para
        para = WordParagraph([], sid)
        ol = _int(attr(child(ppr, "outlineLvl"), "val"))
        if ol is None:
            ol = self.styles.outline(sid)
        para.level = ol + 1 if ol is not None and 0 <= ol <= 8 else 0
        para.title = para.level == 0 and self.styles.is_title(sid)
        style_bold = self.styles.bold(sid)
        if style_bold is None:
            style_bold = self.styles.default_bold
        self.runs(p, para, bool(style_bold), [False])
        self.number(ppr, sid, para)
        return para

    def number(self, ppr, sid, para: WordParagraph) -> None:
        npr = child(ppr, "numPr")
        num_id = ilvl = None
        if npr is not None:
            if child(npr, "ins") is None and child(npr, "del") is not None:
                return
            num_id = attr(child(npr, "numId"), "val")
            ilvl = _int(attr(child(npr, "ilvl"), "val"))
        style_np = self.styles.numpr(sid)
        if num_id is None and style_np is not None:
            num_id = style_np[0]
            if ilvl is None:
                ilvl = style_np[1]
        if not num_id or num_id == "0":
            return
        if ilvl is None:
            ilvl = self.numbering.level_for_style(num_id, sid) if sid else None
        got = self.numbering.label(num_id, ilvl or 0)  # an empty numbered paragraph counts too, as in Word
        if got is None or (not para.body.strip() and not para.images):
            return  # … but holds no text: not a paragraph of the report
        label, lv = got
        self._apply_label(para, label, lv)

    def _apply_label(self, para: WordParagraph, label: str, lv: Level) -> None:
        label = label.strip()
        if not label:
            return
        para.label = label
        para.label_bold = lv.bold
        if para.level or para.title:
            return  # a numbered heading: its number is part of its text, whatever the format
        if lv.fmt == "bullet":
            para.bullet = True
        else:
            m = _LIST_LABEL.match(label)
            if m and lv.fmt in ("decimal", "decimalZero"):
                para.list_number = int(m.group(1))

    def runs(self, el, para: WordParagraph, style_bold: bool, field_state: list) -> None:
        for c in el:
            name = local(c.tag)
            if name == "r":
                self.run(c, para, style_bold, field_state)
            elif name in _TRANSPARENT:
                self.runs(c, para, style_bold, field_state)
            elif name == "AlternateContent":
                choice = child(c, "Choice")
                if choice is not None:
                    self.runs(choice, para, style_bold, field_state)
            # anything else is not text: w:del and w:moveFrom (tracked deletions), properties, bookmarks…

    def run(self, r, para: WordParagraph, style_bold: bool, field_state: list) -> None:
        rpr = child(r, "rPr")
        bold = _bold_of(rpr)
        if bold is None:
            rs = attr(child(rpr, "rStyle"), "val")
            bold = self.styles.bold(rs) if rs else None
        if bold is None:
            bold = style_bold
        hidden = child(rpr, "vanish") is not None and (attr(child(rpr, "vanish"), "val", "1") or "1") not in _OFF
        for c in r:
            name = local(c.tag)
            if name == "fldChar":
                kind = attr(c, "fldCharType")
                if kind == "begin":
                    field_state.append(True)
                elif kind == "separate" and len(field_state) > 1:
                    field_state[-1] = False
                elif kind == "end" and len(field_state) > 1:
                    field_state.pop()
                continue
            if field_state[-1] or name in _SKIP_IN_RUN:
                continue  # inside a field's instruction
            if name in ("drawing", "pict", "object"):
                self.collect_images(c, para)
                continue
            if name == "AlternateContent":
                choice = child(c, "Choice")
                if choice is not None:
                    for d in choice:
                        if local(d.tag) in ("drawing", "pict", "object"):
                            self.collect_images(d, para)
                continue
            if hidden:
                continue
            if name == "t":
                if c.text:
                    para.pieces.append((c.text, bold))
            elif name == "tab" or name == "ptab":
                para.pieces.append(("\t", bold))
            elif name in ("br", "cr"):
                para.pieces.append(("\n", bold))
            elif name == "noBreakHyphen":
                para.pieces.append(("-", bold))
            elif name == "sym":
                ch = attr(c, "char")
                try:
                    code = int(ch or "", 16)
                except ValueError:
                    continue
                if 0x20 <= code < 0xF000:  # symbol-font private-use codes have no text
                    para.pieces.append((chr(code), bold))

    def collect_images(self, el, para: WordParagraph) -> None:
        for d in el.iter():
            if local(d.tag) in ("blip", "imagedata"):
                rid = attr(d, "embed") or attr(d, "id")
                rel = self.rels.get(rid or "")
                if rel is not None and not rel.external and rel.type == "image" and self.pkg.has(rel.target):
                    para.images.append(rel.target)
                    self.images[rel.target] = rel.target.rsplit(".", 1)[-1].lower()


def _descend(el, name: str, stop=()):
    """Children named ``name``, looking through sdt/customXml wrappers but not into ``stop``."""
    for c in el:
        n = local(c.tag)
        if n == name:
            yield c
        elif n in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
            yield from _descend(c, name, stop)
        elif n in stop:
            continue


def _is_deleted_row(tr) -> bool:
    trpr = child(tr, "trPr")
    return child(trpr, "del") is not None


def read_docx(data: bytes) -> WordReport:
    """Read a .docx from its bytes. Raises :class:`WordError` (rule id + Chinese message) for
    anything that is not a readable Word document; never raises anything else for bad input."""
    try:
        pkg = Package(data)
        root = pkg.xml(pkg.main)
        if root is None:
            raise WordError("io-docx-not-word", "文件中没有 Word 正文。")
        body = child(root, "body")
        if body is None:
            raise WordError("io-docx-not-word", "文件中没有 Word 正文（w:body）。请在 Word 中另存为 .docx 再检查。")
        reader = _Reader(pkg)
        items = reader.block_items(body)
    except WordError:
        raise
    except RecursionError:
        raise WordError(
            "io-docx-corrupt", "Word 文件的结构嵌套过深，无法读取。请在 Word 中另存为新的 .docx 再检查。"
        ) from None
    report = WordReport(items, reader.images, pkg)
    n = 0
    for para in report.paragraphs():
        if para.text.strip():
            n += 1
            para.number = n
    return report


def segments(para: WordParagraph):
    """(text, bold, lead, pieces) for each line of a paragraph (Word line breaks split it, as in Markdown)."""
    pieces = list(para.pieces)
    if para.label and not para.is_list:
        first_bold = next((b for t, b in pieces if t.strip()), False)
        label_bold = para.label_bold if para.label_bold is not None else first_bold
        pieces.insert(0, (para.label + _label_gap(para.label, para.body), label_bold))
    line: list[tuple[str, bool]] = []
    out = []
    for text, bold in pieces:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                out.append(_segment(line) + (line,))
                line = []
            if part:
                line.append((part, bold))
    out.append(_segment(line) + (line,))
    return [s for s in out if s[0].strip()]


def _segment(pieces: list[tuple[str, bool]]):
    text = "".join(t for t, _ in pieces)
    plain = sum(len(t.strip()) for t, b in pieces if not b)
    boldn = sum(len(t.strip()) for t, b in pieces if b)
    lead_parts: list[str] = []
    lead = None
    started = False
    for t, b in pieces:
        if not t.strip():
            if started and b:
                lead_parts.append(t)
            continue
        if b and (not started or lead_parts):
            lead_parts.append(t)
            started = True
            continue
        if lead_parts:
            lead = "".join(lead_parts)
        break
    if lead is not None and lead.strip() == text.strip():
        lead = None
    return text, boldn > 0 and plain == 0, lead


def document_blocks(report: WordReport) -> list[tuple]:
    """(block, source) in document order; source is ``(paragraph, pieces)`` for a paragraph's line
    or ``(table, row index)`` for a table row (what ``kaohe import`` writes each block from)."""
    from ..checker.document import Block

    out: list[tuple] = []
    for item in report.body:
        if isinstance(item, WordTable):
            for i, row in enumerate(item.rows):
                cells = [" ".join(p.text.replace("\n", " ") for p in cell if p.text.strip()) for cell in row]
                first = next((p.number for cell in row for p in cell if p.number), 0)
                if first and any(c.strip() for c in cells):
                    out.append((Block("table", "\t".join(cells), first, 1), (item, i)))
            continue
        para = item
        if not para.number:
            continue
        for k, (text, bold, lead, pieces) in enumerate(segments(para)):
            if para.level or para.title:
                block = Block("heading", text.strip(), para.number, 1, md_level=min(para.level or 1, 6))
            elif para.is_list:
                block = Block(
                    "item", text, para.number, 1, bold=bold, lead=lead, item_number=para.list_number if k == 0 else None
                )
            else:
                block = Block("para", text, para.number, 1, bold=bold, lead=lead)
            out.append((block, (para, pieces)))
    return out


def word_document(report: WordReport):
    """The checker's :class:`~builder.checker.document.Document` for a read .docx (``origin="docx"``).

    A block's ``line`` is its paragraph's number (:attr:`WordParagraph.number`); the document's
    ``lines`` are the paragraphs' texts, so ``doc.source(n)`` is paragraph *n* as Word shows it.
    """
    from ..checker.document import document_from_blocks

    lines = [p.text.replace("\n", " ").replace("\t", " ") for p in report.paragraphs() if p.number]
    return document_from_blocks([b for b, _ in document_blocks(report)], lines, origin="docx")
