"""Entry points of the PDF adapter (re-exported by :mod:`builder.pdf`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..diagnostics import ERROR, Diagnostic, DiagnosticError
from ..rounds.model import RoundResults
from . import documents


def _renderer(project, fonts: Path | str | None):
    from .render import Renderer

    return Renderer(project, fonts)


def _county(results: RoundResults, county_id: str):
    cr = results.county(county_id)
    if cr is None:
        ids = "、".join(c.county.id for c in results.counties)
        raise DiagnosticError(
            [
                Diagnostic(
                    str(results.round.path / "round.yaml"),
                    0,
                    0,
                    ERROR,
                    "pdf-county-unknown",
                    f"考核轮次 {results.round.id} 中没有被考核单位“{county_id}”（有：{ids}）。",
                )
            ]
        )
    return cr


def render_notification(results: RoundResults, project, *, fonts: Path | str | None = None) -> bytes:
    """The 通报 of a round as PDF bytes."""
    return _renderer(project, fonts).render(documents.notification_spec(results, project)).pdf


def render_feedback(results: RoundResults, project, county_id: str, *, fonts: Path | str | None = None) -> bytes:
    """One county's 考核结果反馈 as PDF bytes."""
    spec = documents.feedback_spec(results, _county(results, county_id), project)
    return _renderer(project, fonts).render(spec).pdf


def render_report(results: RoundResults, project, county_id: str, *, fonts: Path | str | None = None) -> bytes:
    """One county's 自评报告 as PDF bytes (DiagnosticError when the county has no report)."""
    cr = _county(results, county_id)
    if county_id not in results.round.reports:
        raise DiagnosticError(
            [
                Diagnostic(
                    str(results.round.path / "reports"),
                    0,
                    0,
                    ERROR,
                    "pdf-report-missing",
                    f"{cr.county.name}没有自评报告（应为 reports/{county_id}.md）。",
                )
            ]
        )
    return _renderer(project, fonts).render(documents.report_spec(results, cr, project)).pdf


def render_round_pdfs(
    results: RoundResults,
    project,
    out_dir: Path,
    jobs: int | None = None,
    *,
    county: str | None = None,
    kinds: Iterable[str] | None = None,
    fonts: Path | str | None = None,
    progress: bool | None = None,
    warnings: list[Diagnostic] | None = None,
    cache=None,
) -> list[Path]:
    """Write the PDFs of a round under ``out_dir/<round>/``; returns the paths written.

    * ``notification.pdf`` — when the round has a ``notification`` section (a round
      without one simply has no 通报);
    * ``<county>/feedback.pdf`` for every county, ``<county>/report.pdf`` for every county
      with a self-report.

    ``jobs``: worker processes (None: one per CPU, at most one per document; 1: in this
    process). ``county``: only that county's documents (no notification). ``kinds``:
    only these document types, some of ``("notification", "feedback", "report")`` — e.g. a
    round that publishes grades only may leave out the feedback, which states the scores.
    ``fonts``: a font configuration overriding ``themes/print/fonts.yaml`` role by role
    (default: ``$KAOHE_PRINT_FONTS``). ``progress``: a progress bar on stderr (default:
    only on a terminal and not under CI). ``warnings``, when given, receives non-fatal
    diagnostics (e.g. an image URL that was not fetched). ``cache``: reuse unchanged PDFs
    (see :func:`render_rounds_pdfs`).

    Raises DiagnosticError (every problem found, located) when a font is missing, a
    template fails or any document cannot be rendered; then nothing is written. Each
    PDF is written to a temporary file and renamed into place.
    """
    return render_rounds_pdfs(
        [results],
        project,
        out_dir,
        jobs,
        county=county,
        kinds=kinds,
        fonts=fonts,
        progress=progress,
        warnings=warnings,
        cache=cache,
    )


def render_rounds_pdfs(
    many: Iterable[RoundResults],
    project,
    out_dir: Path,
    jobs: int | None = None,
    *,
    county: str | None = None,
    kinds: Iterable[str] | Callable[[RoundResults], Iterable[str] | None] | None = None,
    fonts: Path | str | None = None,
    progress: bool | None = None,
    warnings: list[Diagnostic] | None = None,
    cache=None,
) -> list[Path]:
    """:func:`render_round_pdfs` for several rounds with one process pool (a site build).

    ``kinds`` may also be a function of a round's results giving its kinds (None: all),
    e.g. ``lambda r: ("notification", "report") if r.round.publish == "grades" else None``.

    ``cache``: reuse the PDFs of documents that did not change (:mod:`builder.pdf.cache`):
    ``True`` for the project's build cache, or a :class:`~builder.pdf.cache.PdfCache`
    (whose ``stats`` then say what was rendered and what reused); default: no cache.
    """
    planned = plan_rounds_pdfs(
        many, project, out_dir, county=county, kinds=kinds, fonts=fonts, warnings=warnings, cache=cache
    )
    return planned.render(jobs, progress=progress)


class PlannedPdfs:
    """The PDFs of a build once the cache was asked (:func:`plan_rounds_pdfs`): those found
    are staged already (hard links under temporary names), :attr:`todo` are left to render.
    :meth:`render` renders them and puts every PDF in place; :meth:`abort` removes what
    was staged. Exactly one of the two must be called."""

    def __init__(self, project, out_dir: Path, fonts, warnings, pc, staged, *, whole: bool) -> None:
        self.project, self.out_dir, self.fonts, self.warnings, self.pc = project, out_dir, fonts, warnings, pc
        self.staged = staged
        self.whole = whole  # every document of the rounds (not one county's): the cache's index is kept
        self.order: list[str] = []  # every document's path under out_dir
        self.todo: list[tuple[RoundResults, str, str | None]] = []  # (results, kind, county) to render
        self.doc_keys: dict[str, str] = {}
        self.notes: list[Diagnostic] = []  # the warnings kept with the PDFs found

    def render(self, jobs: int | None = None, *, progress: bool | None = None) -> list[Path]:
        """Render :attr:`todo` (``jobs`` and ``progress`` as for :func:`render_round_pdfs`), then
        put every PDF in place; returns their paths in document order. Raises DiagnosticError
        (with every problem) and then puts nothing in place."""
        from .parallel import render_all

        project, pc = self.project, self.pc
        with self.staged:
            if self.todo:

                def specs():
                    """Each document's template context, made when its turn comes (and then dropped)."""
                    problems: list[Diagnostic] = []
                    for results, kind, cid in self.todo:
                        try:
                            yield documents.doc_spec(results, kind, cid, project)
                        except DiagnosticError as exc:
                            problems.extend(exc.diagnostics)
                    if problems:
                        raise DiagnosticError(problems)

                render_all(
                    specs(),
                    project,
                    self.out_dir,
                    count=len(self.todo),
                    jobs=jobs,
                    fonts=self.fonts,
                    progress=progress,
                    warnings=self.warnings,
                    cache=pc,
                    doc_keys=self.doc_keys,
                    staged=self.staged,
                )
            if self.warnings is not None:
                self.warnings.extend(self.notes)
            self.staged.commit()
        if pc is not None:
            from . import titles

            titles.keep_words(pc.store)
            if self.whole:
                pc.save_index()
        return [self.out_dir / rel for rel in self.order]

    def abort(self) -> None:
        """Remove the staged PDFs (nothing is put in place)."""
        self.staged.abort()


def plan_rounds_pdfs(
    many: Iterable[RoundResults],
    project,
    out_dir: Path,
    *,
    county: str | None = None,
    kinds: Iterable[str] | Callable[[RoundResults], Iterable[str] | None] | None = None,
    fonts: Path | str | None = None,
    warnings: list[Diagnostic] | None = None,
    cache=None,
) -> PlannedPdfs:
    """The first half of :func:`render_rounds_pdfs` (same arguments): every document of the
    rounds, looked up in ``cache``. The caller then calls :meth:`PlannedPdfs.render`, here or
    in a forked copy of this process (builder/site/build.py, for a few documents)."""
    from ..files import StagedFiles

    pc = _pdf_cache(cache, project, fonts)
    out_dir = Path(out_dir)
    planned = PlannedPdfs(project, out_dir, fonts, warnings, pc, StagedFiles(), whole=county is None)
    errors: list[Diagnostic] = []
    kinds_of = kinds if callable(kinds) else (lambda _r, k=(None if kinds is None else tuple(kinds)): k)
    if pc is not None:
        from . import titles

        titles.load_words(pc.store)
    with planned.staged:  # (an exception removes what was staged)
        for results in many:
            try:
                if county is not None:
                    _county(results, county)
                these = kinds_of(results)
                docs = documents.round_docs(results, county, None if these is None else tuple(these))
            except DiagnosticError as exc:
                errors.extend(exc.diagnostics)
                continue
            for kind, cid in docs:
                rel = documents.doc_rel_path(results, kind, cid)
                planned.order.append(rel)
                if pc is not None:
                    key = pc.doc_key(results, kind, cid)
                    found = pc.lookup_doc(key)
                    if found is not None:  # inputs unchanged: not even its template is rendered
                        planned.staged.link(found[1], out_dir / rel)
                        planned.notes.extend(found[2])
                        pc.stats.hits += 1
                        pc.stats.reused.append(rel)
                        continue
                    planned.doc_keys[rel] = key
                planned.todo.append((results, kind, cid))
        if errors:
            raise DiagnosticError(errors)
        if warnings is not None and planned.order:
            _say_stand_ins(project, fonts, warnings)
    return planned


def _say_stand_ins(project, fonts, warnings: list[Diagnostic]) -> None:
    """Note once per build (not once per round) each role printed in a stand-in font."""
    from . import fonts as _fonts

    paths = _fonts.config_paths(project.root, fonts)
    specs, diags = _fonts.load_font_config(paths, project.display)
    if any(d.is_error for d in diags):
        return  # the renderer reports the configuration's errors
    where = project.display(paths[-1])
    try:
        notices = _fonts.stand_in_notices(_fonts.resolve_fonts(specs), where)
    except DiagnosticError:
        return
    for notice in notices:
        if notice not in warnings:
            warnings.append(notice)


def _pdf_cache(cache, project, fonts):
    if cache is None or cache is False:
        return None
    from .cache import PdfCache

    pc = cache if isinstance(cache, PdfCache) else PdfCache(project, fonts=fonts)
    return pc if pc.enabled else None
