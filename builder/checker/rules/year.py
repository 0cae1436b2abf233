"""year-mismatch: years in the title and in the template's headings must be the round's year."""

from __future__ import annotations

from ...diagnostics import ERROR
from ..text import YEAR_RE, nfkc

id = "year-mismatch"
alias = "KH003"
severity = ERROR
description = "标题或章节标题中的年度与本轮考核年度不一致"
requires = "template"


def _years(report, line: int, text: str, where: str):
    for m in YEAR_RE.finditer(nfkc(text)):
        y = int(m.group(1))
        if y != report.year:
            col = report.column_of(line, m.group(1), 0) or report.column_of(line, text[m.start() : m.end()], 1)
            yield report.diag(
                id,
                severity,
                line,
                col,
                f"{where}中的年度应为 {report.year} 年（本轮考核年度），这里写的是 {y} 年。请改为 {report.year}。",
            )


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    if report.year is None:
        return
    tpl = report.template
    o = report.outline
    if o.title_index is not None and "{year}" in tpl.title:
        b = report.blocks[o.title_index]
        yield from _years(report, b.line, b.text, "标题")
        if o.title_more_index is not None:
            b2 = report.blocks[o.title_more_index]
            yield from _years(report, b2.line, b2.text, "标题")
    for m in o.matches:
        if m.heading is not None and m.section.has_year:
            yield from _years(report, m.heading.line, m.heading.text, "章节标题")
