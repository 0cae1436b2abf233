"""section-order: the template's sections must come in the template's order."""

from __future__ import annotations

from ...diagnostics import ERROR
from ._common import quoted

id = "section-order"
alias = "KH102"
severity = ERROR
description = "章节顺序与模板不一致"
requires = "template"


def check(report):
    """Yield a :class:`~builder.diagnostics.Diagnostic` for each breach of this rule.

    :param report: the :class:`~builder.checker.context.Report` being checked; the engine calls this only
        when the report has a template.
    """
    tpl = report.template
    year = report.year
    flat = tpl.flat()
    o = report.outline
    order = "；".join(s.heading(year) for s in tpl.sections)
    for m in o.matches:
        if m.heading is None or m.in_order:
            continue
        i = flat.index(m.section)
        after = next(
            (s for s in reversed(flat[:i]) if (x := o.match_of(s)) and x.heading is not None and x.in_order), None
        )
        where = f"移到{quoted(after, year)}之后" if after else "移到标题之后、最前面"
        yield report.diag(
            id,
            severity,
            m.heading.line,
            m.heading.column,
            f"{quoted(m.section, year)}的位置不对，请{where}。模板的顺序是：{order}。",
        )
