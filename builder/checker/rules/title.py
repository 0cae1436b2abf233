"""title-mismatch: the report's title must be the template's, with the county's name and the year."""

from __future__ import annotations

from ...diagnostics import ERROR
from ..text import norm_title
from ._common import heading_hint

id = "title-mismatch"
alias = "KH001"
severity = ERROR
description = "报告标题与模板不符（县区名称、单位类型、年度）"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    expected = report.expected_title
    if expected is None:
        return
    o = report.outline
    if o.title_index is None:
        if report.blocks and o.body_end:
            b = report.blocks[0]
            line = b.line
        else:
            line = report.doc.front_matter.body_line
        where = "第一段" if report.doc.origin == "docx" else "正文第一行"
        yield report.diag(
            id, severity, line, 1, f"缺少报告标题。请在{where}写上“{heading_hint(report, '#', expected)}”。"
        )
        return
    b = report.blocks[o.title_index]
    got = o.title_text
    if norm_title(got) != norm_title(expected):
        yield report.diag(
            id,
            severity,
            b.line,
            b.column,
            f"标题应为“{expected}”，现在是“{got}”。请按模板改正标题（县区名称、“人民政府”或“管委会”、年度）。",
        )
