"""Reusing PDFs that did not change (the build cache, :mod:`builder.buildcache`).

A PDF is looked up in two steps, the first cheap, the second exact:

1. **By its inputs** (record kind ``doc``), before anything is rendered: the key hashes
   the *salt* (below), the round's files — except the *other* counties' reports and
   feedback, of which only the names count — the rubrics, the document's kind and
   county, and its own ``reports/<county>.md`` or ``feedback/<county>.md``. The record
   names the exact key of step 2 and the files the document's HTML referred to (report
   images, wherever they are) with their hashes, which are checked again. When a
   county edits its report, this is how the other 2N documents are found without even
   building their template context.
2. **By what is rendered** (record kind ``pdf``): the salt, the document's full HTML
   (every figure and text it shows, from the templates), the characters it draws, its
   base folders and the hashes of the files its HTML refers to. A document whose inputs
   changed but whose HTML did not (the notification after a report edit, a county whose
   rank did not move after a score change) is found here and not rendered again.

The *salt* is in every key: the code and version of kaohe (every module of ``builder``
but the site, the checker and the command line),
the versions of WeasyPrint and the libraries that write the PDF, every file under
``themes/`` (print templates, CSS, macros, fonts.yaml), the font configuration as
resolved (each role's font file, face, size and modification time) and the subsetting
backend. A change to any of them renders every document again.

The PDF bytes are kept as a content-addressed blob whose hash is checked before use
(:meth:`BuildCache.get_blob`); the warnings of the document are kept with it and
repeated on a hit, so a cached build prints what a fresh one prints.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from importlib import metadata
from pathlib import Path
from typing import TypeGuard
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from ..buildcache import BuildCache, Hasher, code_digest, file_digest, round_digest, tree_digest
from ..diagnostics import Diagnostic

CODE_NOT_USED = ("site", "checker", "cli")  # subpackages a PDF does not depend on
_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pillow", "jinja2", "markdown-it-py")
# URLs in the rendered HTML that may make WeasyPrint read a file.
_URL_ATTR = re.compile(r"""(?:\bsrc|\bhref)\s*=\s*(?:"([^"]*)"|'([^']*)')|url\(\s*['"]?([^'")]+)""", re.I)


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


class PdfCache:
    """The cache of one project's PDFs for one build (see the module doc)."""

    def __init__(self, project, store: BuildCache | None = None, *, fonts: Path | str | None = None):
        self.project = project
        self.store = store if store is not None else BuildCache.for_project(project)
        self.fonts = fonts
        self._salt: str | None = None
        self._rounds: dict[str, str] = {}
        self._rubrics: str | None = None
        self._index_table: dict | None = None  # the last build's index (see lookup_doc)
        self._next: dict[str, dict] = {}  # this build's index, by step-1 key
        self._pdf_records: dict[str, dict] = {}  # the step-2 records this build read or wrote

    @property
    def stats(self):
        """The counters of the underlying build cache."""
        return self.store.stats

    @property
    def enabled(self) -> bool:
        """Whether the build cache is used (not under ``KAOHE_NO_CACHE``)."""
        return self.store.enabled

    # ── keys ──
    def salt(self) -> str:
        """The part of every PDF key that does not depend on the document: code, library versions,
        fonts and print theme; computed once."""
        if self._salt is None:
            from . import fonts as _fonts

            root = self.project.root
            paths = _fonts.config_paths(root, self.fonts)
            specs, diags = _fonts.load_font_config(paths, self.project.display)
            resolved = {}
            if not any(d.is_error for d in diags):
                try:
                    resolved = {role: f.key for role, f in _fonts.resolve_fonts(specs).items()}
                except Exception:  # reported by the renderer itself
                    resolved = {}
            try:
                backend = type(_fonts.backend()).__name__
            except Exception:
                backend = "none"
            self._salt = Hasher(
                "kaohe-pdf",
                code_digest(CODE_NOT_USED),
                _versions(),
                str(root),
                tree_digest(root / "themes"),
                [file_digest(p) for p in paths],
                resolved,
                backend,
            ).hexdigest()
        return self._salt

    def _round_digest(self, results) -> str:
        rid = results.round.id
        if rid not in self._rounds:
            if self._rubrics is None:
                self._rubrics = tree_digest(self.project.rubrics_dir)
            self._rounds[rid] = Hasher(rid, self._rubrics, round_digest(results.round.path)).hexdigest()
        return self._rounds[rid]

    def doc_key(self, results, kind: str, county: str | None) -> str:
        """Step 1: the key of a document by its inputs."""
        rnd = results.round
        own = []
        if county is not None:
            for folder, paths in (("feedback", rnd.feedback), ("reports", rnd.reports)):
                p = paths.get(county)
                own.append((folder, None if p is None else file_digest(p)))
        return Hasher("doc", self.salt(), self._round_digest(results), kind, county, own).hexdigest()

    def job_key(self, job) -> tuple[str, dict[str, str]]:
        """Step 2: the key of a prepared document (:class:`~builder.pdf.render.Job`) and
        the files its HTML refers to, with their hashes."""
        assets = referenced_files(job.html, Path(job.base_dir))
        key = Hasher(
            "pdf", self.salt(), job.rel_path, job.source, job.html, job.chars, job.base_dir, job.round_dir, assets
        ).hexdigest()
        return key, assets

    # ── lookups ──
    def lookup_doc(self, key: str) -> tuple[str, Path, list[Diagnostic]] | None:
        """(step-2 key, the checked file of its PDF, warnings) of a document by its step-1 key, or None.

        The last build's *index* (one record, kind ``pdf-index``, keyed by the salt) holds the
        ``doc`` and ``pdf`` records of each of its documents, so that a rebuild reads one
        record instead of two per document (1,200 at N = 300); a document not in it is
        looked up by its own records. Either way the blob and the files it shows are checked."""
        entry = self._index().get(key)
        if _index_entry(entry):
            found = self._found(entry["pdf"], entry)
            if found is not None and self._assets_unchanged(entry["assets"]):
                self._next[key] = entry
                return (entry["pdf"], *found)
        rec = self.store.get("doc", key)
        if rec is None:
            return None
        assets = rec.get("assets") or {}
        if not isinstance(assets, dict) or not self._assets_unchanged(assets):
            return None  # an image it shows changed
        found = self.lookup(rec.get("pdf", ""))
        if found is None:
            return None
        self._remember_index(key, rec["pdf"], assets)
        return (rec["pdf"], *found)

    def lookup(self, key: str) -> tuple[Path, list[Diagnostic]] | None:
        """(the checked file of the PDF in the cache — link or copy it, never write to it —,
        warnings) by the step-2 key, or None (absent or damaged)."""
        rec = self.store.get("pdf", key) if key else None
        return None if rec is None else self._found(key, rec)

    def _found(self, key: str, rec: dict) -> tuple[Path, list[Diagnostic]] | None:
        diagnostics = rec.get("diagnostics", [])
        if not isinstance(diagnostics, list):
            return None
        pdf = self.store.blob_file(str(rec.get("blob", "")))
        if pdf is None or pdf.stat().st_size != rec.get("size"):
            return None
        self._pdf_records[key] = {"blob": rec["blob"], "size": rec["size"], "diagnostics": diagnostics}
        return pdf, [self._diag(d) for d in diagnostics]

    @staticmethod
    def _assets_unchanged(assets: dict) -> bool:
        return all(file_digest(Path(p)) == d for p, d in assets.items())

    def _index_key(self) -> str:
        return Hasher("pdf-index", self.salt()).hexdigest()

    def _index(self) -> dict:
        if self._index_table is None:
            rec = self.store.get("pdf-index", self._index_key())
            docs = rec.get("docs") if rec is not None else None
            self._index_table = docs if isinstance(docs, dict) else {}
        return self._index_table

    def _remember_index(self, doc_key: str, pdf_key: str, assets: dict[str, str]) -> None:
        rec = self._pdf_records.get(pdf_key)
        if rec is not None:
            self._next[doc_key] = {"pdf": pdf_key, "assets": assets, **rec}

    def save_index(self) -> None:
        """Keep this build's index (every document looked up, found or rendered) for the next
        build, when it changed. Only after a build of whole rounds: a build of some documents
        would leave the others out."""
        if self._next != self._index():
            self.store.put("pdf-index", self._index_key(), {"docs": dict(sorted(self._next.items()))})
            self._index_table = dict(self._next)

    def remember(self, key: str, pdf: bytes, diagnostics: list[Diagnostic]) -> None:
        """Store a rendered PDF and its warnings under its render key ``key``."""
        blob = self.store.put_blob(pdf)
        rec = {"blob": blob, "size": len(pdf), "diagnostics": [self._json(d) for d in diagnostics]}
        self.store.put("pdf", key, rec)
        self._pdf_records[key] = rec

    def remember_doc(self, doc_key: str, pdf_key: str, assets: dict[str, str]) -> None:
        """Remember that document key ``doc_key`` rendered as ``pdf_key`` from files with
        these ``assets`` digests (path → SHA-256), so a rebuild can skip preparing it."""
        self.store.put("doc", doc_key, {"pdf": pdf_key, "assets": assets})
        self._remember_index(doc_key, pdf_key, assets)

    # ── the hooks of render_all ──
    def take(self, job, doc_key: str | None, found) -> bool:
        """Whether the prepared ``job`` is served from the cache by its step-2 key: then
        ``found(rel_path, pdf_file, warnings)`` is called at once (nothing is kept) and
        True returned; else its keys are remembered for :meth:`keep` and False returned."""
        if not hasattr(self, "_pending"):
            self._pending: dict[str, tuple] = {}
        key, assets = self.job_key(job)
        hit = self.lookup(key)
        if hit is None:
            self.stats.misses += 1
            self._pending[job.rel_path] = (key, assets, doc_key)
            return False
        found(job.rel_path, *hit)
        self.stats.hits += 1
        self.stats.reused.append(job.rel_path)
        if doc_key:
            self.remember_doc(doc_key, key, assets)
        return True

    def keep(self, rel_path: str, pdf: bytes, diagnostics: list[Diagnostic]) -> None:
        """Store a PDF rendered for a job :meth:`take` did not serve."""
        pending = getattr(self, "_pending", {}).pop(rel_path, None)
        self.stats.rendered.append(rel_path)
        if pending is None:
            return
        key, assets, doc_key = pending
        self.remember(key, pdf, diagnostics)
        if doc_key:
            self.remember_doc(doc_key, key, assets)

    # Diagnostics are kept with paths relative to the project, shown relative to the
    # current folder when repeated (as the renderer shows them).
    def _json(self, d: Diagnostic) -> dict:
        out = d.to_json()
        p = Path(d.path)
        try:
            out["path"] = (p if p.is_absolute() else Path.cwd() / p).resolve().relative_to(self.project.root).as_posix()
            out["in_project"] = True
        except (ValueError, OSError):
            pass
        return out

    def _diag(self, j: dict) -> Diagnostic:
        d = Diagnostic.from_json(
            {"path": "", "line": 0, "column": 0, "severity": "warning", "rule": "", "message": "", **j}
        )
        if j.get("in_project"):
            return dataclasses.replace(d, path=self.project.display(self.project.root / d.path))
        return d


def _index_entry(entry: object) -> TypeGuard[dict]:
    """Whether ``entry`` of an index read from disk has the shape :meth:`PdfCache.save_index` writes."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("pdf"), str)
        and isinstance(entry.get("blob"), str)
        and type(entry.get("size")) is int
        and isinstance(entry.get("assets"), dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in entry["assets"].items())
        and isinstance(entry.get("diagnostics"), list)
    )


def referenced_files(html: str, base_dir: Path) -> dict[str, str]:
    """Every local file the HTML may make WeasyPrint read (``src``/``href``/``url()``,
    relative or ``file:``), resolved against ``base_dir``: absolute path → SHA-256 (or
    ``"missing"``). Over-approximates (links are listed too); never misses an image."""
    base = base_dir.resolve().as_uri() + "/"
    out: dict[str, str] = {}
    for m in _URL_ATTR.finditer(html):
        url = (m.group(1) or m.group(2) or m.group(3) or "").strip()
        if not url or url.startswith("#"):
            continue
        scheme = url.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) else ""
        if scheme and scheme != "file":
            continue  # data:, kaohe-font:, http(s): (refused by the fetcher) carry no file
        full = urljoin(base, url.replace("&amp;", "&"))
        parts = urlsplit(full)
        if parts.scheme != "file":
            continue
        path = Path(url2pathname(unquote(parts.path)))
        with contextlib.suppress(OSError, RuntimeError):
            path = path.resolve()
        out[str(path)] = file_digest(path)
    return dict(sorted(out.items()))
