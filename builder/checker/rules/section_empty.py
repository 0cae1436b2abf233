"""section-empty: every section of the template must have some content."""

from __future__ import annotations

from ...diagnostics import ERROR
from ._common import quoted

id = "section-empty"
alias = "KH103"
severity = ERROR
description = "模板要求的章节没有内容"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    for m in report.outline.matches:
        if m.heading is None or m.has_content:
            continue
        if m.section.children:
            continue  # a section with subsections: they are reported (empty or missing) instead
        yield report.diag(
            id,
            severity,
            m.heading.line,
            m.heading.column,
            f"{quoted(m.section, report.year)}下面没有内容。请在这个标题下面填写这一节的内容。",
        )
