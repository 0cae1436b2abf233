"""Helpers shared by rules: how sections are named and where a missing one belongs."""

from __future__ import annotations

from ..context import Report
from ..template import Section


def md_heading(section: Section, year, origin: str = "markdown") -> str:
    """How to write a section heading: ``## 二、工作亮点`` / ``### （一）…`` in Markdown; in a Word
    report just the heading (the reader finds it by its numbering or style)."""
    if origin == "docx":
        return section.heading(year)
    return "#" * (section.level + 1) + " " + section.heading(year)


def heading_hint(report: Report, hashes: str, text: str) -> str:
    """``# text`` for a Markdown report, ``text`` for a Word report."""
    return text if report.doc.origin == "docx" else f"{hashes} {text}"


def quoted(section: Section, year) -> str:
    return f"“{section.heading(year)}”"


def where_missing(report: Report, section: Section) -> tuple[int, int, str]:
    """(line, column, phrase) of the place where a missing section belongs.

    The place is just before the next section (in template order, outside the missing
    section's own subsections) that is present and in order; else before the annex;
    else at the end of the report. Only for rules that declare ``requires = "template"``:
    the report must have a template.
    """
    tpl = report.template
    assert tpl is not None  # the engine runs template rules only with a template
    flat = tpl.flat()
    i = flat.index(section)
    j = i + 1
    while j < len(flat) and _within(flat[j], section):
        j += 1
    for s in flat[j:]:
        m = report.outline.match_of(s)
        if m and m.heading and m.in_order:
            h = m.heading
            return h.line, h.column, f"第 {h.line} {report.doc.unit}“{h.text}”之前"
    o = report.outline
    if o.annex_index is not None:
        b = report.blocks[o.annex_index]
        return b.line, b.column, f"第 {b.line} {report.doc.unit}附件之前"
    if report.blocks:
        b = report.blocks[o.body_end - 1] if o.body_end else report.blocks[-1]
        return b.line, b.column, f"正文末尾（这一{report.doc.unit}之后）"
    return report.doc.front_matter.body_line, 1, "正文中"


def _within(s: Section, parent: Section) -> bool:
    return any(s is c or _within(s, c) for c in parent.children)
