"""What a build of the site tells its user, in one wording for ``kaohe build`` (:mod:`builder.cli.build`)
and for ``mkdocs build`` / ``mkdocs serve`` (the plugin, :mod:`builder.site.plugin`):

* :func:`failure` — why the build stopped, in one line next to its diagnostics (:func:`text`);
* :func:`finished` — what a finished build wants the user to know (warnings, notes, each
  waiver of the publication gate, the rounds it left out);
* :func:`written` — where a finished build put the site, with its number of pages and PDFs;
* :func:`preview_error` — a failed ``mkdocs serve`` build: the error page in the browser
  and the text for the terminal.
"""

from __future__ import annotations

import io
import logging
import traceback
from pathlib import Path

from ..diagnostics import INFO, Diagnostic, DiagnosticError, render_text
from ..project import Project
from . import build as B
from .atomic import _remove


def text(diagnostics: list[Diagnostic]) -> str:
    """``diagnostics`` as :func:`~builder.diagnostics.render_text` prints them (capped per file),
    one line each plus source line and caret, ending with a line break ("" when there are none)."""
    buf = io.StringIO()
    render_text(diagnostics, stream=buf)
    return buf.getvalue()


def what(exc: BaseException) -> str:
    """What a failed build did not generate, in words for the user: ``网站`` unless the
    exception names it (:class:`~builder.site.build.OutputError`: ``PDF `` , ``网页`` …)."""
    return getattr(exc, "what", "网站")


def failure(exc: DiagnosticError) -> str:
    """The one line that says why a build stopped: how many warnings (a
    :class:`~builder.site.build.StrictError`, ``--strict``) or errors (any other
    :class:`DiagnosticError`) it had, what was not generated and that ``site/`` was kept.
    It does not say where the diagnostics are: ``kaohe build`` prints it after them (the last
    line in the terminal), ``mkdocs build`` before them (the line MkDocs marks ``ERROR``, so
    that each diagnostic starts its own line)."""
    if isinstance(exc, B.StrictError):
        return f"有 {len(exc.diagnostics)} 个警告，按 --strict 的要求网站没有生成（site/ 保持原样）。"
    errors = sum(1 for d in exc.diagnostics if d.is_error)
    return f"共 {errors} 个错误，{what(exc)}没有生成（site/ 保持原样）。请按提示修改后重新生成。"


def report(exc: DiagnosticError) -> str:
    """:func:`failure` and then the diagnostics (:func:`text`): what ``mkdocs build`` says
    when a build stopped."""
    return failure(exc) + "\n" + text(exc.diagnostics).rstrip()


def finished(result: B.Result) -> list[tuple[int, str]]:
    """What a finished build reports, in this order, each with its logging level (the plugin
    logs them, ``kaohe build`` prints them): its warnings (WARNING), its notes (INFO — MkDocs'
    ``--strict`` counts warnings only), one line for each waiver of the publication gate, and
    the rounds that were left out because they are not published."""
    b = result.build
    assert b is not None  # only the error site of a failed preview has none, and it is not finished
    warnings = [d for d in result.warnings if d.severity != INFO]
    notes = [d for d in result.warnings if d.severity == INFO]
    out = []
    if warnings:
        out.append((logging.WARNING, "考核数据有需要注意的地方：\n" + text(warnings).rstrip()))
    if notes:
        out.append((logging.INFO, "提示：\n" + text(notes).rstrip()))
    out += [(logging.INFO, "发布检查豁免：" + text([d]).rstrip()) for d in b.notes]
    if b.site.hidden:
        out.append((logging.INFO, f"未发布的轮次没有生成页面：{'、'.join(b.site.hidden)}（预览草稿：KAOHE_DRAFTS=1）"))
    return out


def written(result: B.Result, target: str | Path, seconds: float | None = None) -> str:
    """The last line of a build that replaced the site: where, how many pages and PDFs, and
    (``kaohe build``; MkDocs says it itself) how long it took."""
    pages = sum(1 for f in result.files if f.endswith(".html"))
    pdfs = sum(1 for f in result.files if f.endswith(".pdf"))
    took = "" if seconds is None else f"，用时 {seconds:.1f} 秒"
    return f"网站已生成到 {target}/：{pages} 个网页" + (f"、{pdfs} 个 PDF" if pdfs else "") + took + "。"


def preview_error(
    exc: Exception, project: Project, out: Path, last: B.Result, site_name: str = B.SiteConfig.site_name
) -> tuple[B.Result, str]:
    """A ``mkdocs serve`` build failed with ``exc``: ``out`` (emptied first) gets the error
    page (:func:`~builder.site.build.write_error_site`) at the home page, ``404.html`` and
    every page of ``last`` (the previous build's result), so that the browser reloads into it
    instead of waiting for a build that never comes, and again once the files are fixed.
    Returns what was written (the result of this build) and the text for the terminal: the
    same diagnostics, and the traceback of an unexpected error."""
    diagnostics = B.failure_diagnostics(exc, project)
    message = f"{what(exc)}没有生成，浏览器中显示下面的错误。请按提示修改：\n" + text(diagnostics)
    if not isinstance(exc, DiagnosticError):
        message += "".join(traceback.format_exception(exc))
    _remove(out)
    out.mkdir(parents=True)
    files = B.write_error_site(diagnostics, out, last.files, site_name=site_name, what=what(exc))
    return B.Result(files, [], None), message.rstrip()
