"""A read .docx written as Markdown in the round's template shape (``kaohe import``).

The Markdown is made from the same blocks the checker judged (:func:`builder.word.read.document_blocks`)
and the same outline, so it passes or fails ``kaohe check`` exactly as the .docx does:

* front matter with the round and county;
* the title as ``#``; every heading that takes part in the structure (matched to a template
  section, or numbered 一、/（一）) as ``##``/``###`` by its level; the annex as ``##``, its cases
  as ``###``; other Word headings keep their depth below those; a bold run-in heading becomes
  a heading line and its paragraph;
* paragraphs with their bold runs (``**主要工作：**正文``, ``县政府**“质量强县”**建设``), Markdown
  syntax in the text escaped; Word list items as ``1.`` / ``-`` items; line breaks kept;
* tables as pipe tables (the first row as the header); images as files in a folder beside
  the report, linked on a line after their paragraph.
"""

from __future__ import annotations

import re

from ..checker.outline import build_outline
from .read import WordParagraph, WordReport, WordTable, document_blocks

_ESCAPE = re.compile(r"([\\`*_\[\]<>&!|~])")
_LINE_START = re.compile(r"^([#>+=-]|\d{1,9}[.)])")
_EXT = {
    "png": "png",
    "jpeg": "jpg",
    "jpg": "jpg",
    "gif": "gif",
    "bmp": "bmp",
    "emf": "emf",
    "wmf": "wmf",
    "tif": "tif",
    "tiff": "tif",
    "svg": "svg",
    "webp": "webp",
}


def escape(text: str) -> str:
    """Text that Markdown shows as it is (no emphasis, links, headings, lists or code)."""
    text = _ESCAPE.sub(r"\\\1", text.replace("\t", " "))
    return text


def _line_start(text: str) -> str:
    text = text.lstrip(" \t\u00a0")
    m = _LINE_START.match(text)
    if m:
        mark = m.group(1)
        text = (mark[:-1] + "\\" + mark[-1]) + text[len(mark) :] if mark[-1] in ".)" else "\\" + text
    return text


def _inline(pieces: list[tuple[str, bool]]) -> str:
    """Runs with their bold kept: ``**…**`` around each bold stretch, spaces outside the marks."""
    merged: list[list] = []
    for text, bold in pieces:
        text = text.replace("\n", " ")
        if merged and (merged[-1][1] == bold or not text.strip()):
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    out = []
    for text, bold in merged:
        if bold and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            tail = text[len(text.rstrip()) :]
            out.append(f"{escape(lead)}**{escape(text.strip())}**{escape(tail)}")
        else:
            out.append(escape(text))
    return "".join(out)


def to_markdown(
    report: WordReport, template, round_id: str, county_id: str, image_folder: str | None = None
) -> tuple[str, dict[str, bytes]]:
    """(Markdown text, {file name in ``image_folder``: bytes}) for a read .docx."""
    from .read import word_document

    doc = word_document(report)
    outline = build_outline(doc, template)
    blocks = document_blocks(report)
    heads = {h.index: h for h in doc.headings}
    # only what the template names becomes a Markdown heading; other numbered or bold lines stay as
    # they are, so the checker sees them as it saw them in Word (a point “（一）……。” stays a point)
    level_of: dict[int, int] = {st.heading.index: st.level for st in outline.structure if st.match is not None}
    case_idx = {c.heading.index for c in outline.cases if c.heading is not None}
    top_md = min(
        (doc.blocks[i].md_level for i, lv in level_of.items() if lv == 1 and doc.blocks[i].md_level), default=None
    )
    lines = ["---", f"round: {round_id}", f"county: {county_id}", "---", ""]
    images: dict[str, bytes] = {}
    done_images: set[int] = set()
    title_more = outline.title_more_index
    before = _orphans_before(report)
    for i, (block, source) in enumerate(blocks):
        para = source[0] if isinstance(source[0], WordParagraph) else None
        for p in before.pop(id(para), []) if para is not None else []:
            lines += _image_lines(report, p, images, image_folder) + [""]
            done_images.add(id(p))
        if i == title_more:
            continue
        h = heads.get(i)
        if i == outline.title_index:
            lines += [f"# {_line_text(outline.title_text)}", ""]
        elif i in level_of or i == outline.annex_index or i in case_idx:
            depth = 2 if i == outline.annex_index else (3 if i in case_idx else level_of[i] + 1)
            if h is not None and h.form == "run-in":
                lead = h.text
                rest = block.text[len(block.lead or "") :] if block.lead else ""
                lines += [f"{'#' * depth} {_line_text(lead)}", ""]
                if rest.strip():
                    lines += [_line_start(escape(rest.strip())), ""]
            else:
                lines += [f"{'#' * depth} {_line_text(block.text)}", ""]
        elif block.kind == "heading":
            depth = block.md_level - (top_md or 1) + 2
            lines += [f"{'#' * max(2, min(depth, 6))} {_line_text(block.text)}", ""]
        elif block.kind == "table":
            table, row = source
            if row == _first_row(table):
                lines += _table(table) + [""]
        else:
            para, pieces = source
            text = _inline(pieces)
            if block.kind == "item":
                mark = f"{para.list_number}." if para.list_number is not None else "-"
                lines += [f"{mark} {text.lstrip()}", ""]
            else:
                lines += [_line_start(text), ""]
        if para is not None and para.images and id(para) not in done_images:
            done_images.add(id(para))
            lines += _image_lines(report, para, images, image_folder) + [""]
    # images in paragraphs without text (a picture on a line of its own)
    text = "\n".join(lines)
    orphan = [p for p in report.paragraphs() if p.images and not p.number and id(p) not in done_images]
    if orphan:
        text = _place_orphans(report, text, blocks, orphan, images, image_folder)
    return text.rstrip("\n") + "\n", images


def _line_text(text: str) -> str:
    return escape(text.replace("\n", " ").strip())


def _first_row(table: WordTable) -> int:
    for i, row in enumerate(table.rows):
        if any(p.text.strip() for cell in row for p in cell):
            return i
    return 0


def _table(table: WordTable) -> list[str]:
    rows = []
    for row in table.rows:
        cells = [" ".join(escape(p.text.replace("\n", " ").strip()) for p in cell if p.text.strip()) for cell in row]
        if any(c.strip() for c in cells):
            rows.append(cells)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return out


def _orphans_before(report: WordReport) -> dict[int, list[WordParagraph]]:
    """Text-less paragraphs holding images, by the id of the next paragraph with text."""
    out: dict[int, list[WordParagraph]] = {}
    waiting: list[WordParagraph] = []
    for p in report.paragraphs():
        if p.number:
            if waiting:
                out[id(p)] = waiting
                waiting = []
        elif p.images:
            waiting.append(p)
    return out


def _image_lines(report: WordReport, para: WordParagraph, images: dict, folder: str | None) -> list[str]:
    out = []
    for part in para.images:
        data = report.image_bytes(part)
        if data is None or folder is None:
            continue
        ext = _EXT.get(part.rsplit(".", 1)[-1].lower(), "bin")
        name = f"image{len(images) + 1}.{ext}"
        images[name] = data
        out.append(f"![图{len(images)}]({folder}/{name})")
    return out


def _place_orphans(report, text, blocks, orphan, images, folder) -> str:
    """Images of text-less paragraphs left over (at the end, or in table cells): at the end."""
    lines = text.rstrip("\n").split("\n")
    extra = []
    for p in orphan:
        extra += _image_lines(report, p, images, folder)
    if extra:
        lines += [""] + extra
    return "\n".join(lines) + "\n"
