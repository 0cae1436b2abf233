"""section-missing: every section of the template must be in the report."""

from __future__ import annotations

from ...diagnostics import ERROR
from ._common import md_heading, quoted, where_missing

id = "section-missing"
alias = "KH101"
severity = ERROR
description = "缺少模板要求的章节"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    tpl = report.template
    year = report.year
    for m in report.outline.matches:
        if m.heading is not None:
            continue
        parent = tpl.parent_of(m.section)
        if parent is not None and report.outline.match_of(parent).heading is None:
            continue  # reported with its parent
        kids = ""
        if m.section.children and all(report.outline.match_of(c).heading is None for c in m.section.children):
            kids = "（含" + "".join(quoted(c, year) for c in m.section.children) + "）"
        line, col, where = where_missing(report, m.section)
        yield report.diag(
            id,
            severity,
            line,
            col,
            f"缺少{quoted(m.section, year)}一节{kids}。"
            f"请在{where}加上标题“{md_heading(m.section, year, report.doc.origin)}”并填写内容。",
        )
