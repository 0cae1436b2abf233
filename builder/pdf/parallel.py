"""Rendering all documents of a round in a process pool.

Templates are rendered here, in the calling process (cheap, and every template error of
the round is reported at once before any PDF is made); the WeasyPrint work — subsetting
fonts and laying out pages — runs in worker processes. Workers are started with
``spawn`` (no state of the caller is inherited), call ``gc.collect()`` after each
document and are replaced after :data:`TASKS_PER_CHILD` documents: a long-lived
WeasyPrint process otherwise keeps growing (940 MiB measured without collection).

All PDFs are collected first and written only when every document succeeded, each to
a temporary file that is then renamed: a failed run leaves the previous files as they
were.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

from ..diagnostics import Diagnostic, DiagnosticError

TASKS_PER_CHILD = 12

_worker = None  # the Renderer of a worker process


def _init_worker(root: str, fonts: str | None) -> None:
    global _worker
    from ..project import Project
    from .render import Renderer

    _worker = Renderer(Project(Path(root)), fonts)


def _run(job):
    """Worker task: (rel_path, pdf bytes, diagnostics, peak RSS in KiB) or the DiagnosticError."""
    try:
        out = _worker.write(job)
    except DiagnosticError as exc:
        return job.rel_path, None, exc.diagnostics, _peak_kib()
    return job.rel_path, out.pdf, out.diagnostics, _peak_kib()


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def default_jobs(n_docs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, n_docs))


def show_progress(progress: bool | None) -> bool:
    """Auto: a progress bar only on an interactive terminal and never under CI."""
    if progress is not None:
        return progress
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        return False
    return sys.stderr.isatty()


class Stats:
    """What the last :func:`render_all` measured (for benchmarks): peak RSS per worker."""

    peak_kib: dict[int, int] = {}


def render_all(specs, project, out_root: Path, *, jobs: int | None = None, fonts=None,
               progress: bool | None = None, warnings: list[Diagnostic] | None = None) -> list[Path]:
    from .render import Renderer

    renderer = Renderer(project, fonts)
    errors: list[Diagnostic] = []
    prepared = []
    for spec in specs:
        try:
            prepared.append(renderer.prepare(spec))
        except DiagnosticError as exc:
            errors.extend(exc.diagnostics)
    if errors:
        raise DiagnosticError(errors)
    jobs = default_jobs(len(prepared)) if jobs is None else max(1, min(jobs, len(prepared) or 1))
    results: dict[str, bytes] = {}
    notes: list[Diagnostic] = []
    Stats.peak_kib = {}
    with _Progress(show_progress(progress), len(prepared)) as bar:
        if jobs == 1:
            for job in prepared:
                try:
                    out = renderer.write(job)
                    results[job.rel_path] = out.pdf
                    notes.extend(out.diagnostics)
                except DiagnosticError as exc:
                    errors.extend(exc.diagnostics)
                bar.advance(job.rel_path)
            Stats.peak_kib = {os.getpid(): _peak_kib()}
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(str(project.root), None if fonts is None else str(fonts)),
                                     max_tasks_per_child=TASKS_PER_CHILD) as pool:
                # Longest documents first, so that no worker is left with a big one at the end.
                order = sorted(prepared, key=lambda j: -len(j.html))
                futures = {pool.submit(_run, job): job for job in order}
                for fut in as_completed(futures):
                    try:
                        rel, pdf, diags, peak = fut.result()
                    except Exception as exc:  # a worker died (out of memory, killed)
                        job = futures[fut]
                        errors.append(Diagnostic(job.source, 0, 0, "error", "pdf-worker",
                                                 f"生成 {job.rel_path} 的进程异常退出：{type(exc).__name__}: {exc}"))
                        bar.advance(job.rel_path)
                        continue
                    if pdf is None:
                        errors.extend(diags)
                    else:
                        results[rel] = pdf
                        notes.extend(diags)
                    Stats.peak_kib[len(Stats.peak_kib)] = peak
                    bar.advance(rel)
    if warnings is not None:
        warnings.extend(notes)
    if errors:
        raise DiagnosticError(errors)
    written = []
    for job in prepared:
        path = out_root / job.rel_path
        _write_atomic(path, results[job.rel_path])
        written.append(path)
    return written


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled and total > 1
        self.total = total
        self._progress = None
        self._task = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("生成 PDF"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                      TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def advance(self, what: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=what)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False
