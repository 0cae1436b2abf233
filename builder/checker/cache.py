"""What a check needs to know about a round and its template, kept in the build cache.

``kaohe check`` is run again and again while a county edits its report; each run would
otherwise import the YAML and round loaders and parse ``round.yaml`` and the template
again. The facts the checker needs (the round's rubric, year and counties; the parsed
template) are kept as records of the one build cache (:mod:`builder.buildcache`, kinds
``check-round`` and ``check-template``), keyed by the SHA-256 of the source file's bytes,
its path and the code of kaohe (every module but the site, the PDFs and the command line),
so a changed file or changed code is always read afresh. Only results that loaded without
any diagnostic are kept; problems are reported on every run. ``KAOHE_NO_CACHE=1`` turns
the cache off; a missing, corrupt or unwritable cache is ignored (a record that does not
verify is a miss).

The same plain-data form of those facts is exported at build time for the checker page of
the site (:func:`export_facts`, ``site/check/facts.json``): there the checker runs in the
browser, without PyYAML and without the project's files, from a :class:`Facts` object passed
where a :class:`~builder.project.Project` is passed otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..buildcache import BuildCache, Hasher, code_digest, file_digest
from ..diagnostics import Diagnostic

CODE_NOT_USED = ("pdf", "site", "cli")


class CountyInfo(NamedTuple):
    """A county as the checker needs it: id, name and kind (县, 区, …)."""

    id: str
    name: str
    kind: str


class RoundInfo(NamedTuple):
    """The part of ``round.yaml`` the checker uses."""

    id: str
    rubric_id: str
    year: int
    counties: tuple[CountyInfo, ...]
    status: str = "published"  # draft | approved | published

    def county(self, key: str) -> CountyInfo | None:
        """A county by id, or by its name (``舞阳县``)."""
        return next((c for c in self.counties if c.id == key), None) or next(
            (c for c in self.counties if c.name == key), None
        )


def round_to_json(info: RoundInfo) -> dict:
    """A plain-data form of a round's facts (for the check cache and the checker page)."""
    return {
        "id": info.id,
        "rubric": info.rubric_id,
        "year": info.year,
        "status": info.status,
        "counties": [list(c) for c in info.counties],
    }


def round_from_json(d: dict) -> RoundInfo:
    """The inverse of :func:`round_to_json`; KeyError, TypeError or ValueError for another layout."""
    return RoundInfo(
        str(d["id"]),
        str(d["rubric"]),
        int(d["year"]),
        tuple(CountyInfo(*map(str, c)) for c in d["counties"]),
        str(d.get("status", "published")),
    )


_stores: dict[str, BuildCache] = {}
_memory: dict[tuple, tuple] = {}  # (kind, key, …) -> (value, diagnostics), for this process


def _store(project) -> BuildCache:
    key = str(project.root)
    if key not in _stores:
        _stores[key] = BuildCache.for_project(project)
    return _stores[key]


def _key(kind: str, path: Path) -> str | None:
    digest = file_digest(path)
    if digest == "missing":
        return None
    return Hasher(kind, code_digest(CODE_NOT_USED), str(path), digest).hexdigest()


def round_ids(project) -> list[str]:
    """The rounds of a project (folders of ``content/`` holding a ``round.yaml``).

    The same listing as :func:`builder.rounds.meta.round_ids`, kept here because importing
    ``builder.rounds`` costs a check ~130 ms (the round models and the YAML loader).
    """
    if isinstance(project, Facts):
        return project.round_ids()
    d = project.content_dir
    if not d.is_dir():
        return []
    return sorted(p.name for p in d.iterdir() if (p / "round.yaml").is_file())


def round_info(project, round_id: str) -> tuple[RoundInfo | None, list[Diagnostic]]:
    """The round's rubric id, year and counties (from ``content/<round>/round.yaml``)."""
    if isinstance(project, Facts):
        return project.round_info(round_id)
    path = project.content_dir / round_id / "round.yaml"
    key = _key("check-round", path)
    if key is not None and ("round", key) in _memory:
        return _memory[("round", key)]
    store = _store(project)
    value = store.get("check-round", key) if key else None
    if value is not None:
        try:
            cached = round_from_json(value)
            _memory[("round", key)] = (cached, [])
            return cached, []
        except (KeyError, TypeError, ValueError):
            pass  # a record of another layout: read the file
    from ..rounds.meta import load_round_meta

    meta, diags = load_round_meta(project.content_dir, round_id, project.display, root=project.root)
    info: RoundInfo | None = None
    if meta is not None:
        info = RoundInfo(
            meta.id,
            meta.rubric_id,
            meta.year,
            tuple(CountyInfo(c.id, c.name, c.kind) for c in meta.counties),
            meta.status,
        )
        if not diags and key:
            store.put("check-round", key, round_to_json(info))
    if key is not None:
        _memory[("round", key)] = (info, diags)
    return info, diags


def template_for(project, path: Path):
    """(Template | None, diagnostics) for a template file (see :func:`builder.checker.template.load_template`)."""
    shown = project.display(path)
    key = _key("check-template", path)
    if key is None:
        return _read_template(project, path, shown, None)
    if ("template", key, shown) not in _memory:  # the same template for every report of a round
        _memory[("template", key, shown)] = _read_template(project, path, shown, key)
    return _memory[("template", key, shown)]


def _read_template(project, path: Path, shown: str, key: str | None):
    from .template import load_template, template_from_json, template_to_json

    store = _store(project)
    value = store.get("check-template", key) if key else None
    if value is not None:
        try:
            return template_from_json(value, shown), []
        except (KeyError, TypeError, ValueError):
            pass
    template, diags = load_template(path, shown)
    if template is not None and not diags and key:
        store.put("check-template", key, template_to_json(template))
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
    """Kept for callers: records are written as they are made (never raises)."""


# ─── the facts exported for the checker page ───

FACTS_VERSION = 1


def export_facts(rounds) -> dict:
    """The checker's facts about ``rounds`` as plain JSON data (``site/check/facts.json``).

    ``rounds``: (RoundInfo, Template | None, item titles {id: title} of its rubric) for every
    round the page offers. The rounds, templates and titles are stored in the forms the check
    cache uses (:func:`round_to_json`, :func:`~builder.checker.template.template_to_json`).
    """
    from .template import template_to_json

    by_round: dict[str, dict] = {}
    templates: dict[str, dict] = {}
    item_titles: dict[str, dict] = {}
    for info, template, titles in sorted(rounds, key=lambda r: r[0].id):
        by_round[info.id] = round_to_json(info)
        if template is not None:
            templates[info.rubric_id] = {"path": template.path, "value": template_to_json(template)}
        if titles:
            item_titles[info.rubric_id] = dict(titles)
    return {"version": FACTS_VERSION, "rounds": by_round, "templates": templates, "item_titles": item_titles}


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
