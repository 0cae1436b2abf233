"""What a check needs to know about a round and its template, cached in memory and on disk.

``kaohe check`` is run again and again while a county edits its report; each run would
otherwise import the YAML and round loaders and parse ``round.yaml`` and the template
again. The facts the checker needs (the round's rubric, year and counties; the parsed
template) are kept in ``<project>/.cache/kaohe/check.json`` (git-ignored), keyed by the
size and modification time of the source files *and* of the loader code, so a changed
file or a changed loader is always read afresh. Only results that loaded without any
diagnostic are cached; problems are reported on every run. Set ``KAOHE_NO_CACHE=1`` to
bypass the disk cache. A missing, corrupt or unwritable cache is silently ignored.
"""

from __future__ import annotations

import json
import os
from typing import NamedTuple
from pathlib import Path

from ..diagnostics import Diagnostic

CACHE_VERSION = 1
_PKG = Path(__file__).resolve().parent.parent
# the code that produces what is cached: a change to any of it invalidates the cache
_CODE = (_PKG / "checker" / "template.py", _PKG / "checker" / "cache.py", _PKG / "rounds" / "meta.py",
         _PKG / "yamlio.py", _PKG / "fields.py")


class CountyInfo(NamedTuple):
    id: str
    name: str
    kind: str


class RoundInfo(NamedTuple):
    """The part of ``round.yaml`` the checker uses."""

    id: str
    rubric_id: str
    year: int
    counties: tuple[CountyInfo, ...]

    def county(self, key: str) -> CountyInfo | None:
        """A county by id, or by its name (``舞阳县``)."""
        return next((c for c in self.counties if c.id == key), None) or \
            next((c for c in self.counties if c.name == key), None)


def _stamp(path: Path) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class _Disk:
    def __init__(self, root: Path):
        self.path = root / ".cache" / "kaohe" / "check.json"
        self.enabled = not os.environ.get("KAOHE_NO_CACHE")
        self.code = [_stamp(p) for p in _CODE]
        self.data = {"version": CACHE_VERSION, "code": self.code, "rounds": {}, "templates": {}}
        self.dirty = False
        if self.enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION and data.get("code") == self.code:
                    self.data = data
            except (OSError, ValueError, AttributeError):
                pass

    def get(self, kind: str, key: str, stamp) -> dict | None:
        entry = self.data.get(kind, {}).get(key) if self.enabled else None
        if entry and stamp is not None and entry.get("stamp") == stamp:
            return entry.get("value")
        return None

    def put(self, kind: str, key: str, stamp, value: dict) -> None:
        if self.enabled and stamp is not None:
            self.data.setdefault(kind, {})[key] = {"stamp": stamp, "value": value}
            self.dirty = True

    def save(self) -> None:
        if not (self.enabled and self.dirty):
            return
        self.dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"check.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


_disks: dict[str, _Disk] = {}
_memory: dict[tuple, tuple] = {}


def _disk(project) -> _Disk:
    key = str(project.root)
    if key not in _disks:
        _disks[key] = _Disk(project.root)
    return _disks[key]


def round_info(project, round_id: str) -> tuple[RoundInfo | None, list[Diagnostic]]:
    """The round's rubric id, year and counties (from ``content/<round>/round.yaml``)."""
    path = project.content_dir / round_id / "round.yaml"
    stamp = _stamp(path)
    mem_key = ("round", str(path))
    hit = _memory.get(mem_key)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1], hit[2]
    disk = _disk(project)
    value = disk.get("rounds", str(path), stamp)
    if value is not None:
        info = RoundInfo(value["id"], value["rubric"], value["year"],
                         tuple(CountyInfo(*c) for c in value["counties"]))
        _memory[mem_key] = (stamp, info, [])
        return info, []
    from ..rounds.meta import load_round_meta

    meta, diags = load_round_meta(project.content_dir, round_id, project.display, root=project.root)
    info = None
    if meta is not None:
        info = RoundInfo(meta.id, meta.rubric_id, meta.year, tuple(CountyInfo(c.id, c.name, c.kind) for c in meta.counties))
        if not diags:
            disk.put("rounds", str(path), stamp, {"id": info.id, "rubric": info.rubric_id, "year": info.year,
                                                  "counties": [[c.id, c.name, c.kind] for c in info.counties]})
    if stamp is not None:
        _memory[mem_key] = (stamp, info, diags)
    return info, diags


def template_for(project, path: Path):
    """(Template | None, diagnostics) for a template file (see :func:`builder.checker.template.load_template`)."""
    from .template import load_template, template_from_json, template_to_json

    stamp = _stamp(path)
    disk = _disk(project)
    value = disk.get("templates", str(path), stamp)
    shown = project.display(path)
    if value is not None:
        try:
            return template_from_json(value, shown), []
        except (KeyError, TypeError, ValueError):
            pass
    template, diags = load_template(path, shown)
    if template is not None and not diags:
        disk.put("templates", str(path), stamp, template_to_json(template))
    return template, diags


def save(project) -> None:
    """Write the disk cache if anything new was learnt (never raises)."""
    if project is not None and str(project.root) in _disks:
        _disks[str(project.root)].save()
