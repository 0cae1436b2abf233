"""Rendering all documents of a round in a process pool.

Templates are rendered here, in the calling process, one document after the other as the
workers take them (cheap, and every template error of the round is reported at once,
before any PDF is put in place); the WeasyPrint work — subsetting
fonts and laying out pages — runs in worker processes. Workers are started with
``spawn`` (no state of the caller is inherited), call ``gc.collect()`` after each
document and are replaced after :data:`TASKS_PER_CHILD` documents: a long-lived
WeasyPrint process otherwise keeps growing (940 MiB measured without collection). With
the collection a worker stayed at 186 MiB over 38 documents, as over 12: replacing it
more often only costs a second of start-up each time.

With ``jobs`` = N and a small batch (up to :data:`MAIN_RENDERS_UP_TO` documents a
process) the work is shared by N − 1 spawned workers and the calling process itself, which
starts rendering at once (the workers need a second or so to start). A larger batch goes
to N workers while the calling process only prepares, hands out and writes: it never
loads the fonts or lays out pages, so its memory is that of the site's data (a round of
1,000 counties). A worker's peak is about 190 MiB.

Each PDF is written as soon as it is made, to a temporary file beside its place, and all
are renamed into place only when every document succeeded: a failed run leaves the
previous files as they were, and no finished PDF is held in memory.

Killing a build ends its workers (:func:`_watch_parent`). A worker asks the kernel to
send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``, through ctypes): that
covers SIGKILL and an unhandled SIGTERM of the main process, which run no Python code
there, at no cost while rendering (a thread polling ``os.getppid()`` would wake up
every so often and only notice late; it is the fallback where prctl is missing). On
SIGINT (KeyboardInterrupt) or any other error the pool kills its workers at once instead
of letting them finish the queued documents (:func:`_pool`). Workers write nothing, so
nothing is left half-written.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from .. import env
from ..diagnostics import Diagnostic, DiagnosticError
from ..env import peak_kib
from ..files import StagedFiles

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .render import Renderer

TASKS_PER_CHILD = 100

_worker: Renderer | None = None  # the Renderer of a worker process


def _watch_parent(parent: int) -> None:
    """End this process when ``parent`` (the build) dies: PR_SET_PDEATHSIG, else a poller.

    The kernel sends the signal when the *thread* that started the worker ends: the main
    thread, or for a worker replaced after TASKS_PER_CHILD documents the pool's manager
    thread, which ends only after it has shut its workers down."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):
        import threading

        def poll():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=poll, name="kaohe-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _init_worker(root: str, fonts: dict, parent: int | None = None) -> None:
    """Start-up of a worker: end with the parent (:func:`_watch_parent`), import
    WeasyPrint, parse the print stylesheet and open the fonts now, while the calling
    process is still rendering templates."""
    global _worker
    if parent is not None:
        _watch_parent(parent)
    from ..project import Project
    from . import fonts as _fonts
    from .render import Renderer

    _worker = Renderer(Project(Path(root)), resolved_fonts=fonts)
    _worker.stylesheet()
    for font in fonts.values():
        _fonts.backend().covers(font, {0x4E00})
    gc.freeze()  # the modules and the renderer stay: the collection after each document skips them


def _ready() -> int:
    return os.getpid()


def _run(job, renderer=None):
    """One document: (rel_path, pdf bytes or None, diagnostics, (pid, peak RSS KiB, CPU s))."""
    cpu = time.process_time()
    try:
        r = renderer or _worker
        if r is None:
            raise RuntimeError("no renderer: _init_worker has not run in this process")
        out = r.write(job)
        pdf, diags = out.pdf, out.diagnostics
    except DiagnosticError as exc:
        pdf, diags = None, exc.diagnostics
    gc.collect()  # WeasyPrint's layout trees are cyclic: free them before the next document
    return job.rel_path, pdf, diags, (os.getpid(), peak_kib(), time.process_time() - cpu)


def default_jobs(n_docs: int) -> int:
    """How many processes render ``n_docs`` documents: the usable CPUs, at most one per document,
    at least one."""
    from ..forked import usable_cpus

    return max(1, min(usable_cpus(), n_docs))


def show_progress(progress: bool | None) -> bool:
    """Auto: a progress bar only on an interactive terminal and never under CI."""
    if progress is not None:
        return progress
    return env.progress_allowed(sys.stderr)


class Stats:
    """What the last :func:`render_all` measured (for benchmarks): peak RSS (KiB) per process id."""

    peak_kib: dict[int, int] = {}
    documents: dict[int, int] = {}  # documents rendered per process id
    cpu_s: dict[int, float] = {}  # CPU seconds spent in rendering per process id


# Up to this many documents per process, the calling process renders too (a small round is
# done sooner); above it, it only prepares, hands out and writes, and holds no fonts or
# layouts: its memory stays that of the site's data however large the round.
MAIN_RENDERS_UP_TO = 8


def render_all(
    specs: Iterable,
    project,
    out_root: Path,
    *,
    count: int,
    jobs: int | None = None,
    fonts=None,
    progress: bool | None = None,
    warnings: list[Diagnostic] | None = None,
    cache=None,
    doc_keys: dict[str, str] | None = None,
    staged: StagedFiles | None = None,
) -> list[Path]:
    """Render and write the documents of ``specs`` (an iterable of ``count``
    :class:`~builder.pdf.documents.DocSpec`, consumed once: a generator is fine) under
    ``out_root``; returns the paths, in the order of ``specs``.

    Each spec is prepared (its template rendered) as it comes and handed to a worker at
    once; with ``cache`` (a :class:`~builder.pdf.cache.PdfCache`), a document whose HTML and
    assets are unchanged is taken from it instead of being rendered (and the others are
    stored). Each PDF is written as soon as it is made, under a temporary name
    (:class:`~builder.files.StagedFiles`: no PDF is kept in memory), and all are renamed
    into place when every document succeeded. With ``staged`` given, the caller commits (it
    stages more files of the same run); otherwise this function does.

    Raises DiagnosticError with every problem found (templates of all documents, then
    layouts); nothing is then put in place. An iterable that raises DiagnosticError when
    it ends (after yielding what it could) adds its diagnostics to those.
    """
    from .render import Renderer

    own = staged is None
    sink = StagedFiles() if staged is None else staged
    renderer = Renderer(project, fonts)
    errors: list[Diagnostic] = []
    notes: list[Diagnostic] = []
    order: list[str] = []
    n_jobs = default_jobs(count) if jobs is None else max(1, min(jobs, count or 1))
    main_renders = n_jobs == 1 or count <= MAIN_RENDERS_UP_TO * n_jobs
    workers = n_jobs - 1 if main_renders else n_jobs
    Stats.peak_kib, Stats.documents, Stats.cpu_s = {}, {}, {}
    with contextlib.ExitStack() as stack:
        if own:
            stack.enter_context(sink)  # an exception removes what was staged
        pool: ProcessPoolExecutor | None = None
        if workers and cache is None:  # start now: workers start up while templates are rendered
            pool = stack.enter_context(_pool(project, renderer, workers))
        pending: deque = deque()
        inflight: dict = {}
        bar = stack.enter_context(_Progress(show_progress(progress), count))

        def store(rel: str, pdf: bytes, diags: list[Diagnostic]) -> None:
            sink.write(out_root / rel, pdf)
            notes.extend(diags)

        def reuse(rel: str, pdf: Path, diags: list[Diagnostic]) -> None:
            sink.link(pdf, out_root / rel)
            notes.extend(diags)

        def collect(outcome) -> None:
            rel, pdf, diags, (pid, peak, cpu) = outcome
            if pdf is None:
                errors.extend(diags)
            else:
                store(rel, pdf, diags)
                if cache is not None:
                    cache.keep(rel, pdf, diags)
            Stats.peak_kib[pid] = max(peak, Stats.peak_kib.get(pid, 0))
            Stats.documents[pid] = Stats.documents.get(pid, 0) + 1
            Stats.cpu_s[pid] = Stats.cpu_s.get(pid, 0.0) + cpu
            bar.advance(rel)

        def harvest(done) -> None:
            for fut in done:
                job = inflight.pop(fut)
                try:
                    collect(fut.result())
                except Exception as exc:  # a worker died (out of memory, killed)
                    errors.append(
                        Diagnostic(
                            job.source,
                            0,
                            0,
                            "error",
                            "pdf-worker",
                            f"生成 {job.rel_path} 的进程异常退出：{type(exc).__name__}: {exc}",
                        )
                    )
                    bar.advance(job.rel_path)

        def feed() -> None:  # each worker: one document running and one waiting
            harvest([f for f in list(inflight) if f.done()])
            while pool is not None and pending and len(inflight) < 2 * workers:
                job = pending.popleft()
                inflight[pool.submit(_run, job)] = job

        specs_iter = iter(specs)
        while True:
            try:
                spec = next(specs_iter)
            except StopIteration:
                break
            except DiagnosticError as exc:  # the caller's own problems, told at the end
                errors.extend(exc.diagnostics)
                break
            try:
                job = renderer.prepare(spec)
            except DiagnosticError as exc:
                errors.extend(exc.diagnostics)
                continue
            order.append(job.rel_path)
            if cache is not None and cache.take(job, (doc_keys or {}).get(job.rel_path), reuse):
                bar.advance(job.rel_path)
                continue
            pending.append(job)
            if pool is None and workers and not errors and len(pending) > 1:
                pool = stack.enter_context(_pool(project, renderer, workers))  # a second document to render
            if not errors:
                feed()
        if errors:
            raise DiagnosticError(errors)  # (leaving the block stops the workers at once)
        # What this process holds now (the round, the site's data) lives until the end: the
        # collection after each document (:func:`_run`) need not walk it again and again.
        gc.freeze()
        stack.callback(gc.unfreeze)
        if pool is None or main_renders:
            while pending:  # the smallest last: the workers are busy with the others
                collect(_run(pending.pop(), renderer))
                feed()
        while pending or inflight:
            feed()
            if inflight:
                harvest(wait(list(inflight), return_when=FIRST_COMPLETED).done)
        if errors:
            raise DiagnosticError(errors)
        if warnings is not None:
            warnings.extend(notes)
        if own:
            sink.commit()
    return [out_root / rel for rel in order]


@contextlib.contextmanager
def _pool(project, renderer, workers: int):
    """A pool of ``workers`` spawned processes, started now (a no-op task makes them
    start). Leaving the block by an exception (KeyboardInterrupt included) kills the
    workers and drops the queued documents instead of waiting for them."""
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(project.root), renderer.fonts, os.getpid()),
        max_tasks_per_child=TASKS_PER_CHILD,
    )
    try:
        for _ in range(workers):
            pool.submit(_ready)
        yield pool
    except BaseException:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled and total > 1
        self.total = total
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(
                TextColumn("生成 PDF"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            progress.start()
            self._task = progress.add_task("", total=self.total)
            self._progress = progress
        return self

    def advance(self, what: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, description=what)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False
