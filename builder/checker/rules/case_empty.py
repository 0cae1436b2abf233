"""case-empty: every typical case has some content under its title."""

from __future__ import annotations

from ...diagnostics import ERROR

id = "case-empty"
alias = "KH204"
severity = ERROR
description = "典型案例只有标题、没有内容"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    for c in report.outline.cases:
        if c.heading is not None and not c.has_content:
            yield report.diag(
                id, severity, c.line, c.column, f"典型案例“{c.heading.text}”下面没有内容。请填写案例，或删除这个标题。"
            )
