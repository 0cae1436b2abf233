"""The build cache: what a build made, kept by the hash of what it was made from.

A site build of a province re-renders hundreds of PDFs and pages although a county
changed one report. The cache keeps every rendered output under a *key*, the SHA-256 of
everything the output depends on, so that a rebuild only renders what changed.
It lives in ``<project>/.cache/kaohe/build/`` (git-ignored; ``KAOHE_CACHE_DIR`` moves
it, ``KAOHE_NO_CACHE=1`` turns it off) and is never trusted blindly:

* outputs are stored content-addressed, as ``blobs/<sha256 of the bytes>``: a blob is
  used only after its bytes hash to its name again; a corrupted blob is deleted and
  the output is rendered anew;
* records (key → which blob, the warnings to repeat, …) are small JSON files that carry
  the hash of their own body; a record that does not match it is deleted and ignored;
* writes go to a temporary file that is renamed, so a build that is killed leaves no
  half-written entry; two builds sharing a cache at worst render the same thing twice.

Deleting the folder is always safe and gives the same output bytes. The folder is kept
under a size limit (``KAOHE_CACHE_MAX_MB``, default 2048): after a build the least
recently used entries are removed until it fits.

This module is part of the core: it imports neither MkDocs nor WeasyPrint.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import env as _env
from .files import file_digest, sha256, write_atomic

if TYPE_CHECKING:
    from .rounds.model import RoundResults

FORMAT = 1  # bump when the layout of the folder or of a record changes
USAGE = "usage.json"  # the folder's size as of the last walk (prune)
TRASH = "trash"  # the sites kaohe build replaced, until the next build removes them (site/atomic.py); not pruned
VERIFIED = "verified.json"  # blobs whose bytes were checked, by file size, time and inode (blob_file)
RACY_S = 2  # a file modified this recently is checked again next time (see blob_file)
_DIGEST = re.compile(r"[0-9a-f]{64}")
DEFAULT_MAX_MB = 2048
_PKG = Path(__file__).resolve().parent


class Hasher:
    """An incremental SHA-256 over labelled parts (no two part sequences hash alike)."""

    def __init__(self, *parts):
        self._h = hashlib.sha256()
        for p in parts:
            self.add(p)

    def add(self, part) -> Hasher:
        """Add one part (bytes; str as UTF-8; anything else as sorted JSON), length-prefixed; returns self."""
        if isinstance(part, str):
            part = part.encode("utf-8")
        elif not isinstance(part, bytes):
            part = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        self._h.update(len(part).to_bytes(8, "big"))
        self._h.update(part)
        return self

    def hexdigest(self) -> str:
        """The hex digest of the parts added so far."""
        return self._h.hexdigest()


def tree_digest(
    root: Path, *, names_only=lambda rel: False, suffixes: tuple[str, ...] | None = None, skip=lambda rel: False
) -> str:
    """SHA-256 over every file under ``root`` (relative path and bytes, sorted).

    ``names_only(rel)``: files whose content does not count, only their name (e.g. the
    other counties' reports for one county's document). ``suffixes``: only such files.
    ``skip(rel)``: files left out.
    Hidden files and folders (``.git``, ``.cache``) and ``__pycache__`` are skipped.
    """
    h = Hasher("tree")
    if not root.is_dir():
        return h.add("missing").hexdigest()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.startswith(".") or (suffixes is not None and not name.endswith(suffixes)):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if skip(rel):
                continue
            h.add(rel)
            h.add("name-only" if names_only(rel) else file_digest(path))
    return h.hexdigest()


_code_digests: dict[tuple[str, ...], str] = {}


_DOCUMENTS = re.compile(r"^(reports|feedback)/[^/]+\.md$")


def round_digest(folder: Path) -> str:
    """:func:`tree_digest` of a round's folder in which the counties' reports and feedback
    (``reports/*.md``, ``feedback/*.md``) count by their names only: the key part of
    anything made from the round's data but not from every county's own text (the computed
    round, a county's documents, the facts of the publication gate)."""
    return tree_digest(folder, names_only=_DOCUMENTS.match)


def code_digest(exclude: tuple[str, ...] = ()) -> str:
    """The package version and the source of the modules of ``builder`` (but the
    subpackages in ``exclude``, e.g. ``("pdf",)`` for pages): any change to the code that
    makes an output invalidates every cached output."""
    if exclude not in _code_digests:
        from . import __version__

        skip = tuple(f"{name}/" for name in exclude)
        _code_digests[exclude] = Hasher(
            "kaohe",
            __version__,
            FORMAT,
            exclude,
            tree_digest(_PKG, suffixes=(".py",), skip=lambda rel: rel.startswith(skip)),
        ).hexdigest()
    return _code_digests[exclude]


@dataclass
class CacheStats:
    """What one build did with the cache (tests and benchmarks read it)."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0  # entries found damaged (hash mismatch), deleted and rebuilt
    stored: int = 0
    rendered: list[str] = field(default_factory=list)  # outputs made anew in this build
    reused: list[str] = field(default_factory=list)  # outputs taken from the cache
    rounds_reused: list[str] = field(default_factory=list)  # rounds not loaded again (site/roundcache.py)

    def as_dict(self) -> dict:
        """The counters and output lists as plain data (sorted), for reports and benchmarks."""
        return {
            "hits": self.hits,
            "misses": self.misses,
            "corrupt": self.corrupt,
            "stored": self.stored,
            "rendered": sorted(self.rendered),
            "reused": sorted(self.reused),
        }


class BuildCache:
    """One project's cache folder. Every method is safe to call when the cache is
    disabled (then nothing is found and nothing is written) and never raises for a
    damaged or unwritable folder: the build then simply renders."""

    def __init__(self, root: Path, *, enabled: bool | None = None):
        self.root = Path(root)
        if enabled is None:
            enabled = _env.cache_enabled()
        self.enabled = enabled
        self.stats = CacheStats()
        self.written_bytes = 0  # what this process stored since the last prune (an upper bound)
        self._verified_table: dict[str, list[int]] | None = None
        self._checked: dict[str, list[int]] = {}  # blob_file's checks in this build
        # id(value) -> (value, SHA-256 of its plain-data serialisation (to_plain, JSON)), for the
        # values this build wrote or read as plain data; page keys use them instead of walking
        # the value again (builder/site/pagecache.py). Never stored.
        self.known_values: dict[int, tuple[RoundResults, str]] = {}

    @classmethod
    def for_project(cls, project, *, enabled: bool | None = None) -> BuildCache:
        """``$KAOHE_CACHE_DIR`` or ``<project>/.cache/kaohe/build``."""
        where = _env.text("KAOHE_CACHE_DIR")
        return cls(Path(where) if where else project.root / ".cache" / "kaohe" / "build", enabled=enabled)

    # ── blobs: content-addressed bytes ──
    def _blob_path(self, digest: str) -> Path:
        return self.root / "blobs" / digest[:2] / digest

    @staticmethod
    def _is_digest(digest: str) -> bool:
        """Whether ``digest`` can name a blob: 64 lower-case hex digits. A record's "blob" is
        read from disk, and a crafted one (``../../x``) must not name a file elsewhere, which
        :meth:`get_blob` would read and, as it does not hash to its name, delete."""
        return isinstance(digest, str) and _DIGEST.fullmatch(digest) is not None

    def get_blob(self, digest: str) -> bytes | None:
        """The bytes stored under their SHA-256 ``digest``, or None when disabled, missing or
        damaged (a damaged blob is counted as corrupt and removed)."""
        if not self.enabled or not self._is_digest(digest):
            return None
        path = self._blob_path(digest)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if sha256(data) != digest:
            self.stats.corrupt += 1
            _unlink(path)
            return None
        _touch(path)
        return data

    def blob_file(self, digest: str) -> Path | None:
        """The file holding the bytes stored under ``digest``, checked like :meth:`get_blob`
        (None when disabled, missing or damaged). Never write to it: link or copy it.

        Large blobs (the PDFs) are read and hashed again only when the file changed since it
        was last checked, as git's index does: ``verified.json`` keeps the size, modification
        time and inode each had when its bytes last hashed to its name (any write changes
        them). A file modified less than :data:`RACY_S` before it was checked is not kept
        there (a write in the same tick would not change its time), so it is checked again.
        """
        if not self.enabled or not self._is_digest(digest):
            return None
        path = self._blob_path(digest)
        known = self._verified().get(digest)
        if known is not None:
            try:
                st = os.stat(path)
            except OSError:
                return None
            if [st.st_size, st.st_mtime_ns, st.st_ino] == known:
                if not _touch(path):  # (touched: its time changed, so it is hashed again next time)
                    self._checked[digest] = known
                return path
        if self.get_blob(digest) is None:
            return None
        with contextlib.suppress(OSError):
            st = os.stat(path)
            if time.time_ns() - st.st_mtime_ns > RACY_S * 1_000_000_000:
                self._checked[digest] = [st.st_size, st.st_mtime_ns, st.st_ino]
        return path

    def _verified(self) -> dict[str, list[int]]:
        if self._verified_table is None:
            self._verified_table = {}
            try:
                data = json.loads((self.root / VERIFIED).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("blobs"), dict):
                self._verified_table = {
                    k: v
                    for k, v in data["blobs"].items()
                    if isinstance(v, list) and len(v) == 3 and all(type(x) is int for x in v)
                }
        return self._verified_table

    def save_checked(self) -> None:
        """Keep what :meth:`blob_file` checked in this build for the next one (``verified.json``)."""
        if not self.enabled or not self._checked:
            return
        table = {**self._verified(), **self._checked}
        if len(table) > 200_000:  # a forgotten blob's entry only costs room: drop the old ones now and then
            table = dict(self._checked)
        body = json.dumps({"format": FORMAT, "blobs": dict(sorted(table.items()))}, separators=(",", ":"))
        _write_atomic(self.root / VERIFIED, body.encode("utf-8"))
        self._verified_table, self._checked = table, {}

    def put_blob(self, data: bytes) -> str:
        """Store ``data`` (when enabled) and return its SHA-256, the key for :meth:`get_blob`."""
        digest = sha256(data)
        if self.enabled:
            path = self._blob_path(digest)
            if not path.exists():
                _write_atomic(path, data)
                self.written_bytes += len(data)
        return digest

    # ── records: small JSON documents under a key ──
    def _record_path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def get(self, kind: str, key: str) -> dict | None:
        """The JSON record ``kind``/``key``, or None when disabled, missing, of another format or
        damaged (damaged records are counted as corrupt and removed)."""
        if not self.enabled:
            return None
        path = self._record_path(kind, key)
        try:
            wrapper = json.loads(path.read_text(encoding="utf-8"))
            body = wrapper["body"]
            ok = wrapper.get("format") == FORMAT and wrapper.get("sha256") == sha256(_canonical(body))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            self.stats.corrupt += 1
            _unlink(path)
            return None
        _touch(path)
        return body

    def put(self, kind: str, key: str, body: dict) -> None:
        """Store ``body`` (plain JSON data) as record ``kind``/``key``, atomically; a no-op when
        disabled, and never raises for an unwritable folder."""
        if not self.enabled:
            return
        text = json.dumps({"format": FORMAT, "sha256": sha256(_canonical(body)), "body": body}, ensure_ascii=False)
        data = text.encode("utf-8")
        _write_atomic(self._record_path(kind, key), data)
        self.stats.stored += 1
        self.written_bytes += len(data)

    # ── forked copies of a build ──
    def mark(self) -> tuple:
        """The counters of this process now, for :meth:`since` in a forked copy of it."""
        st = self.stats
        return (
            self.written_bytes,
            st.hits,
            st.misses,
            st.corrupt,
            st.stored,
            len(st.rendered),
            len(st.reused),
            len(st.rounds_reused),
            set(self._checked),
        )

    def since(self, mark: tuple) -> dict:
        """What this process added to the counters after :meth:`mark` gave ``mark`` (plain
        data, for a forked copy to send back): :meth:`absorb` adds it to the parent's."""
        written, hits, misses, corrupt, stored, rendered, reused, rounds, checked = mark
        st = self.stats
        return {
            "written_bytes": self.written_bytes - written,
            "hits": st.hits - hits,
            "misses": st.misses - misses,
            "corrupt": st.corrupt - corrupt,
            "stored": st.stored - stored,
            "rendered": st.rendered[rendered:],
            "reused": st.reused[reused:],
            "rounds_reused": st.rounds_reused[rounds:],
            "checked": {k: v for k, v in self._checked.items() if k not in checked},
        }

    def absorb(self, delta: dict) -> None:
        """Add what a forked copy did (:meth:`since`) to this process's counters: the size
        it stored counts for :meth:`prune`, the blobs it checked go to ``verified.json``."""
        st = self.stats
        self.written_bytes += delta["written_bytes"]
        st.hits += delta["hits"]
        st.misses += delta["misses"]
        st.corrupt += delta["corrupt"]
        st.stored += delta["stored"]
        st.rendered.extend(delta["rendered"])
        st.reused.extend(delta["reused"])
        st.rounds_reused.extend(delta["rounds_reused"])
        self._checked.update(delta["checked"])

    # ── housekeeping ──
    def prune(self, max_bytes: int | None = None) -> int:
        """Remove the least recently used files until the folder fits ``max_bytes``
        (default ``$KAOHE_CACHE_MAX_MB`` MiB); returns the number of files removed.

        The folder is walked only when its size may exceed the limit: ``usage.json`` keeps
        its size as of the last walk, to which each build adds what it wrote. A missing or
        unreadable ``usage.json``, or a walk a day old, means a walk."""
        if not self.enabled or not self.root.is_dir():
            return 0
        if max_bytes is None:
            try:
                max_bytes = int(float(_env.text("KAOHE_CACHE_MAX_MB", str(DEFAULT_MAX_MB))) * 1024 * 1024)
            except ValueError:
                max_bytes = DEFAULT_MAX_MB * 1024 * 1024
        known = self._usage()
        if known is not None and known[0] + self.written_bytes <= max_bytes:
            self._write_usage(known[0] + self.written_bytes, known[1])
            return 0
        entries = []
        total = 0
        for dirpath, dirnames, filenames in os.walk(self.root):
            if dirpath == str(self.root):
                dirnames[:] = [d for d in dirnames if d != TRASH]
            for name in filenames:
                p = Path(dirpath) / name
                try:
                    st = p.stat()
                except OSError:
                    continue
                total += st.st_size
                entries.append((st.st_mtime_ns, st.st_size, p))
        removed = 0
        if total > max_bytes:
            for _, size, p in sorted(entries):
                _unlink(p)
                removed += 1
                total -= size
                if total <= max_bytes:
                    break
        self._write_usage(total, int(time.time()))
        return removed

    def _usage(self) -> tuple[int, int] | None:
        """(size, time of the walk) of ``usage.json``; None when missing, damaged or the walk
        is a day old (the file itself is written by every build, so its own time says nothing)."""
        try:
            data = json.loads((self.root / USAGE).read_text(encoding="utf-8"))
            size, walked = data["bytes"], data["walked"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if type(size) is not int or type(walked) is not int or size < 0 or not 0 <= time.time() - walked <= 86400:
            return None
        return size, walked

    def _write_usage(self, total: int, walked: int) -> None:
        self.written_bytes = 0
        if self.root.is_dir():
            _write_atomic(self.root / USAGE, json.dumps({"bytes": total, "walked": walked}).encode("utf-8"))


def cached_bytes(cache: BuildCache | None, kind: str, key: str, make):
    """``make()`` (bytes, or None for nothing to keep), from the build cache's ``kind`` record
    ``key`` when it was made before; ``cache`` may be None."""
    if cache is not None:
        found = cache.get(kind, key)
        blob = cache.get_blob(found["blob"]) if found and isinstance(found.get("blob"), str) else None
        if blob is not None:
            return blob
    data = make()
    if cache is not None and data is not None:
        cache.put(kind, key, {"blob": cache.put_blob(data)})
    return data


def _canonical(body) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _write_atomic(path: Path, data: bytes) -> None:
    with contextlib.suppress(OSError):  # a read-only or full disk: the build goes on without caching
        write_atomic(path, data, durable=False)


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


TOUCH_EVERY_S = 3600  # an entry's time of use is kept to the hour: a rebuild rewrites few of them


def _touch(path: Path) -> bool:
    """Mark an entry as used (least-recently-used pruning), unless it was within the hour;
    True when its time was written."""
    with contextlib.suppress(OSError):
        if time.time() - os.stat(path).st_mtime > TOUCH_EVERY_S:
            os.utime(path)
            return True
    return False


# ── plain data: dataclasses of the core models as JSON, never pickles ──

_ALLOWED_MODULES = ("builder.rounds.", "builder.rubric.")


@contextlib.contextmanager
def paused_gc():
    """Run the block with the cyclic garbage collector paused (restored after, also when it
    raises). For code that builds a large graph without reference cycles, such as loading a
    round (tens of thousands of rows, origins and scores) or :func:`to_plain` and
    :func:`from_plain` of its results: otherwise the collector walks the growing graph again
    and again, about a third of the time, and finds nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class NotPlain(TypeError):
    """A value :func:`to_plain` cannot write (it is then simply not cached)."""


_SCALARS = frozenset({str, int, bool, type(None)})  # written as they are


def to_plain(obj) -> object:
    """``obj`` as JSON-ready data: dataclasses of ``builder.rounds``/``builder.rubric`` by class
    name and fields (an object met again is a reference, so shared objects stay shared),
    Decimal, date, Path, tuple, list, dict and set tagged, str/int/bool/None as they are.
    Anything else raises :class:`NotPlain`. :func:`from_plain` reads it back."""
    import dataclasses
    import datetime as _dt
    from decimal import Decimal
    from operator import attrgetter
    from pathlib import PurePath

    seen: dict[int, int] = {}
    keep: list = []  # the objects numbered in ``seen``, kept alive so that no id() is reused
    classes: dict[type, tuple[str, Callable]] = {}  # dataclass → (its tag, the getter of its fields)
    scalars = _SCALARS

    # In the lists below, a scalar and a Decimal (most values) are written in place, anything
    # else by enc(): the same expression in each rather than a function, one call fewer a value.
    def enc(o):
        t = type(o)
        known = classes.get(t)
        if known is not None:
            i = id(o)
            ref = seen.get(i)
            if ref is not None:
                return ["R", ref]
            seen[i] = len(keep)
            keep.append(o)
            return [
                "O",
                known[0],
                [v if type(v) in scalars else ["D", str(v)] if type(v) is Decimal else enc(v) for v in known[1](o)],
            ]
        if t in scalars:
            return o
        if t is Decimal:
            return ["D", str(o)]
        if t is tuple or t is list:
            return [
                "T" if t is tuple else "L",
                [v if type(v) in scalars else ["D", str(v)] if type(v) is Decimal else enc(v) for v in o],
            ]
        if t is dict:
            return [
                "M",
                [[k if type(k) in scalars else enc(k), v if type(v) in scalars else enc(v)] for k, v in o.items()],
            ]
        if t is _dt.date:
            return ["d", o.isoformat()]
        if isinstance(o, PurePath):
            return ["P", str(o)]
        if t in (set, frozenset):
            return ["S" if t is set else "F", sorted((enc(x) for x in o), key=repr)]
        if dataclasses.is_dataclass(o) and not isinstance(o, type) and t.__module__.startswith(_ALLOWED_MODULES):
            names = tuple(f.name for f in dataclasses.fields(o))
            getter = attrgetter(*names) if len(names) > 1 else lambda o: tuple(getattr(o, n) for n in names)
            classes[t] = (f"{t.__module__}:{t.__qualname__}", getter)
            return enc(o)
        raise NotPlain(f"{t.__module__}.{t.__qualname__}")

    with paused_gc():
        return enc(obj)


def from_plain(data) -> object:
    """The value :func:`to_plain` wrote. Raises ValueError for anything it would not write
    (an unknown tag, a class outside the core models or whose fields changed)."""
    import dataclasses
    import datetime as _dt
    import importlib
    import inspect
    from collections import deque
    from decimal import Decimal
    from itertools import repeat
    from pathlib import Path as _Path
    from types import MemberDescriptorType

    objects: list = []
    classes: dict[str, tuple] = {}  # tag → (class, field names, whether they live in the instance's __dict__)
    setattr_ = object.__setattr__
    containers = {"T": tuple, "L": list, "S": set, "F": frozenset}

    def cls_of(name: str):
        if name not in classes:
            module, _, qual = name.partition(":")
            if not module.startswith(_ALLOWED_MODULES) or "." in qual:
                raise ValueError(f"class not allowed: {name}")
            try:
                cls = getattr(importlib.import_module(module), qual, None)
            except ImportError:
                cls = None
            if cls is None or not dataclasses.is_dataclass(cls):
                raise ValueError(f"not a model class: {name}")
            names = tuple(f.name for f in dataclasses.fields(cls))
            slotted = any(isinstance(inspect.getattr_static(cls, n, None), MemberDescriptorType) for n in names)
            classes[name] = (cls, names, not slotted)
        return classes[name]

    # In the lists below, a value is read in place when it is a scalar (itself), a reference
    # or a Decimal (most of the rest), and by dec() otherwise. The same expression stands in
    # each list rather than in a function: one call fewer for each of 70,000 containers.
    def dec(d):
        tag, body = d[0], d[1]
        if tag == "O":
            cls, names, has_dict = classes.get(body) or cls_of(body)
            values = d[2]
            if len(values) != len(names):
                raise ValueError(f"fields of {body} changed")
            obj = cls.__new__(cls)
            objects.append(obj)  # before its fields: a reference inside them may name it
            values = [
                v if type(v) is not list else objects[v[1]] if v[0] == "R" else Decimal(v[1]) if v[0] == "D" else dec(v)
                for v in values
            ]
            if has_dict:
                obj.__dict__.update(zip(names, values, strict=True))
            else:
                deque(map(setattr_, repeat(obj), names, values), maxlen=0)
            return obj
        make = containers.get(tag)
        if make is not None:
            values = [
                v if type(v) is not list else objects[v[1]] if v[0] == "R" else Decimal(v[1]) if v[0] == "D" else dec(v)
                for v in body
            ]
            return values if make is list else make(values)
        if tag == "R":
            return objects[body]
        if tag == "D":
            return Decimal(body)
        if tag == "M":
            return {(k if type(k) is not list else dec(k)): (v if type(v) is not list else dec(v)) for k, v in body}
        if tag == "d":
            return _dt.date.fromisoformat(body)
        if tag == "P":
            return _Path(body)
        raise ValueError(f"unknown tag {tag!r}")

    with paused_gc():
        try:
            return data if type(data) is not list else dec(data)
        except (TypeError, KeyError, IndexError, AttributeError) as exc:  # a list of another shape
            raise ValueError(f"not what to_plain writes: {exc!r}") from exc
