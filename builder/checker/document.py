"""A report parsed once: front matter, and the body as lines of rendered text with positions.

:func:`parse_document` turns Markdown into a :class:`Document`: every paragraph line,
heading, list item line, table row and code line becomes a :class:`Block` holding its
rendered text (Markdown syntax removed) and its 1-based line and column in the file.
Headings are collected as :class:`Heading`, including *pseudo-headings* — what a report
pasted from Word looks like: a numbered line typed as a plain paragraph
(``一、2022年质量工作情况``), a bold line (``**二、工作亮点**``) or a bold run-in lead
(``**（一）总体概况。**2022年，我县……``). The document knows nothing about templates;
:mod:`builder.checker.outline` decides which headings are which sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..markdown import FrontMatter, blank_comments, make_parser, split_front_matter
from .text import Numbering, norm, norm_title, split_numbering

# A plain paragraph line can be a heading when it is short and is not a sentence.
PLAIN_HEADING_MAX = 40
BOLD_HEADING_MAX = 60
_SENTENCE_PUNCT = re.compile(r"[，,；;。!！?？]")
_LIST_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?(?:\*\*|__)?")
_LITERAL_LEAD = re.compile(r"^\*\*(?P<lead>[^*]+?)\*\*(?P<rest>.*)$")


class Block(NamedTuple):
    """One line of rendered text."""

    kind: str  # heading | para | item | table | code | quote
    text: str  # rendered text, Markdown syntax removed
    line: int  # 1-based line in the file
    column: int  # 1-based column where the text starts
    md_level: int = 0  # 1–6 for Markdown headings
    bold: bool = False  # the whole line is bold
    lead: str | None = None  # a bold run-in lead: the bold part
    item_number: int | None = None  # the number of an ordered-list item (its first line)


@dataclass
class Heading:
    """A heading, real (Markdown ``#``) or recognised in a plain paragraph."""

    index: int  # index of its block in Document.blocks
    text: str  # the heading as written (for a run-in lead: the lead)
    line: int
    column: int
    md_level: int  # 0 for a pseudo-heading
    form: str  # markdown | plain | bold | run-in
    numbering: Numbering | None
    title: str  # compacted text after the numbering
    key: str  # title as compared (normalised, years as wildcards)
    strong: bool  # Markdown heading or numbered pseudo-heading; weak ones count only if they match

    @property
    def pseudo(self) -> bool:
        """True for a heading recognised in a plain paragraph (not a Markdown ``#``)."""
        return self.form != "markdown"


@dataclass
class Document:
    """A report read into blocks and headings, from Markdown or from Word (``origin``)."""

    text: str  # the whole file, newlines normalised
    lines: list[str]  # Markdown: the file's lines; Word: the paragraphs' texts (line = paragraph number)
    front_matter: FrontMatter
    blocks: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    origin: str = "markdown"  # markdown | docx

    @property
    def unit(self) -> str:
        """What a ``line`` counts: 行 (Markdown lines) or 段 (Word paragraphs)."""
        return "段" if self.origin == "docx" else "行"

    def source(self, line: int) -> str | None:
        """Return the text of 1-based *line*, or ``None`` outside the document."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else None

    def heading_at(self, index: int) -> Heading | None:
        """Return the heading of the block at *index*, or ``None`` if it is not one."""
        return next((h for h in self.headings if h.index == index), None)


def parse_document(text: str) -> Document:
    """Parse a report (front matter allowed). Never raises for any input text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    fm, body = split_front_matter(text)
    lines = text.split("\n")
    doc = Document(text, lines, fm)
    tokens = make_parser().parse(blank_comments(body))
    _Builder(doc).run(tokens)
    _find_headings(doc)
    return doc


def document_from_blocks(blocks: list[Block], lines: list[str], origin: str) -> Document:
    """A Document made by another reader (the Word reader): headings are found by the same rules."""
    doc = Document("\n".join(lines), lines, FrontMatter(None, 1, 1), list(blocks), origin=origin)
    _find_headings(doc)
    return doc


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc

    def col(self, line: int) -> int:
        src = self.doc.source(line) or ""
        m = _LIST_MARK.match(src)
        return (m.end() if m else 0) + 1

    def add(self, kind: str, text: str, line: int, **kw) -> None:
        self.doc.blocks.append(Block(kind, text, line, self.col(line), **kw))

    def run(self, tokens: list) -> None:
        quote = 0
        in_item: list[str | None] = []  # ordered-list numbers of the open list items
        pending_number: int | None = None
        md_level = 0
        row: list[str] = []
        row_line = 0
        for tok in tokens:
            t = tok.type
            if t == "blockquote_open":
                quote += 1
            elif t == "blockquote_close":
                quote -= 1
            elif t == "list_item_open":
                in_item.append(tok.info or None)
                pending_number = int(tok.info) if tok.info.isdigit() else None
            elif t == "list_item_close":
                in_item.pop()
            elif t == "heading_open":
                md_level = int(tok.tag[1]) if tok.tag[1:].isdigit() else 1
            elif t == "heading_close":
                md_level = 0
            elif t == "tr_open":
                row, row_line = [], (tok.map[0] + 1 if tok.map else 0)
            elif t == "tr_close":
                if any(c.strip() for c in row):
                    self.add("table", "\t".join(row), row_line)
            elif t in ("fence", "code_block"):
                start = (tok.map[0] + 1 if tok.map else 1) + (1 if t == "fence" else 0)
                for i, ln in enumerate(tok.content.split("\n")):
                    if ln.strip():
                        self.add("code", ln, start + i)
            elif t == "inline":
                start = tok.map[0] + 1 if tok.map else 1
                segs = _segments(tok.children or [])
                if md_level:
                    text = " ".join(s.text for s in segs).strip()
                    self.add("heading", text, start, md_level=md_level)
                elif row_line:
                    row.append(" ".join(s.text for s in segs))
                else:
                    kind = "quote" if quote else ("item" if in_item else "para")
                    for i, s in enumerate(segs):
                        if not s.text.strip():
                            continue
                        self.add(
                            kind,
                            s.text,
                            start + s.offset,
                            bold=s.bold,
                            lead=s.lead,
                            item_number=pending_number if i == 0 else None,
                        )
                    pending_number = None
            elif t in ("table_close",):
                row_line = 0


class _Seg(NamedTuple):
    text: str
    offset: int  # lines after the inline token's first line
    bold: bool = False
    lead: str | None = None


def _segments(children: list) -> list[_Seg]:
    """Split inline children at line breaks into rendered text lines."""
    segs: list[_Seg] = []
    parts: list[str] = []
    strong = 0
    plain_chars = bold_chars = 0
    lead: str | None = None
    lead_open = False  # the line started with bold and it is still open
    lead_parts: list[str] = []
    offset = 0
    first = True

    def flush():
        nonlocal parts, plain_chars, bold_chars, lead, lead_open, lead_parts, first
        text = "".join(parts)
        seg_lead = lead if lead and text.strip() != lead.strip() else None
        text, literal_lead = _literal_bold(text)
        bold = bold_chars > 0 and plain_chars == 0
        if literal_lead is not None:
            if literal_lead.strip() == text.strip():
                bold = True
            else:
                seg_lead = literal_lead
        segs.append(_Seg(text, offset, bold, seg_lead))
        parts, plain_chars, bold_chars, lead, lead_open, lead_parts, first = [], 0, 0, None, False, [], True

    for c in children:
        t = c.type
        if t in ("softbreak", "hardbreak"):
            flush()
            offset += 1
            continue
        if t == "strong_open":
            if first:
                lead_open = True
            strong += 1
            continue
        if t == "strong_close":
            strong = max(strong - 1, 0)
            if lead_open and strong == 0:
                lead = "".join(lead_parts)
                lead_open = False
            continue
        if t in ("text", "code_inline"):
            content = c.content
            if "\n" in content:  # a code span over two lines
                content = content.replace("\n", " ")
        elif t == "image":
            content = ""
        else:
            continue
        if not content:
            continue
        parts.append(content)
        n = len(content.strip())
        if n:
            first = False
            if strong:
                bold_chars += n
                if lead_open:
                    lead_parts.append(content)
            else:
                plain_chars += n
                lead_open = False
    flush()
    return segs


def _literal_bold(text: str) -> tuple[str, str | None]:
    """``**…**`` left as text (CommonMark does not close ``**`` between CJK punctuation and
    a letter, e.g. ``**（一）自我评价。**各县区``): strip the marks, return the bold lead."""
    if "**" not in text:
        return text, None
    m = _LITERAL_LEAD.match(text.strip())
    lead = m.group("lead") if m else None
    return text.replace("**", ""), lead


def _find_headings(doc: Document) -> None:
    for i, b in enumerate(doc.blocks):
        form = None
        text = b.text
        if b.kind == "heading":
            form = "markdown"
        elif b.kind in ("para", "item"):
            if b.lead is not None:
                form, text = "run-in", b.lead
            elif b.bold and len(text) <= 2 * BOLD_HEADING_MAX and len(norm(text)) <= BOLD_HEADING_MAX:
                form = "bold"
            elif b.kind == "para" and _plain_heading_like(text):
                form = "plain"
        if form is None:
            continue
        numbering, title = split_numbering(text)
        if form == "plain" and numbering is not None and numbering.level > 2:
            numbering = None  # “1．……” on a plain line is an enumeration, not a section heading
        # strong headings take part in the structure; weak ones (unnumbered pseudo-headings) count
        # only where their text is a template section's title
        strong = form == "markdown" or (numbering is not None and numbering.level <= 2)
        doc.headings.append(
            Heading(i, text.strip(), b.line, b.column, b.md_level, form, numbering, title, norm_title(title), strong)
        )


def _plain_heading_like(text: str) -> bool:
    if len(text) > 2 * PLAIN_HEADING_MAX:  # long lines are paragraphs: no need to normalise them
        return False
    n = norm(text)
    return 0 < len(n) <= PLAIN_HEADING_MAX and not _SENTENCE_PUNCT.search(n)
