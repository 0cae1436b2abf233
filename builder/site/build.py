"""The site build, one pipeline for ``kaohe build`` and ``mkdocs build``/``serve``.

::

    load + compute   collect()            rubrics and rounds, validated (builder/site/collect.py)
    plan             pages.plan()         every generated page's data, no MkDocs
    outputs          OUTPUTS, in order    each writes its files into the output folder
    swap             AtomicSite           the finished folder replaces site/ (kaohe build only)

:func:`generate` runs the first three into a folder; :func:`build` (``kaohe build``) runs it
into a staging folder next to ``site/`` and swaps it in when everything succeeded, so a
failed or interrupted build leaves ``site/`` as it was. The MkDocs plugin
(:mod:`builder.site.plugin`) calls :func:`generate` into a staging folder and hands the files
to MkDocs, which writes them: both commands give the same bytes.

Adding an output (open data, the checker page, history …)
---------------------------------------------------------
An output is a function ``write(build: Build, out: Path) -> list[str]``: it reads what it
needs from ``build`` (``project``, ``site`` — the computed rounds —, ``plan``, ``options``,
``config``, ``cache``), writes its files under ``out`` and returns their paths relative to
``out`` (POSIX). It reports problems by appending :class:`~builder.diagnostics.Diagnostic`
objects to ``build.warnings`` (non-fatal) or by raising
:class:`~builder.diagnostics.DiagnosticError` (the build stops, ``site/`` is untouched).
Register it with a name in :data:`OUTPUTS` (order matters only where an output reads what
an earlier one left in ``build``: the search index reads ``build.search``, to which the
hand-written pages add theirs; the sitemap reads ``build.sitemap``). Two outputs that
write the same path stop the build. Everything an output writes must be a function of
its inputs (same input, same bytes): no clock, no absolute paths, sorted iteration.

This module is part of the core: it imports neither MkDocs nor WeasyPrint (the PDF output
imports the PDF adapter only when PDFs are built).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import gc
import gzip
import html as _html
import io
import os
import posixpath
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import jinja2

from .. import env as _env
from ..buildcache import BuildCache
from ..diagnostics import ERROR, WARNING, Diagnostic, DiagnosticError
from ..formats import format_cn_date, format_decimal
from ..project import Project
from . import pages as P
from .atomic import AtomicSite
from .collect import SiteData, collect

# ───────────────────────────── settings ─────────────────────────────


@dataclass(frozen=True)
class SiteConfig:
    """What the build takes from ``mkdocs.yml`` (the one configuration file of the site)."""

    site_name: str = "质量工作考核结果公开"
    site_url: str = ""
    docs_dir: str = "content/pages"
    site_dir: str = "site"
    publisher: str = ""
    date: _dt.date | None = None
    drafts: bool = False
    pdfs: bool = True


@dataclass(frozen=True)
class BuildOptions:
    """How to build. ``None``: take it from mkdocs.yml and the environment switches."""

    strict: bool = False  # warnings stop the build
    drafts: bool | None = None  # also rounds that are not published (KAOHE_DRAFTS)
    pdfs: bool | None = None  # KAOHE_PDFS
    cache: bool | None = None  # the build cache (KAOHE_NO_CACHE)
    progress: bool | None = None  # progress bars (default: on a terminal, not under CI)


class ConfigError(DiagnosticError):
    """A configuration problem (``mkdocs.yml``, folders) that stops the build before it starts."""

    pass


def read_config(project: Project, config_file: Path | None = None, **overrides) -> SiteConfig:
    """The site settings of ``mkdocs.yml`` (``site_name``, ``site_url``, ``docs_dir``,
    ``site_dir`` and the ``kaohe`` plugin's ``publisher``, ``date``, ``drafts``, ``pdfs``),
    with ``overrides`` (fields of :class:`SiteConfig`, e.g. what MkDocs resolved) applied.

    A missing file gives the defaults; a file that is not valid YAML raises
    :class:`ConfigError` with the located diagnostics.
    """
    from ..yamlio import load_yaml

    path = config_file or project.root / "mkdocs.yml"
    if not path.is_file():
        return dataclasses.replace(SiteConfig(), **overrides)
    doc = load_yaml(path, project.display(path))
    errors = [d for d in doc.diagnostics if d.is_error]
    if errors:
        raise ConfigError(errors)
    data = doc.data if isinstance(doc.data, dict) else {}
    opts: dict = {}
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("kaohe"), dict):
            opts = entry["kaohe"]
    day = opts.get("date")
    if isinstance(day, _dt.datetime):
        day = day.date()
    elif day not in (None, "") and not isinstance(day, _dt.date):
        try:
            day = _dt.date.fromisoformat(str(day))
        except ValueError:
            raise ConfigError(
                [
                    Diagnostic(
                        project.display(path),
                        1,
                        1,
                        ERROR,
                        "site-config",
                        f"kaohe 的 date“{day}”格式不对，应写成 2023-06-30。",
                    )
                ]
            ) from None
    return dataclasses.replace(
        SiteConfig(
            site_name=str(data.get("site_name") or SiteConfig.site_name),
            site_url=str(data.get("site_url") or ""),
            docs_dir=str(data.get("docs_dir") or SiteConfig.docs_dir),
            site_dir=str(data.get("site_dir") or SiteConfig.site_dir),
            publisher=str(opts.get("publisher") or ""),
            date=day or None,
            drafts=bool(opts.get("drafts", False)),
            pdfs=bool(opts.get("pdfs", True)),
        ),
        **overrides,
    )


# ───────────────────────────── the build ─────────────────────────────


@dataclass
class Build:
    """Everything an output reads (see the module doc), and what outputs leave for later ones."""

    project: Project
    config: SiteConfig
    options: BuildOptions  # resolved: no None left
    site: SiteData
    plan: P.Plan
    cache: BuildCache
    warnings: list[Diagnostic] = field(default_factory=list)
    # notes the build log prints, not warnings: each waiver of the publication gate (rounds/gate.py)
    notes: list[Diagnostic] = field(default_factory=list)
    search: list[P.SearchDoc] = field(default_factory=list)  # the search index's documents
    sitemap: list[tuple[str, _dt.date | None]] = field(default_factory=list)  # (url, date) of every page
    stats: dict = field(default_factory=dict)  # what each output did (last-build.json)
    progress: Progress | None = None
    _env: jinja2.Environment | None = None

    def env(self) -> jinja2.Environment:
        """The theme's Jinja environment (:func:`theme_env`), made once per build."""
        if self._env is None:
            self._env = theme_env(self.project)
        return self._env


Writer = Callable[[Build, Path], list[str]]
_T = TypeVar("_T")


@dataclass
class Result:
    """What a build wrote (relative paths, sorted) and its warnings."""

    files: list[str]
    warnings: list[Diagnostic]
    build: Build | None  # None only for the error site of a failed ``mkdocs serve`` build (plugin)


def resolve_options(config: SiteConfig, options: BuildOptions) -> BuildOptions:
    """``options`` with every ``None`` replaced: environment switch, else mkdocs.yml."""

    def pick(given, name, default):
        return given if given is not None else _env.enabled(name, default)

    pdfs = pick(options.pdfs, "KAOHE_PDFS", config.pdfs)
    if pdfs and not _pdf_adapter_available():
        pdfs = False
    return BuildOptions(
        strict=options.strict,
        drafts=pick(options.drafts, "KAOHE_DRAFTS", config.drafts),
        pdfs=pdfs,
        cache=options.cache if options.cache is not None else _env.cache_enabled(),
        progress=options.progress if options.progress is not None else _env.progress_allowed(sys.stderr),
    )


def _pdf_adapter_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("builder.pdf") is not None and importlib.util.find_spec("weasyprint") is not None


_GC_THRESHOLD: list[int] = []  # the collector's thresholds before prepare() raised the first one


def prepare(project: Project, config: SiteConfig, options: BuildOptions) -> Build:
    """Load, validate, compute and plan. Raises DiagnosticError (every error, located).

    The collector's first threshold stays raised until :func:`generate` ends (or this fails):
    a build makes millions of objects that live on."""
    if not _GC_THRESHOLD:
        _GC_THRESHOLD.extend(gc.get_threshold())
        gc.set_threshold(50_000, *_GC_THRESHOLD[1:])
    try:
        return _prepare(project, config, options)
    except BaseException:
        _restore_gc_threshold()
        _stop_pdf_helper()
        raise


def _stop_pdf_helper() -> None:
    if "builder.pdf.parallel" in sys.modules:  # (only a build with PDFs imported it)
        sys.modules["builder.pdf.parallel"].stop_helper()


def _restore_gc_threshold() -> None:
    if _GC_THRESHOLD:
        gc.set_threshold(*_GC_THRESHOLD)
        _GC_THRESHOLD.clear()


def _prepare(project: Project, config: SiteConfig, options: BuildOptions) -> Build:
    opts = resolve_options(config, options)
    store = BuildCache.for_project(project, enabled=opts.cache)
    from .pagecache import MEMO

    MEMO.store = store if store.enabled else None
    from ..checkpage.bundle import start_compiled_zip

    start_compiled_zip(store)  # Node compiles the checker page's Python on another core meanwhile
    if opts.pdfs and store.enabled and _build_log(store).is_file():
        from ..pdf.parallel import start_helper

        start_helper(project)  # a rebuild: a PDF worker loads WeasyPrint on another core meanwhile
    docs = project.root / config.docs_dir
    _check_docs_dir(docs, project)
    site = collect(project, drafts=bool(opts.drafts), cache=store)
    errors = [d for d in site.diagnostics if d.is_error]
    if errors:
        raise DiagnosticError(errors)
    warnings = [d for d in site.diagnostics if d.severity == WARNING]
    plan = P.plan(
        site,
        P.SiteOptions(
            site_name=config.site_name,
            publisher=config.publisher,
            date=config.date,
            drafts=bool(opts.drafts),
            pdfs=bool(opts.pdfs),
        ),
    )
    notes = [d for d in site.diagnostics if d.rule == "gate-waived"]
    return Build(project, config, opts, site, plan, store, warnings=warnings, notes=notes, search=list(plan.search))


def generate(
    build: Build, out: Path, outputs: list[tuple[str, Writer]] | None = None, *, previous: Path | None = None
) -> Result:
    """Run every output into the empty folder ``out``; returns what was written.
    ``previous``: the site of the last build (``site/``), whose files are linked where the
    bytes are the same (:func:`builder.files.reusing`).

    Outputs of :data:`STARTED_FIRST` start before the others (a few PDFs are then rendered
    in a forked copy of the build meanwhile); outputs of :data:`DETACHED` run in a forked
    copy from their turn on. Their files and warnings count in their turn, so that the
    result is the same as one output after the other.

    Raises DiagnosticError when an output fails or two outputs write the same file, and,
    with ``strict``, when there are warnings (then after every output ran, so that all of
    them are reported).
    """
    written: dict[str, str] = {}

    def record(name: str, files: list[str]) -> None:
        for rel in files:
            if rel in written:
                raise DiagnosticError(
                    [Diagnostic(rel, 0, 0, ERROR, "site-duplicate", f"“{written[rel]}”和“{name}”都要生成 {rel}。")]
                )
            written[rel] = name

    outputs = _in_order(build, outputs if outputs is not None else OUTPUTS)
    started: dict[str, Started] = {}
    running: list[tuple[str, Background, int]] = []  # (name, the forked copy, place of its warnings)
    from ..files import reusing

    with reusing(previous, out):
        gc.freeze()  # the loaded site stays: collections while rendering skip it (and forked copies share it)
        try:
            with Progress(enabled=bool(build.options.progress)) as progress:
                build.progress = progress
                for name, _ in outputs:
                    if name in STARTED_FIRST:
                        started[name] = _run_output(name, functools.partial(STARTED_FIRST[name], build, out))
                for name, writer in outputs:
                    if name in started:
                        job = started.pop(name)
                        if isinstance(job, Background):
                            running.append((name, job, len(build.warnings)))
                            continue
                        record(name, _run_output(name, job.finish))
                        continue
                    run = functools.partial(writer, build, out)
                    child = _in_background(build, run) if name in DETACHED else None
                    if child is not None:
                        running.append((name, child, len(build.warnings)))
                        continue
                    record(name, _run_output(name, run))
                build.progress = None
                shift = 0  # warnings inserted for the children before
                for name, child, at in running:
                    files, warnings = _run_output(name, child.result)
                    build.warnings[at + shift : at + shift] = warnings
                    shift += len(warnings)
                    record(name, files)
        finally:
            _stop_pdf_helper()
            gc.unfreeze()
            _restore_gc_threshold()
            for _, child, _ in running:
                child.cancel()
            for job in started.values():
                job.cancel()
    _write_build_log(build)
    if build.options.strict and any(d.severity == WARNING for d in build.warnings):
        raise StrictError([d for d in build.warnings if d.severity == WARNING])  # notes (INFO) never stop it
    return Result(sorted(written), build.warnings, build)


def _in_order(build: Build, outputs: list[tuple[str, Writer]]) -> list[tuple[str, Writer]]:
    """``outputs`` with the search index moved before the pages when every shown round came
    from the build cache (a rebuild after a report changed: few pages to render, and the
    index then runs beside them on the other core). Otherwise the pages, rendered on every
    core, come first: beside them the index only slows one share of them (0.3–0.4 s of a
    cold site build at N = 300, measured)."""
    names = [name for name, _ in outputs]
    reused = set(build.cache.stats.rounds_reused)
    if not (
        build.site.rounds
        and all(r.round.id in reused for r in build.site.rounds)
        and "search" in names
        and "pages" in names
        and names.index("search") > names.index("pages")
    ):
        return outputs
    search = outputs[names.index("search")]
    rest = [o for o in outputs if o[0] != "search"]
    at = [name for name, _ in rest].index("pages")
    return [*rest[:at], search, *rest[at:]]


def _run_output(name: str, run: Callable[[], _T]) -> _T:
    """``run()``, its DiagnosticError raised as the :class:`OutputError` of output ``name``."""
    try:
        return run()
    except DiagnosticError as exc:
        raise OutputError(name, exc.diagnostics) from None


class Background:
    """An output computed in a forked copy of the build (:func:`_in_background`)."""

    def __init__(self, child, build: Build):
        self.child, self.build = child, build

    def result(self) -> tuple[list[str], list[Diagnostic]]:
        """Wait for it: (its files, the warnings it added). What it counted in ``build.stats``
        and in the build cache is added to the build's own."""
        files, warnings, stats, cache = self.child.result()
        self.build.stats.update(stats)
        self.build.cache.absorb(cache)
        return files, warnings

    def cancel(self) -> None:
        """Stop it, when it still runs."""
        self.child.cancel()


def _in_background(build: Build, run: Callable[[], list[str]], *, daemon: bool = True) -> Background | None:
    """``run()`` (an output: it returns its files) started in a forked copy of the build, to
    run while this process goes on; None where :func:`builder.forked.start` cannot fork
    (then the caller runs it itself). What it adds to ``build.warnings`` and
    ``build.stats`` and counts in the build cache comes back with its files."""
    from .. import forked

    at, stats, mark = len(build.warnings), dict(build.stats), build.cache.mark()

    def child() -> tuple:
        files = run()
        changed = {k: v for k, v in build.stats.items() if stats.get(k, _NOTHING) is not v}
        return files, build.warnings[at:], changed, build.cache.since(mark)

    started = forked.start(child, daemon=daemon)
    return None if started is None else Background(started, build)


_NOTHING = object()


class InTurn:
    """An output started first (:data:`STARTED_FIRST`) that finishes in its turn, here."""

    def __init__(self, finish: Callable[[], list[str]], cancel: Callable[[], None]):
        self.finish, self.cancel = finish, cancel


Started = Background | InTurn


class StrictError(DiagnosticError):
    """``--strict``: the build had warnings."""


class OutputError(DiagnosticError):
    """An output failed; ``what`` says which, in words for the user (``PDF``, ``网页`` …)."""

    LABELS = {
        "pdfs": "PDF ",
        "pages": "网页",
        "handwritten": "网页",
        "search": "搜索索引",
        "opendata": "开放数据",
        "checkpage": "检查自评报告页面",
    }

    def __init__(self, name: str, diagnostics):
        super().__init__(diagnostics)
        self.output = name
        self.what = self.LABELS.get(name, name)


def build(
    project: Project,
    options: BuildOptions = BuildOptions(),
    *,
    config_file: Path | None = None,
    site_dir: Path | None = None,
) -> Result:
    """``kaohe build``: :func:`prepare` and :func:`generate` into a staging folder next to
    ``site/``, then swap it in. Raises DiagnosticError (``site/`` untouched) or
    :class:`~builder.site.atomic.StagingError` (``site/`` cannot be replaced; nothing left behind).

    SIGTERM is handled like Ctrl-C during the build: the staging folder is removed.
    """
    from ..buildcache import TRASH
    from .atomic import empty_trash

    config = read_config(project, config_file)
    target = Path(site_dir) if site_dir is not None else project.root / config.site_dir
    cached = options.cache if options.cache is not None else _env.cache_enabled()
    trash = BuildCache.for_project(project).root / TRASH if cached else None
    atomic = AtomicSite(target, trash)
    atomic.check_writable()
    atomic.sweep()
    emptying = empty_trash(trash)  # the site a build before this one replaced, removed meanwhile
    try:
        b = prepare(project, config, options)
        with _terminate_as_interrupt():
            staging = Path(atomic.begin())
            try:
                result = generate(b, staging, previous=atomic.final)
                atomic.commit()
            except BaseException:
                atomic.abort()
                raise
    finally:
        if emptying is not None:
            with contextlib.suppress(Exception):
                emptying.result()
    return result


class _terminate_as_interrupt:
    """Within the block, SIGTERM raises KeyboardInterrupt (so ``finally`` clean-up runs)."""

    def __enter__(self):
        def raise_interrupt(signum, frame):
            raise KeyboardInterrupt

        try:
            self.previous = signal.signal(signal.SIGTERM, raise_interrupt)
        except ValueError:  # not the main thread
            self.previous = None
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


# ───────────────────────────── progress ─────────────────────────────


class Progress:
    """Progress bars on stderr (rich) for the long steps; nothing when disabled (not a
    terminal, ``CI=true``, ``-q``). One bar at a time: the PDF renderer shows its own."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @contextlib.contextmanager
    def step(self, description: str, total: int):
        """A bar for one step; yields a function that advances it by one."""
        if not self.enabled or total < 2:
            yield lambda: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as RichProgress

        with RichProgress(
            TextColumn(description),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
            auto_refresh=False,  # no refresh thread: the page renderer forks (builder.forked)
        ) as bar:
            task = bar.add_task("", total=total)

            def advance() -> None:
                bar.advance(task)
                bar.refresh()

            yield advance


# ───────────────────────────── rendering ─────────────────────────────


def relative_url(target: str, page_url: str) -> str:
    """``target`` (site-relative, e.g. ``rubrics/luohe-2022/#n-A1``) as a link from the page at
    ``page_url`` (``luohe-2022/wuyang/``). Absolute URLs, ``/…`` and ``#…`` are kept.

    The same rule as MkDocs' ``url`` filter, so the two builds give the same links.
    """
    if not target:
        target = "."
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("/", "#")):
        return target
    path, sep, frag = target.partition("#")
    norm = posixpath.normpath(path) + "/"
    up = 0
    while norm.startswith("../", up * 3):
        up += 1
    result = _relative(path, page_url)
    if up:
        result = "../" * up + result
    return result + (sep + frag if sep else "")


def file_friendly(link: str) -> str:
    """A relative link to a folder (``../rounds/``, ``.``) as a link to its ``index.html``: opened
    from disk (``file://``) a browser shows a folder as a file listing, while every web server
    serves ``…/index.html`` as well. Absolute URLs and links within the page are kept."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("#"):
        return link
    path, sep, frag = link.partition("#")
    if path in ("", "."):
        path = "index.html"
    elif path.endswith("/"):
        path += "index.html"
    elif path.rsplit("/", 1)[-1] in (".", ".."):
        path += "/index.html"
    return path + sep + frag


def _norm_parts(path: str) -> list[str]:
    path = posixpath.normpath("/" + path)[1:]
    return path.split("/") if path else []


def _relative(url: str, other: str) -> str:
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    a, b = _norm_parts(other), _norm_parts(url)
    common = 0
    for x, y in zip(a, b, strict=False):  # the shorter path ends the common prefix
        if x != y:
            break
        common += 1
    rel = "/".join([".."] * (len(a) - common) + b[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


# Where print_addresses gives no address: links within lists of contents, results and tables.
_NO_PRINT_ADDRESS = ("toc", "area-index", "search-results", "announce", "crumbs")


class _LinkFinder(HTMLParser):
    """The ``<a href>`` start tags of ``<main>`` (their offsets and hrefs), outside tables and the
    lists of :data:`_NO_PRINT_ADDRESS`. Reads the theme's own output, which is well formed."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, does it exclude its links?)
        self.in_main = 0
        self.found: list[tuple[int, str, str]] = []  # (offset of the tag's end ">", raw tag, href)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main += 1
        if (
            tag == "a"
            and self.in_main
            and not any(x for _, x in self.stack)
            and a.get("href")
            and "data-print-url" not in a
        ):
            raw = self.get_starttag_text() or ""
            line, col = self.getpos()
            self.found.append((self.starts[line - 1] + col + len(raw) - 1, raw, a["href"]))
        if tag not in self.VOID:
            classes = set((a.get("class") or "").split())
            self.stack.append((tag, tag in ("table", "nav") or bool(classes & set(_NO_PRINT_ADDRESS))))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if any(t == tag for t, _ in self.stack):  # (closes what was left open inside it, as HTML does)
            while self.stack.pop()[0] != tag:
                pass


def _outside_tables(html: str) -> str:
    """``html`` with every table (where links get no address) turned into spaces, line breaks
    kept, so that offsets stay those of ``html``. A county's page is mostly its score tables:
    HTMLParser would spend most of its time walking their cells. Nested tables (never written
    by the theme or Markdown) are left as they are."""
    out, pos = [], 0
    lower = html.lower()
    while (start := lower.find("<table", pos)) >= 0:
        end = lower.find("</table>", start)
        if end < 0:
            break
        end += len("</table>")
        if lower.find("<table", start + 6, end) >= 0:  # nested: parse it as it is
            out.append(html[pos:end])
        else:
            out.append(html[pos:start])
            out.append("\n".join(" " * len(line) for line in html[start:end].split("\n")))
        pos = end
    out.append(html[pos:])
    return "".join(out)


def print_addresses(html: str, page_url: str, site_url: str) -> str:
    """``html`` with ``data-print-url`` on each link of ``<main>`` that leads to another
    document, which the print stylesheet prints after the link (on paper a link cannot be
    followed): its full address — ``site_url`` plus the target's path, without ``index.html`` —
    (``本站：luohe-2022/wuyang/report/`` when ``site_url`` is not set: a path relative to the
    page is of no use on paper), or, for an outside address (http, https), the address itself.
    Links within the page, in tables and in the lists of contents or results get none."""
    first, last_main = html.find("<main"), html.rfind("</main>")
    if first < 0 or last_main < 0:
        return html
    main = html[first : last_main + len("</main>")]  # (the header and footer hold no link of <main>)
    finder = _LinkFinder(main)
    finder.feed(_outside_tables(main))
    finder.close()
    base = site_url.rstrip("/") + "/" if site_url else ""
    out, last = [], 0
    for end, _raw, href in finder.found:
        end += first
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            where = href
        elif parts.scheme or parts.netloc or href.startswith(("#", "/")):
            continue
        else:
            page_dir = page_url if page_url.endswith("/") or not page_url else page_url.rpartition("/")[0] + "/"
            page_dir = "" if page_dir == "/" else page_dir
            target = posixpath.normpath(posixpath.join(page_dir, parts.path)) if parts.path else page_url
            if target.startswith(".."):
                continue
            target = "" if target == "." else target
            if target == "index.html" or target.endswith("/index.html"):
                target = target[: -len("index.html")]
            elif parts.path.endswith("/") and not target.endswith("/"):
                target += "/"
            target += f"#{parts.fragment}" if parts.fragment else ""
            where = base + target if base else (f"本站：{target}" if target else "本站首页")
        if where == html[end + 1 : end + 1 + len(where)]:  # the link's text is its address
            continue
        out.append(html[last:end])
        out.append(f' data-print-url="{_html.escape(where)}"')
        last = end
    out.append(html[last:])
    return "".join(out)


def theme_env(project: Project) -> jinja2.Environment:
    """The Jinja environment of the site theme: ``themes/kaohe`` first, then ``themes``
    (the shared macros). Filters: ``url`` (relative to the page being rendered), ``num``,
    ``cndate``, ``pct``."""
    themes = project.root / "themes"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(themes / "kaohe"), str(themes)]),
        autoescape=True,
        auto_reload=False,
        undefined=jinja2.Undefined,
    )

    @jinja2.pass_context
    def url(ctx, value):
        page = ctx.get("kh")
        path, sep, frag = str(value).partition("#")
        if sep and not path:
            return sep + frag
        return _page_link(path, page.url if page is not None and page is not jinja2.Undefined else "") + sep + frag

    env.filters.update(url=url, num=format_decimal, cndate=format_cn_date, pct=P.pct)
    return env


@functools.lru_cache(maxsize=8192)
def _page_link(path: str, page_url: str) -> str:
    """The ``url`` filter for a target without its fragment (which neither function below
    changes): a county page links to each of the rubric's 56 items on one rubric page."""
    return file_friendly(relative_url(path, page_url))


def _page_path(url: str) -> str:
    return url if url.endswith(".html") else f"{url}index.html"  # 404.html stands as it is


def write_pages(build: Build, out: Path) -> list[str]:
    """The generated pages of the plan (home, rounds, counties, reports, rubrics, search);
    a page whose data, theme and code did not change comes from the build cache
    (:mod:`.pagecache`)."""
    from .pagecache import PageCache

    env = build.env()
    kh_site = _kh_site(build)
    cache = None
    if build.cache.enabled:
        cache = PageCache(build.cache, build.project, _settings(build), kh_site)
    written: list[str] = []
    with (build.progress or Progress(False)).step("生成网页", len(build.plan.pages)) as tick:
        _render_pages(build, out, env, kh_site, cache, written, tick)
    build.stats["pages"] = cache.as_dict() if cache is not None else None
    return written


def _render_pages(build, out, env, kh_site, cache, written, tick) -> None:
    """Write every page of the plan: from the page cache, or rendered (by :func:`split_map`,
    in this process and forked copies of it when there are many)."""
    from ..forked import split_map

    specs = build.plan.pages
    todo: list[tuple[P.PageSpec, str | None]] = []
    for spec in specs:
        key = cache.key(spec) if cache is not None else None
        html = cache.get(key) if key else None
        if html is None:
            todo.append((spec, key))
        else:
            cache.reused.append(spec.url)
            _write(out / _page_path(spec.url), html.encode("utf-8"))
            tick()

    me, ticked = os.getpid(), [0]

    def render(share) -> list[tuple[int, int]]:
        stored = []  # per page: (records, bytes) it stored
        for spec, key in share:
            before = (cache.store.stats.stored, cache.store.written_bytes) if cache is not None else (0, 0)
            html = print_addresses(
                env.get_template(spec.template).render(kh=spec, kh_site=kh_site), spec.url, build.config.site_url
            )
            if key:
                cache.put(key, html)
            _write(out / _page_path(spec.url), html.encode("utf-8"))
            if cache is not None:
                stored.append((cache.store.stats.stored - before[0], cache.store.written_bytes - before[1]))
            else:
                stored.append((0, 0))
            if os.getpid() == me:  # (a forked child's bar would be a second one on the terminal)
                tick()
                ticked[0] += 1
        return stored

    for name in sorted({spec.template for spec, _ in todo}):
        env.get_template(name)  # compiled once, before any fork
    if cache is not None:
        before = cache.store.stats.stored, cache.store.written_bytes
        stored = split_map(render, todo)  # (children count theirs too)
        cache.store.stats.stored = before[0] + sum(n for n, _ in stored)
        cache.store.written_bytes = before[1] + sum(b for _, b in stored)
        cache.rendered.extend(spec.url for spec, _ in todo)
    else:
        split_map(render, todo)
    for _ in range(len(todo) - ticked[0]):  # the children's pages, once they are all written
        tick()
    for spec in specs:
        if spec.kind != "404":  # the error page is no page of the site's map
            build.sitemap.append((spec.url, spec.meta.date))
        written.append(_page_path(spec.url))


def _settings(build: Build) -> dict:
    """The settings a page depends on, as plain data (a part of every page's cache key)."""
    c = build.config
    return {
        "config": {**c.__dict__, "date": c.date.isoformat() if c.date else None},
        "options": {"drafts": build.options.drafts, "pdfs": build.options.pdfs},
    }


def _kh_site(build: Build) -> dict:
    return {
        "nav": build.plan.nav,
        "name": build.config.site_name,
        "publisher": build.plan.publisher,
        "date": build.plan.site_date,
        "url": build.config.site_url,
        "root_path": _root_path(build.config.site_url),
        "about": (build.project.root / build.config.docs_dir / "about.md").is_file(),
    }


def _root_path(site_url: str) -> str:
    """The path of the site's root on its server (404.html's <base>): ``https://x.gov.cn/kaohe``
    → ``/kaohe/``, ``https://x.gov.cn`` → ``/``."""
    path = urlsplit(site_url).path if site_url else ""
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


_LEADING_H1 = re.compile(r"^\s*<h1[^>]*>(.*?)</h1>\s*", re.S)
_TAG = re.compile(r"<[^>]+>")


def handwritten_pages(build: Build) -> list[tuple[Path, str]]:
    """(file, URL) of every hand-written Markdown page of docs_dir, sorted."""
    docs = build.project.root / build.config.docs_dir
    out = []
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            rel = path.relative_to(docs).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            out.append((path, _md_url(rel)))
    return out


def _md_url(rel: str) -> str:
    """``about.md`` → ``about/``, ``index.md`` → ``""``, ``a/index.md`` → ``a/``."""
    stem = rel[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def write_handwritten(build: Build, out: Path) -> list[str]:
    """The hand-written pages of docs_dir (``content/pages``): Markdown → the theme's
    ``main.html``; every other file of docs_dir is copied as it is. Files that are links
    to outside the project are refused (:mod:`builder.paths`)."""
    from ..markdown import parse, render_html
    from ..paths import check_inside
    from ..textio import read_text

    project = build.project
    docs = project.root / build.config.docs_dir
    generated = {spec.url for spec in build.plan.pages}
    env = build.env()
    kh_site = _kh_site(build)
    errors: list[Diagnostic] = []
    written: list[str] = []
    for path, url in handwritten_pages(build):
        shown = project.display(path)
        bad = check_inside(project.root, path, shown)
        if bad is not None:
            errors.append(bad)
            continue
        if url in generated:
            errors.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    ERROR,
                    "site-page-clash",
                    f"这个页面与自动生成的页面（{url or '首页'}）重名，请改名或删除该文件。",
                )
            )
            continue
        diags: list[Diagnostic] = []
        text = read_text(path, shown, diags)
        build.warnings.extend(d for d in diags if not d.is_error)
        if text is None:
            errors.extend(d for d in diags if d.is_error)
            continue
        meta, fm_errors = _page_front_matter(text, path, shown)
        if fm_errors:
            errors.extend(fm_errors)
            continue
        tokens = parse(text)
        _rewrite_md_links(tokens, path, docs, shown, build.warnings)
        body = render_html(tokens)
        title = str(meta.get("title") or "")
        m = _LEADING_H1.match(body)
        if m:  # the theme prints the title as <h1>
            title = title or _html.unescape(_TAG.sub("", m.group(1))).strip()
            body = body[m.end() :]
        title = title or path.stem
        try:
            spec = P.handwritten_spec(url, title, meta, build.plan)
        except ValueError as e:
            errors.append(
                Diagnostic(shown, 1, 1, ERROR, "site-page-date", f"开头的 date 格式不对（{e}），应写成 2023-06-30。")
            )
            continue
        spec.data["html"] = body
        rel = _page_path(url)
        html = print_addresses(
            env.get_template(spec.template).render(kh=spec, kh_site=kh_site), url, build.config.site_url
        )
        _write(out / rel, html.encode("utf-8"))
        build.search.append(P.SearchDoc(url, title, "页面", _html.unescape(_TAG.sub(" ", body))))
        build.sitemap.append((url, spec.meta.date))
        written.append(rel)
    if docs.is_dir():
        for path in sorted(p for p in docs.rglob("*") if not p.is_dir()):
            rel = path.relative_to(docs).as_posix()
            if rel.endswith(".md") or any(part.startswith(".") for part in rel.split("/")):
                continue
            bad = check_inside(project.root, path, project.display(path))
            if bad is not None:
                errors.append(bad)
                continue
            _copy(path, out / rel)
            written.append(rel)
    if errors:
        raise DiagnosticError(errors)
    return written


def _page_front_matter(text: str, path: Path, shown: str) -> tuple[dict, list[Diagnostic]]:
    from ..markdown import front_matter_values, split_front_matter

    values, _, problems = front_matter_values(split_front_matter(text)[0], shown)
    return values, problems


def _rewrite_md_links(tokens, path: Path, docs: Path, shown: str, warnings: list[Diagnostic]) -> None:
    """Links to other pages written as files (``about.md``) point at their URL (``../about/``);
    a link to a page that does not exist is a warning (``--strict`` stops the build)."""
    for tok in tokens:
        for child in tok.children or []:
            if child.type != "link_open":
                continue
            href = child.attrGet("href") or ""
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
                continue
            target = Path(os.path.normpath(path.parent / parts.path))
            if not target.is_file() or not target.is_relative_to(docs):
                line = (tok.map[0] + 1) if tok.map else 1
                warnings.append(
                    Diagnostic(
                        shown,
                        line,
                        1,
                        WARNING,
                        "site-link-missing",
                        f"链接的页面“{parts.path}”不存在。请检查文件名，或删除这个链接。",
                    )
                )
                continue
            url = _md_url(target.relative_to(docs).as_posix())
            page_url = _md_url(path.relative_to(docs).as_posix())
            child.attrSet(
                "href", file_friendly(relative_url(url, page_url)) + (f"#{parts.fragment}" if parts.fragment else "")
            )


def write_theme_assets(build: Build, out: Path) -> list[str]:
    """Every file of ``themes/kaohe`` that is not a template (CSS, scripts, icons)."""
    theme = build.project.root / "themes" / "kaohe"
    written = []
    for path in sorted(p for p in theme.rglob("*") if p.is_file()):
        rel = path.relative_to(theme).as_posix()
        low = rel.lower()
        if (
            any(part.startswith(".") for part in rel.split("/"))
            or low.endswith((".html", ".py", ".pyc"))
            or "readme" in low
        ):
            continue
        _copy(path, out / rel)
        written.append(rel)
    return written


def write_search(build: Build, out: Path) -> list[str]:
    """The local search index (:mod:`builder.site.search`): a small manifest, key shards and
    document blocks, all scripts (search works from ``file://``)."""
    from .search import index_files

    written = []
    for rel, text in index_files(build.search).items():
        _write(out / rel, text.encode("utf-8"))
        written.append(rel)
    return written


def write_open_data(build: Build, out: Path) -> list[str]:
    """Each shown round's results as open data under ``<round>/data/`` (:mod:`builder.opendata`):
    CSV, XLSX, JSON and datapackage.json, what the round publishes only."""
    from ..buildcache import Hasher, cached_bytes, code_digest
    from ..files import pack_files, unpack_files
    from ..opendata import round_files

    written = []
    known = {id(results): digest for results, digest in build.cache.known_values.values()}
    for res in build.site.rounds:
        files = None
        if id(res) in known:  # the computed round is in the build cache: so are its files
            key = Hasher("opendata", code_digest(("pdf", "site", "checkpage", "season", "cli")), known[id(res)])
            files = unpack_files(
                cached_bytes(build.cache, "opendata", key.hexdigest(), lambda res=res: pack_files(round_files(res)))
            )
        for name, data in (files if files is not None else round_files(res)).items():
            rel = f"{res.round.id}/data/{name}"
            _write(out / rel, data)
            written.append(rel)
    return written


#: Up to this many PDFs left to render after the build cache was asked (a rebuild after a
#: report or a score sheet changed), they are rendered in a forked copy of the build while
#: the pages and the other outputs are made here. More (a cold build) are rendered in their
#: turn, with a progress bar, by the PDF workers (builder/pdf/parallel.py).
BACKGROUND_PDFS_UP_TO = 8


def start_pdfs(build: Build, out: Path) -> Started:
    """The PDFs of the shown rounds (notification, feedback, reports), started before the
    other outputs: the build cache is asked for each (those found are linked), and the
    few left to render (:data:`BACKGROUND_PDFS_UP_TO`) are rendered in the background,
    else in the PDFs' turn. A round that publishes grades only keeps its feedback PDFs
    off the public site: they state the county's scores and the departments' remarks."""
    if not build.options.pdfs or not build.site.rounds:
        return InTurn(lambda: [], lambda: None)
    from ..pdf import plan_rounds_pdfs

    cache = None
    if build.cache.enabled:
        from ..pdf.cache import PdfCache

        cache = PdfCache(build.project, build.cache)
    warnings: list[Diagnostic] = []  # the PDFs' own, added to the build's in their turn
    planned = plan_rounds_pdfs(
        build.site.rounds,
        build.project,
        out,
        kinds=lambda r: ("notification", "report") if r.round.publish == "grades" else None,
        warnings=warnings,
        cache=cache,
    )

    def finish(progress: bool, background: bool = False) -> list[str]:
        try:
            paths = planned.render(progress=progress)
        finally:
            build.warnings.extend(warnings)
        if cache is not None:
            build.stats["pdf"] = {**cache.stats.as_dict(), "background": background}
        from ..pdf.parallel import Stats

        build.stats["pdf_worker_peaks_mib"] = sorted(kib // 1024 for kib in Stats.peak_kib.values())
        return [p.relative_to(out).as_posix() for p in paths]

    if 0 < len(planned.todo) <= BACKGROUND_PDFS_UP_TO:
        child = _in_background(build, lambda: finish(False, background=True), daemon=False)  # (it may start workers)
        if child is not None:
            return child  # (the staged PDFs are the child's now: it puts them in place, or removes them)
    return InTurn(lambda: finish(bool(build.options.progress)), planned.abort)


def write_pdfs(build: Build, out: Path) -> list[str]:
    """Every PDF of the shown rounds (:func:`start_pdfs`, then finished here)."""
    job = start_pdfs(build, out)
    if isinstance(job, Background):
        files, warnings = job.result()
        build.warnings.extend(warnings)
        return files
    return job.finish()


def write_docx(build: Build, out: Path) -> list[str]:
    """The office's Word copies (:mod:`builder.word.official`) of the rounds whose
    round.yaml asks for them (``publish_docx: true``; default: never on the site). Like the
    PDFs, a round that publishes grades only keeps its feedback letters off the site."""
    written: list[str] = []
    for res in build.site.rounds:
        if not res.round.publish_docx:
            continue
        from ..word.official import write_round_docx

        kinds = ("notification",) if res.round.publish == "grades" else None
        written += [p.relative_to(out).as_posix() for p in write_round_docx(res, build.project, out, kinds=kinds)]
    return written


def write_sitemap(build: Build, out: Path) -> list[str]:
    """``sitemap.xml`` (and ``.gz``): every page with its date when ``site_url`` is set,
    else an empty list (a sitemap needs absolute URLs)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    base = build.config.site_url.rstrip("/") + "/" if build.config.site_url else ""
    if base:
        for url, day in sorted(build.sitemap):
            lines.append(f"    <url>\n         <loc>{_html.escape(base + url)}</loc>")
            if day:
                lines.append(f"         <lastmod>{day.isoformat()}</lastmod>")
            lines.append("    </url>")
    data = ("\n".join(lines) + "\n</urlset>").encode("utf-8")
    _write(out / "sitemap.xml", data)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, filename="sitemap.xml", mode="wb", mtime=0) as gz:
        gz.write(data)
    _write(out / "sitemap.xml.gz", buf.getvalue())
    return ["sitemap.xml", "sitemap.xml.gz"]


def write_check_page(build: Build, out: Path) -> list[str]:
    """The checker page's files under ``check/`` (:mod:`builder.checkpage`; its page is in the plan)."""
    from ..checkpage.write import write_check_page as write

    return write(build.site, out, build.warnings, cache=build.cache)


#: Outputs that change nothing but their own files: each runs in a forked copy of the build
#: (builder/forked.py), on another core, while the outputs after it run here.
DETACHED = frozenset({"search"})

#: Outputs started before all others, by these functions (their turn in :data:`OUTPUTS`
#: still orders their files and warnings): each returns what finishes it.
STARTED_FIRST: dict[str, Callable[[Build, Path], Started]] = {"pdfs": start_pdfs}

#: The outputs of a site build, in order (see the module doc for how to add one).
OUTPUTS: list[tuple[str, Writer]] = [
    ("handwritten", write_handwritten),  # (first: the search index has their documents too)
    ("pages", write_pages),
    ("assets", write_theme_assets),
    ("search", write_search),  # (before the pages in a rebuild, see _in_order)
    ("opendata", write_open_data),
    ("pdfs", write_pdfs),
    ("docx", write_docx),
    ("checkpage", write_check_page),
    ("sitemap", write_sitemap),
]


# ───────────────────────────── preview errors ─────────────────────────────


def failure_diagnostics(exc: BaseException, project: Project) -> list[Diagnostic]:
    """The diagnostics of a failed build: a :class:`DiagnosticError`'s own; a syntax error in
    a theme template located in its file; anything else as one diagnostic naming the error."""
    if isinstance(exc, DiagnosticError):
        return list(exc.diagnostics)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or "themes/kaohe"
        with contextlib.suppress(ValueError):
            where = project.display(Path(where))
        return [
            Diagnostic(
                where,
                exc.lineno or 1,
                1,
                ERROR,
                "theme-syntax",
                f"网站模板有语法错误（{exc.message}）。请检查这一行的 {{% %}} 和 {{{{ }}}} 是否成对。",
            )
        ]
    return [Diagnostic("", 0, 0, ERROR, "build-failed", f"生成网站时出错：{type(exc).__name__}: {exc}")]


#: The marker of an error page (its reload script looks for it).
ERROR_MARK = "kaohe-build-error"

# A Jinja comment "{#" at a line's end and "#}" at the next one's start drops the line break
# between them: long lines are split without changing the page.
_ERROR_PAGE = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>网站没有生成 - {{ site_name }}</title>
<style>
body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; {#
#}line-height: 1.7; color: #1a1a1a; }
header { background: #a1262b; color: #fff; padding: 0.8rem 1rem; }
header p { margin: 0; font-weight: bold; }
main { max-width: 72rem; margin: 0 auto; padding: 0 1rem 2rem; }
h1 { font-size: 1.4rem; }
pre { background: #f3f5f8; border: 1px solid #c9d1dc; border-left: 4px solid #a1262b; padding: 0.8rem; overflow-x: auto;
      white-space: pre-wrap; overflow-wrap: anywhere; {#
#}font-family: "Noto Sans Mono CJK SC", "Noto Sans Mono", monospace; font-size: 0.9rem; }
</style>
</head>
<body id="{{ mark }}">
<header><p>{{ site_name }}（本机预览）</p></header>
<main>
<h1>{{ what }}没有生成：请按下面的提示修改</h1>
<p>预览时发现 {{ count }} 个{{ "错误" if errors else "问题（按 --strict 的要求，警告也不生成网站）" }}，网站没有更新。{#
#}下面的提示与命令行窗口中的相同。改好并保存文件后，本页会自动刷新。</p>
<pre>{{ text }}</pre>
<p>这个页面只在 <code>mkdocs serve</code> 预览时出现，{#
#}正式生成（<code>kaohe build</code>、<code>mkdocs build</code>）遇到错误时不会生成网站，{#
#}<code>site/</code> 保持原样。</p>
</main>
<script>
/* Reload once the page at this address is no longer an error page (the build was fixed). */
(function poll() {
  setTimeout(function () {
    fetch(location.href, {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (t) {
      if (t.indexOf('id="{{ mark }}"') < 0) { location.reload(); } else { poll(); }
    }, poll);
  }, 1000);
})();
</script>
</body>
</html>
""")


def error_page(diagnostics: list[Diagnostic], *, site_name: str = SiteConfig.site_name, what: str = "网站") -> str:
    """A self-contained page (no theme, no assets: the theme may be what is broken) that shows
    ``diagnostics`` as the terminal prints them and reloads itself once the page at its
    address is no longer an error page."""
    from ..diagnostics import render_text

    buf = io.StringIO()
    render_text(diagnostics, stream=buf)
    errors = sum(1 for d in diagnostics if d.is_error)
    return _ERROR_PAGE.render(
        site_name=site_name,
        what=what,
        text=buf.getvalue().rstrip("\n"),
        mark=ERROR_MARK,
        count=errors or len(diagnostics),
        errors=errors,
    )


def write_error_site(
    diagnostics: list[Diagnostic], out: Path, pages=(), *, site_name: str = SiteConfig.site_name, what: str = "网站"
) -> list[str]:
    """For a preview (``mkdocs serve``) whose build failed: the error page at ``index.html``,
    ``404.html`` (what a server shows for any other address) and every page of ``pages``
    (the HTML files of the last good build, so that the page the browser shows becomes the
    error page). Returns the paths written, relative to ``out``."""
    data = error_page(diagnostics, site_name=site_name, what=what).encode("utf-8")
    rels = sorted({"index.html", "404.html", *(p for p in pages if p.endswith(".html"))})
    for rel in rels:
        _write(out / rel, data)
    return rels


# ───────────────────────────── helpers ─────────────────────────────


def _write(path: Path, data: bytes) -> None:
    from ..files import write_new

    write_new(path, data)


def _copy(src: Path, dst: Path) -> None:
    _write(dst, src.read_bytes())


def _build_log(store: BuildCache) -> Path:
    """``.cache/kaohe/last-build.json``: what the last build did (a rebuild is known by it)."""
    return store.root.parent / "last-build.json"


def _write_build_log(build: Build) -> None:
    """What the build rendered and took from the cache, in ``.cache/kaohe/last-build.json``
    (benchmarks and tests read it); then keep the cache under its size limit."""
    import json

    store = build.cache
    if not store.enabled:
        return
    from ..env import peak_kib

    data = {
        "pdf": build.stats.get("pdf"),
        "pages": build.stats.get("pages"),
        "peak_mib": {"build": peak_kib() // 1024, "pdf_workers": build.stats.get("pdf_worker_peaks_mib", [])},
        "rounds_reused": sorted(store.stats.rounds_reused),
        "corrupt": store.stats.corrupt,
    }
    try:
        target = _build_log(store)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        pass
    store.save_checked()
    store.prune()


def _check_docs_dir(docs_dir: Path, project: Project) -> None:
    """docs_dir is published whole: it must not hold the rounds' private files."""
    docs = docs_dir.resolve()
    content = project.content_dir.resolve()
    inside_round = docs.is_relative_to(content) and any(
        (p / "round.yaml").is_file() for p in [docs, *docs.parents] if p.is_relative_to(content)
    )
    if docs == content or content.is_relative_to(docs) or inside_round:
        raise ConfigError(
            [
                Diagnostic(
                    "mkdocs.yml",
                    1,
                    1,
                    ERROR,
                    "site-docs-dir",
                    f"mkdocs.yml 的 docs_dir（{project.display(docs_dir)}）不能是 content/ 或包含考核轮次的"
                    "文件夹：其中所有文件都会被复制到网站里，联系人名单等不公开的文件会被发布。"
                    "请使用 content/pages/ 这样只放网页文章的文件夹。",
                )
            ]
        )
