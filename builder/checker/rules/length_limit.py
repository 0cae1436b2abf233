"""length-limit: the body (everything before the annex) must not exceed the template's 字数."""

from __future__ import annotations

from ...diagnostics import ERROR
from ..wordcount import chars

id = "length-limit"
alias = "KH201"
severity = ERROR
description = "正文（附件之前）超过字数上限"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    limit = report.template.body_chars
    if limit is None:
        return
    total = report.body_counts.chars
    if total <= limit:
        return
    running = 0
    for b in report.blocks[: report.outline.body_end]:
        running += chars(b.text)
        if running > limit:
            yield report.diag(
                id,
                severity,
                b.line,
                b.column,
                f"正文（附件之前，含标题）共 {total} 字，超过了 {limit} 字的上限，多了 {total - limit} 字"
                f"（从这一{report.doc.unit}起超出）。请精简正文；典型案例放在附件中，不计入字数。",
            )
            return
