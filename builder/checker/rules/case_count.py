"""case-count: no more typical cases in the annex than the template allows."""

from __future__ import annotations

from ...diagnostics import ERROR

id = "case-count"
alias = "KH202"
severity = ERROR
description = "典型案例超过规定的个数"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    annex = report.template.annex
    if annex is None or annex.max_cases is None:
        return
    cases = report.outline.cases
    if len(cases) > annex.max_cases:
        c = cases[annex.max_cases]
        yield report.diag(
            id,
            severity,
            c.line,
            c.column,
            f"典型案例最多 {annex.max_cases} 个，现在有 {len(cases)} 个（从这一个起超出）。请删去多余的案例。",
        )
