"""case-title: every typical case has a title of its own."""

from __future__ import annotations

from ...diagnostics import ERROR
from ..text import cn_numeral
from ._common import heading_hint

id = "case-title"
alias = "KH203"
severity = ERROR
description = "典型案例没有标题"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    for k, c in enumerate(report.outline.cases, 1):
        if c.heading is None:
            yield report.diag(
                id,
                severity,
                c.line,
                c.column,
                f"附件中的典型案例没有标题。请在每个案例前单独一{report.doc.unit}写标题，"
                f"如“{heading_hint(report, '###', '案例一：某某企业质量提升做法')}”。",
            )
        elif not c.title:
            yield report.diag(
                id,
                severity,
                c.line,
                c.column,
                f"第 {k} 个典型案例没有标题。请写成“{heading_hint(report, '###', f'案例{cn_numeral(k)}：案例标题')}”。",
            )
