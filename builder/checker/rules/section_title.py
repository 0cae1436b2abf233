"""section-title: a section recognised by a similar title should use the template's wording (a warning)."""

from __future__ import annotations

from ...diagnostics import WARNING

id = "section-title"
alias = "KH106"
severity = WARNING
description = "章节标题的措辞与模板不完全一致"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    for m in report.outline.matches:
        if m.heading is not None and m.fuzzy:
            yield report.diag(
                id,
                severity,
                m.heading.line,
                m.heading.column,
                f"标题应按模板写作“{m.section.heading(report.year)}”，现在是“{m.heading.text}”。",
            )
