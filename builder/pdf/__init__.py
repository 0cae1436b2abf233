"""Printed documents (通报, 考核结果反馈, 自评报告) as PDFs in the GB/T 9704-2012 layout.

Public API (used by the MkDocs plugin and ``kaohe pdf``):

* :func:`render_round_pdfs` ``(results, project, out_dir, jobs=None) -> list[Path]`` writes
  ``out_dir/<round>/notification.pdf`` (when the round has a notification section),
  ``out_dir/<round>/<county>/feedback.pdf`` and ``out_dir/<round>/<county>/report.pdf``
  (the report only when the county has one), in a process pool; raises
  :class:`~builder.diagnostics.DiagnosticError` with located diagnostics when a font is
  missing, a template fails or a document cannot be rendered (and then writes nothing);
  keyword options ``county``, ``kinds``, ``fonts``, ``progress``, ``warnings``;
* :func:`render_rounds_pdfs` — the same for several rounds with one process pool, and its
  two halves :func:`plan_rounds_pdfs` (the cache asked, found PDFs staged) and
  :meth:`PlannedPdfs.render <builder.pdf.api.PlannedPdfs.render>`;
* :func:`render_notification`, :func:`render_feedback`, :func:`render_report` return one
  document's PDF bytes.

Only this adapter imports WeasyPrint; the core does not.
"""

from __future__ import annotations

__all__ = [
    "plan_rounds_pdfs",
    "render_feedback",
    "render_notification",
    "render_report",
    "render_round_pdfs",
    "render_rounds_pdfs",
]


def __getattr__(name: str):
    # The entry points are loaded on first use, so that importing a light submodule
    # (``builder.pdf.fonts`` for ``kaohe check``'s glyph check) does not load the rounds.
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
