"""Generated pages and rendered user Markdown kept in the build cache, keyed on plain data.

A page's HTML is a function of its data (the :class:`~builder.site.pages.PageSpec`), the
site-wide data, the theme and the code. :class:`PageCache` keys it by the SHA-256 of:

* the *salt*: kaohe's code and version (every module of ``builder`` but the PDF adapter,
  the checker and the command line), the versions of Jinja, MarkupSafe and markdown-it-py,
  every file under ``themes/`` and the site settings (:class:`~builder.site.build.SiteConfig`,
  the resolved options and the navigation);
* the page's URL and its spec written out as plain values (:func:`plain`): every field of
  every dataclass, list, dict, Decimal, date and string the template can reach, in a
  fixed order. Object identities never enter a key; within one build each object is
  written out once however many pages share it (a memo, dropped after the build).
  A computed round (and its round and county results) is not walked: its digest is the
  SHA-256 of its plain-data serialisation, which the round cache has just written or read
  (:mod:`.roundcache`) — the same value, in the same fixed order.

Data of a type :func:`plain` does not know makes the page uncachable: it is rendered.
:class:`MarkdownMemo` keeps :func:`builder.site.usermd.render` results (a pure function of
the text and the options) in memory — across ``mkdocs serve`` rebuilds — and on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
from decimal import Decimal
from importlib import metadata
from pathlib import PurePath

from ..buildcache import BuildCache, Hasher, code_digest, tree_digest
from . import usermd

CODE_NOT_USED = ("pdf", "checker", "cli")  # subpackages a page does not depend on


class Unhashable(TypeError):
    """A value in page data that is not plain data, so the page cannot be keyed (it is rendered)."""

    pass


class Plain:
    """Digests of values written out as plain data (see the module doc); one per build."""

    def __init__(self):
        self._memo: dict[int, str] = {}
        self._keep: list = []  # memoised objects stay alive, so that their ids are not reused
        self._fields: dict[type, tuple[str, tuple[str, ...]] | None] = {}

    def __call__(self, obj) -> str:
        t = type(obj)
        if t is str or isinstance(obj, str):  # str and Markup render the same text
            if len(obj) <= 64:
                return f"s:{len(obj)}:{obj}"  # the length keeps the joined parts unambiguous
        elif obj is None or t is bool or t is int:
            return f"{t.__name__}:{obj!r}"
        elif t is Decimal:
            return f"D:{obj}"
        elif t is float:
            return f"f:{obj!r}"
        elif isinstance(obj, (_dt.date, _dt.datetime)):
            return f"{t.__name__}:{obj.isoformat()}"
        elif isinstance(obj, PurePath):
            return f"P:{obj.as_posix()}"
        found = self._memo.get(id(obj))
        if found is None:
            found = self._digest(obj, t)
            self._memo[id(obj)] = found
            self._keep.append(obj)
        return found

    def known(self, obj, digest: str) -> None:
        """``obj``'s digest is ``digest``, the SHA-256 of its plain-data serialisation
        (:func:`~builder.buildcache.to_plain`, as the build cache stored it): it is not walked."""
        self._memo[id(obj)] = f"V#{digest}"
        self._keep.append(obj)

    def _digest(self, obj, t) -> str:
        if t is str or isinstance(obj, str):
            return "S#" + hashlib.sha256(obj.encode("utf-8")).hexdigest()
        if t in self._fields:
            shape = self._fields[t]
        else:
            shape = self._fields[t] = (
                (f"{t.__module__}.{t.__qualname__}", tuple(f.name for f in dataclasses.fields(obj)))
                if dataclasses.is_dataclass(obj) and not isinstance(obj, type)
                else None
            )
        if shape is not None:
            parts = [shape[0], *(self(getattr(obj, name)) for name in shape[1])]
        elif t is list or t is tuple:
            parts = [t.__name__, *(self(x) for x in obj)]
        elif t is dict:
            parts = ["dict", *(self(k) + "=" + self(v) for k, v in obj.items())]
        elif t is set or t is frozenset:
            parts = ["set", *sorted(self(x) for x in obj)]
        else:
            raise Unhashable(f"{t.__module__}.{t.__qualname__} is not plain data")
        # Every part is a digest, a length-prefixed short string or a typed scalar: joined
        # with a separator they cannot be confused with another sequence of parts.
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> tuple:
    out: dict[str, str | None] = {}
    for name in ("jinja2", "markupsafe", "markdown-it-py"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return tuple(sorted(out.items()))


class PageCache:
    """Generated pages of one build (see the module doc)."""

    def __init__(self, store: BuildCache, project, settings: dict, kh_site: dict):
        self.store = store
        self.plain = Plain()
        self.rendered: list[str] = []
        self.reused: list[str] = []
        for results, digest in store.known_values.values():  # computed rounds (builder/site/roundcache.py)
            self.plain.known(results, digest)
            self.plain.known(results.round, Hasher(digest, "round").hexdigest())
            for cr in results.counties:
                self.plain.known(cr, Hasher(digest, "county-result", cr.county.id).hexdigest())
        self.salt = Hasher(
            "kaohe-page",
            code_digest(CODE_NOT_USED),
            _versions(),
            tree_digest(project.root / "themes"),
            settings,
            self.plain(kh_site),
        ).hexdigest()

    def key(self, spec) -> str | None:
        """The key of a page, or None when its data is not plain (then it is rendered)."""
        try:
            return Hasher(self.salt, spec.url, self.plain(spec)).hexdigest()
        except (Unhashable, RecursionError):
            return None

    def get(self, key: str) -> str | None:
        """The HTML stored for page key ``key``, or None."""
        rec = self.store.get("page", key)
        if rec is None:
            return None
        data = self.store.get_blob(str(rec.get("blob", "")))
        return None if data is None else data.decode("utf-8")

    def put(self, key: str, html: str) -> None:
        """Store the rendered ``html`` of a page under ``key``."""
        blob = self.store.put_blob(html.encode("utf-8"))
        self.store.put("page", key, {"blob": blob})

    def as_dict(self) -> dict:
        """Which pages were rendered and which reused in this build, sorted."""
        return {"rendered": sorted(self.rendered), "reused": sorted(self.reused)}


class MarkdownMemo:
    """:func:`usermd.render` with its results kept (memory, and the build cache on disk)."""

    def __init__(self):
        self.memory: dict[str, usermd.Rendered] = {}
        self.store: BuildCache | None = None

    def render(self, text: str, **options) -> usermd.Rendered:
        """Like :func:`usermd.render` with the same ``options``; the same text gives the stored result."""
        key = self._key(text, options)
        found = self.memory.get(key)
        if found is not None:
            return found
        found = self._stored(key)
        if found is None:
            found = usermd.render(text, **options)
            self._store(key, found)
        self._remember(key, found)
        return found

    def render_many(self, items: list[tuple[str, dict]]) -> None:
        """Render every ``(text, options)`` of ``items`` now, those not kept yet shared between
        this process and forked copies of it (:func:`~builder.forked.split_map`): a cold build
        renders every county's report and feedback. :meth:`render` then finds them."""
        from ..forked import split_map

        todo: dict[str, tuple[str, dict]] = {}
        for text, options in items:
            key = self._key(text, options)
            if key in self.memory or key in todo:
                continue
            found = self._stored(key)
            if found is not None:
                self._remember(key, found)
            else:
                todo[key] = (text, options)
        done = split_map(lambda share: [usermd.render(t, **o) for t, o in share], list(todo.values()))
        for key, found in zip(todo, done, strict=True):
            self._store(key, found)
            self._remember(key, found)

    @staticmethod
    def _key(text: str, options: dict) -> str:
        return Hasher("usermd", code_digest(CODE_NOT_USED), _versions(), text, options).hexdigest()

    def _stored(self, key: str) -> usermd.Rendered | None:
        rec = self.store.get("md", key) if self.store is not None else None
        if rec is None:
            return None
        try:
            return usermd.Rendered(
                rec["html"],
                rec["title"],
                tuple(usermd.Section(*s) for s in rec["sections"]),
                tuple((int(a), b, c) for a, b, c in rec["toc"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def _store(self, key: str, found: usermd.Rendered) -> None:
        if self.store is not None:
            self.store.put(
                "md",
                key,
                {
                    "html": found.html,
                    "title": found.title,
                    "sections": [list(dataclasses.astuple(s)) for s in found.sections],
                    "toc": [list(t) for t in found.toc],
                },
            )

    def _remember(self, key: str, found: usermd.Rendered) -> None:
        if len(self.memory) > 20000:
            self.memory.clear()
        self.memory[key] = found


MEMO = MarkdownMemo()


def render_markdown(text: str, **options) -> usermd.Rendered:
    """What :mod:`builder.site.pages` calls: :func:`usermd.render`, memoised."""
    return MEMO.render(text, **options)


def render_markdown_many(items: list[tuple[str, dict]]) -> None:
    """:func:`render_markdown` of every ``(text, options)``, ahead of the calls (on every core)."""
    MEMO.render_many(items)
