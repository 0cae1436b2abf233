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


# ── a worker started ahead: the few PDFs of a rebuild ──

#: Up to this many documents, render_all gives them to the helper (when one was started).
HELPER_TAKES_UP_TO = 2


class Helper:
    """A PDF worker forked at the start of a build (:func:`start_helper`), before the build
    knows that it needs a PDF: WeasyPrint, the stylesheet and the fonts load on another core
    while the build loads its data (0.3–0.4 s of a rebuild at N = 300, which then went on
    the way to its one PDF). :func:`render_all` gives it the documents of a small batch,
    one after the other; a larger batch, or none, stops it unused.

    Its pipe may be used from a forked copy of the build too (the PDFs rendered in the
    background, builder/site/build.py), one user at a time."""

    def __init__(self, project):
        import multiprocessing

        from ..forked import signals_held

        ctx = multiprocessing.get_context("fork")
        self._conn, theirs = ctx.Pipe()
        self._owner = os.getpid()
        with signals_held() as mask:
            self._proc = ctx.Process(target=_helper, args=(str(project.root), theirs, self._owner, mask), daemon=True)
            self._proc.start()
        theirs.close()
        self._fonts: dict | None = None
        self._usable = True

    def fonts(self) -> dict | None:
        """The fonts it resolved (waits until it is ready); None when it failed or ended."""
        if self._usable and self._fonts is None:
            try:
                kind, fonts = self._conn.recv()
            except (EOFError, OSError):
                kind, fonts = "failed", None
            if kind != "ready":
                self._usable = False
            self._fonts = fonts
        return self._fonts if self._usable else None

    def render(self, job):
        """:func:`_run` of ``job`` there; None when it died (then render it elsewhere)."""
        if self.fonts() is None:
            return None
        try:
            self._conn.send(job)
            return self._conn.recv()
        except (EOFError, OSError):
            self._usable = False
            return None

    def stop(self) -> None:
        """Tell it to end; in the process that started it, also wait for it (or kill it)."""
        self._usable = False
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)
        if os.getpid() == self._owner:
            self._proc.join(2)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join()
            self._conn.close()


def _helper(root: str, conn, parent: int, mask=None) -> None:
    """The helper's process (:class:`Helper`): load, say ready, render what comes until None."""
    from ..forked import release_signals

    try:
        release_signals(mask)
        _watch_parent(parent)
        from ..project import Project
        from . import fonts as _fonts
        from .render import Renderer

        renderer = Renderer(Project(Path(root)))
        renderer.stylesheet()
        for font in renderer.fonts.values():
            _fonts.backend().covers(font, {0x4E00})
        conn.send(("ready", renderer.fonts))
    except BaseException:  # the build renders its PDFs itself and reports what is wrong
        with contextlib.suppress(Exception):
            conn.send(("failed", None))
        os._exit(0)
    gc.freeze()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            break
        if job is None:
            break
        try:
            outcome = _run(job, renderer)
        except BaseException as exc:  # (not a located problem: the caller renders it itself)
            outcome = ("crashed", repr(exc))
        with contextlib.suppress(Exception):
            conn.send(outcome)
    os._exit(0)


_HELPER: list[Helper] = []  # the helper of this build, when one was started


def start_helper(project) -> None:
    """Start the :class:`Helper` of this build (when this process may fork and has another
    CPU); :func:`stop_helper` must follow."""
    from ..forked import can_fork, usable_cpus

    stop_helper()
    if can_fork() and usable_cpus() > 1:
        _HELPER.append(Helper(project))


def stop_helper() -> None:
    """Stop the helper of this build, if there is one (used or not)."""
    while _HELPER:
        _HELPER.pop().stop()


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
    helper = _HELPER[0] if _HELPER else None
    if helper is not None and (count > HELPER_TAKES_UP_TO or helper.fonts() != renderer.fonts):
        stop_helper()  # (a larger batch goes to the pool; other fonts than it loaded)
        helper = None
    if helper is None:
        from .weasy import load

        load()  # now, before any worker starts, as always: only a build that has a helper goes without
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
        if workers and cache is None and helper is None:  # start now: workers start up while templates are rendered
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
            if pool is None and workers and helper is None and not errors and len(pending) > 1:
                pool = stack.enter_context(_pool(project, renderer, workers))  # a second document to render
            if not errors:
                feed()
        if errors:
            raise DiagnosticError(errors)  # (leaving the block stops the workers at once)
        # What this process holds now (the round, the site's data) lives until the end: the
        # collection after each document (:func:`_run`) need not walk it again and again.
        gc.freeze()
        stack.callback(gc.unfreeze)
        while helper is not None and pending:
            outcome = helper.render(pending[0])
            if outcome is None or outcome[0] == "crashed":
                break  # (rendered here below)
            pending.popleft()
            collect(outcome)
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
