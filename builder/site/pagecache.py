"""Reusing generated pages and rendered user Markdown that did not change (build cache).

MkDocs renders every page on every build. For the pages the plugin generates (rounds,
counties, reports, rubrics) the HTML is a function of the page's data (its
:class:`~builder.site.pages.PageSpec`), the site-wide data (``kh_site``), the theme and
the MkDocs configuration; :class:`PageCache` keys the HTML by the hash of all of it:

* the *salt*: the code and version of kaohe (every module of ``builder`` but the PDF
  adapter, the checker and the command line), the versions
  of MkDocs and Jinja, every file under ``themes/``, the bytes of ``mkdocs.yml``, every
  file of ``docs_dir`` (hand-written pages are in the navigation), the site options
  (drafts, PDFs, publisher, date), the site URL and ``kh_site``;
* the page's URL and a deep hash of its spec: every field of every object the template
  can reach from it (rendered reports, rubric nodes, lists, dicts …), hashed once per
  build however many pages share it (:class:`Digest`); a round's results, its counties'
  results and the rubrics, which are pure functions of files, are hashed by those files
  (:meth:`PageCache.pin_site`) instead of object by object.

A page found in the cache is not rendered: the plugin gives MkDocs a one-line template
that outputs the stored HTML; ``on_post_page`` of other plugins still runs on it. Pages
whose data cannot be hashed (an object of a type the digest does not know) are simply
rendered. Hand-written pages are always rendered.

:class:`MarkdownMemo` keeps :func:`builder.site.usermd.render` results (a pure function
of the text and the options) in memory — across ``mkdocs serve`` rebuilds — and on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import functools
import hashlib
import os
import re
from decimal import Decimal
from importlib import metadata
from pathlib import Path, PurePath

from ..buildcache import BuildCache, Hasher, code_digest, file_digest, tree_digest
from . import usermd

CODE_NOT_USED = ("pdf", "checker", "cli")  # subpackages a page does not depend on
CACHED_TEMPLATE = "kaohe-cached-page.html"
CACHED_SOURCE = "{{ kh_cached_page|safe }}"


class Unhashable(TypeError):
    pass


class Digest:
    """Deep, deterministic hashes of template data, memoised per object for one build."""

    def __init__(self):
        self._memo: dict[int, str] = {}
        self._keep: list = []  # keeps memoised objects alive, so that ids are not reused

    def __call__(self, obj) -> str:
        t = type(obj)
        if obj is None or t is bool or t is int or t is float:
            return f"{t.__name__}:{obj!r}"
        if isinstance(obj, str):  # str and Markup (both render the same text)
            if len(obj) <= 64:
                return f"{t.__name__}:{len(obj)}:{obj}"  # the length keeps joined parts unambiguous
            return self._memoised(obj, lambda: f"{t.__name__}#" + hashlib.sha256(obj.encode("utf-8")).hexdigest())
        if t is Decimal:
            return f"D:{obj}"
        if isinstance(obj, (_dt.date, _dt.datetime, _dt.time)):
            return f"{t.__name__}:{obj.isoformat()}"
        if isinstance(obj, PurePath):
            return f"P:{obj}"
        if isinstance(obj, enum.Enum):
            return f"E:{t.__qualname__}.{obj.name}"
        return self._memoised(obj, lambda: self._compound(obj))

    def pin(self, obj, digest: str) -> None:
        """Use ``digest`` for ``obj`` instead of walking it (an object that is a pure
        function of files whose hash is known)."""
        self._memo[id(obj)] = f"pinned:{type(obj).__qualname__}:{digest}"
        self._keep.append(obj)

    def _memoised(self, obj, make) -> str:
        key = id(obj)
        found = self._memo.get(key)
        if found is not None:
            return found
        self._memo[key] = f"cycle:{type(obj).__qualname__}"  # a reference back to an object being hashed
        try:
            value = make()
        except BaseException:
            del self._memo[key]  # never leave the placeholder as the object's hash
            raise
        self._memo[key] = value
        self._keep.append(obj)
        return value

    def _compound(self, obj) -> str:
        t = type(obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            parts = [f"{t.__module__}.{t.__qualname__}"]
            parts += [f.name + "=" + self(getattr(obj, f.name)) for f in dataclasses.fields(obj)]
        elif isinstance(obj, (list, tuple)):
            parts = [t.__name__] + [self(x) for x in obj]
        elif isinstance(obj, dict):
            parts = [t.__name__] + [self(k) + "=" + self(v) for k, v in obj.items()]
        elif isinstance(obj, (set, frozenset)):
            parts = [t.__name__] + sorted(self(x) for x in obj)
        elif hasattr(obj, "__dict__") and not callable(obj) and not isinstance(obj, type):
            parts = [f"{t.__module__}.{t.__qualname__}"] + [k + "=" + self(v) for k, v in sorted(vars(obj).items())]
        else:
            raise Unhashable(f"cannot hash a {t.__module__}.{t.__qualname__} for the page cache")
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> tuple:
    out = {}
    for name in ("mkdocs", "jinja2", "markupsafe", "markdown-it-py"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return tuple(sorted(out.items()))


class PageCache:
    """Generated pages of one build (see the module doc)."""

    def __init__(self, store: BuildCache, project, config, opts, kh_site: dict):
        self.store = store
        self.project = project
        self.digest = Digest()
        self.rendered: list[str] = []
        self.reused: list[str] = []
        config_file = Path(config.config_file_path) if config.config_file_path else None
        self.salt = Hasher("kaohe-page", code_digest(CODE_NOT_USED), _versions(), tree_digest(project.root / "themes"),
                           file_digest(config_file) if config_file else "", tree_digest(Path(config.docs_dir)),
                           repr(opts), str(config.site_url or ""), self.digest(kh_site)).hexdigest()

    def pin_site(self, site) -> None:
        """Hash the rounds and rubrics by their files instead of walking them: a round's
        results (and each county's) are a pure function of the code, the rubrics and the
        round's files — but the text of reports and feedback, which the loader does not
        keep (pages get it through their rendered Markdown, which is hashed)."""
        rubrics = tree_digest(self.project.root / "rubrics")
        md = re.compile(r"^(reports|feedback)/[^/]+\.md$")
        base = Hasher(self.salt, rubrics, str(self.project.root), os.getcwd()).hexdigest()
        for rb in site.rubrics:
            self.digest.pin(rb, Hasher(base, "rubric", rb.id).hexdigest())
        for res in site.rounds:
            rnd = res.round
            d = Hasher(base, "round", rnd.id, tree_digest(rnd.path, names_only=md.match)).hexdigest()
            self.digest.pin(res, d)
            self.digest.pin(rnd, Hasher(d, "round").hexdigest())
            self.digest.pin(rnd.rubric, Hasher(base, "rubric", rnd.rubric.id).hexdigest())  # often the same object
            for cr in res.counties:
                self.digest.pin(cr, Hasher(d, "county-result", cr.county.id).hexdigest())
                self.digest.pin(cr.county, Hasher(d, "county", cr.county.id).hexdigest())

    def key(self, spec) -> str | None:
        try:
            return Hasher(self.salt, spec.url, self.digest(spec)).hexdigest()
        except (Unhashable, RecursionError):
            return None

    def get(self, key: str) -> str | None:
        rec = self.store.get("page", key)
        if rec is None:
            return None
        data = self.store.get_blob(str(rec.get("blob", "")))
        return None if data is None else data.decode("utf-8")

    def put(self, key: str, html: str) -> None:
        blob = self.store.put_blob(html.encode("utf-8"))
        self.store.put("page", key, {"blob": blob})

    def as_dict(self) -> dict:
        return {"rendered": sorted(self.rendered), "reused": sorted(self.reused)}


class MarkdownMemo:
    """:func:`usermd.render` with its results kept (memory, and the build cache on disk)."""

    def __init__(self):
        self.memory: dict[str, usermd.Rendered] = {}
        self.store: BuildCache | None = None

    def render(self, text: str, **options) -> usermd.Rendered:
        key = Hasher("usermd", code_digest(CODE_NOT_USED), _versions(), text, options).hexdigest()
        found = self.memory.get(key)
        if found is not None:
            return found
        rec = self.store.get("md", key) if self.store is not None else None
        if rec is not None:
            try:
                found = usermd.Rendered(rec["html"], rec["title"], tuple(usermd.Section(*s) for s in rec["sections"]),
                                        tuple((int(a), b, c) for a, b, c in rec["toc"]))
            except (KeyError, TypeError, ValueError):
                found = None
        if found is None:
            found = usermd.render(text, **options)
            if self.store is not None:
                self.store.put("md", key, {"html": found.html, "title": found.title,
                                           "sections": [list(dataclasses.astuple(s)) for s in found.sections],
                                           "toc": [list(t) for t in found.toc]})
        if len(self.memory) > 20000:
            self.memory.clear()
        self.memory[key] = found
        return found


MEMO = MarkdownMemo()


def render_markdown(text: str, **options) -> usermd.Rendered:
    """What :mod:`builder.site.pages` calls: :func:`usermd.render`, memoised."""
    return MEMO.render(text, **options)
