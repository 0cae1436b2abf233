"""section-extra: top-level sections that the template does not have (a warning)."""

from __future__ import annotations

from ...diagnostics import WARNING

id = "section-extra"
alias = "KH105"
severity = WARNING
description = "模板中没有的一级章节"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    tops = "；".join(s.heading(report.year) for s in report.template.sections)
    for h in report.outline.extras:
        yield report.diag(
            id,
            severity,
            h.line,
            h.column,
            f"“{h.text}”不是模板中的一级标题（模板依次为：{tops}）。如无必要请删除，或把内容并入相关章节。",
        )
