"""The checker page as a page of the site: its spec for the page pipeline (no files here).

:func:`plan_page` is called while the site's pages are planned
(:func:`builder.site.pages.plan`); the page is rendered with ``themes/kaohe/check.html`` like
every other page, and its other files are written by :func:`builder.checkpage.write.write_check_page`.
"""

from __future__ import annotations

from .data import PAGE_URL, offered_rounds, page_data
from .write import docx_templates_available, runtime_problem

TITLE = "检查自评报告"


def plan_page(site, site_date, publisher: str):
    """The :class:`~builder.site.pages.PageSpec` of ``check/``, or None when no shown round has
    a report template, or Pyodide is not installed (then ``write_check_page`` says so)."""
    from ..site.pages import STATUS_LABELS, DocMeta, PageSpec

    rounds, _ = offered_rounds(site)
    if not rounds or runtime_problem() is not None:
        return None
    data = page_data(rounds, docx=docx_templates_available())
    meta = DocMeta(
        TITLE,
        site_date,
        publisher,
        description="按本轮考核的报告模板检查自评报告的章节、字数、典型案例和占位符；报告只在本机浏览器中检查，不会上传。",
        sample=any(r["sample"] for r in data["rounds"]),
        # a draft preview offers unpublished rounds too: the page says 草稿 like theirs
        draft=next((STATUS_LABELS.get(r.round.status, r.round.status) for r in rounds if not r.round.is_published), ""),
    )
    return PageSpec(PAGE_URL, "check", "check.html", meta, (("首页", ""),), data)
