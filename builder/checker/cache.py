"""What a check needs to know about a round and its template, cached in memory and on disk.

``kaohe check`` is run again and again while a county edits its report; each run would
otherwise import the YAML and round loaders and parse ``round.yaml`` and the template
again. The facts the checker needs (the round's rubric, year and counties; the parsed
template) are kept in ``<project>/.cache/kaohe/check.json`` (git-ignored), keyed by the
size and modification time of the source files *and* of the loader code, so a changed
file or a changed loader is always read afresh. Only results that loaded without any
diagnostic are cached; problems are reported on every run. Set ``KAOHE_NO_CACHE=1`` to
bypass the disk cache. A missing, corrupt or unwritable cache is silently ignored.

The same plain-data form of those facts is exported at build time for the checker page of
the site (:func:`export_facts`, ``site/check/facts.json``): there the checker runs in the
browser, without PyYAML and without the project's files, from a :class:`Facts` object passed
where a :class:`~builder.project.Project` is passed otherwise.
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


def round_to_json(info: RoundInfo) -> dict:
    """A plain-data form of a round's facts (for the check cache and the checker page)."""
    return {"id": info.id, "rubric": info.rubric_id, "year": info.year,
            "counties": [[c.id, c.name, c.kind] for c in info.counties]}


def round_from_json(d: dict) -> RoundInfo:
    return RoundInfo(d["id"], d["rubric"], d["year"], tuple(CountyInfo(*c) for c in d["counties"]))


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
    if isinstance(project, Facts):
        return project.round_info(round_id)
    path = project.content_dir / round_id / "round.yaml"
    stamp = _stamp(path)
    mem_key = ("round", str(path))
    hit = _memory.get(mem_key)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1], hit[2]
    disk = _disk(project)
    value = disk.get("rounds", str(path), stamp)
    if value is not None:
        info = round_from_json(value)
        _memory[mem_key] = (stamp, info, [])
        return info, []
    from ..rounds.meta import load_round_meta

    meta, diags = load_round_meta(project.content_dir, round_id, project.display)
    info = None
    if meta is not None:
        info = RoundInfo(meta.id, meta.rubric_id, meta.year, tuple(CountyInfo(c.id, c.name, c.kind) for c in meta.counties))
        if not diags:
            disk.put("rounds", str(path), stamp, round_to_json(info))
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


def round_template(project, rubric_id: str):
    """(Template | None, diagnostics, exists) of a rubric's report template; ``exists`` is False
    when the rubric has none (no ``rubrics/<rubric>.template.yaml``)."""
    if isinstance(project, Facts):
        template = project.template(rubric_id)
        return template, [], template is not None
    from .template import template_path

    tpath = template_path(project.rubrics_dir, rubric_id)
    if not tpath.is_file():
        return None, [], False
    template, diags = template_for(project, tpath)
    return template, diags, True


def save(project) -> None:
    """Write the disk cache if anything new was learnt (never raises)."""
    if project is not None and not isinstance(project, Facts) and str(project.root) in _disks:
        _disks[str(project.root)].save()


# ─── the facts exported for the checker page ───

FACTS_VERSION = 1


def export_facts(rounds) -> dict:
    """The checker's facts about ``rounds`` as plain JSON data (``site/check/facts.json``).

    ``rounds``: (RoundInfo, Template | None, item titles {id: title} of its rubric) for every
    round the page offers. The rounds, templates and titles are stored in the forms the check
    cache uses (:func:`round_to_json`, :func:`~builder.checker.template.template_to_json`).
    """
    from .template import template_to_json

    out = {"version": FACTS_VERSION, "rounds": {}, "templates": {}, "item_titles": {}}
    for info, template, titles in sorted(rounds, key=lambda r: r[0].id):
        out["rounds"][info.id] = round_to_json(info)
        if template is not None:
            out["templates"][info.rubric_id] = {"path": template.path, "value": template_to_json(template)}
        if titles:
            out["item_titles"][info.rubric_id] = dict(titles)
    return out


class Facts:
    """Round facts read from :func:`export_facts` data: stands in for a Project in a check
    (``check_file(path, Facts(data), …)``) where neither the YAML files nor PyYAML exist."""

    def __init__(self, data: dict):
        if data.get("version") != FACTS_VERSION:
            raise ValueError(f"facts version {data.get('version')!r}, expected {FACTS_VERSION}")
        self.rounds = {rid: round_from_json(v) for rid, v in data["rounds"].items()}
        self._templates = data["templates"]
        self._titles = data["item_titles"]
        self._loaded: dict = {}

    def round_info(self, round_id: str) -> tuple[RoundInfo | None, list[Diagnostic]]:
        info = self.rounds.get(round_id)
        if info is not None:
            return info, []
        from ..diagnostics import ERROR

        return None, [Diagnostic("", 0, 0, ERROR, "round-unknown", f"找不到考核轮次“{round_id}”。")]

    def template(self, rubric_id: str):
        """The rubric's report template, or None when it has none."""
        if rubric_id not in self._loaded:
            from .template import template_from_json

            t = self._templates.get(rubric_id)
            self._loaded[rubric_id] = None if t is None else template_from_json(t["value"], t["path"])
        return self._loaded[rubric_id]

    def item_titles(self, rubric_id: str) -> dict[str, str]:
        return dict(self._titles.get(rubric_id, {}))

    def round_ids(self) -> list[str]:
        return sorted(self.rounds)
