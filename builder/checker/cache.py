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
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..buildcache import BuildCache, Hasher, code_digest, file_digest
from ..diagnostics import Diagnostic

CODE_NOT_USED = ("pdf", "site", "cli")


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
    status: str = "published"  # draft | approved | published

    def county(self, key: str) -> CountyInfo | None:
        """A county by id, or by its name (``舞阳县``)."""
        return next((c for c in self.counties if c.id == key), None) or \
            next((c for c in self.counties if c.name == key), None)


_stores: dict[str, BuildCache] = {}
_memory: dict[tuple, tuple] = {}  # (kind, key) -> (value, diagnostics), for this process


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
    d = project.content_dir
    if not d.is_dir():
        return []
    return sorted(p.name for p in d.iterdir() if (p / "round.yaml").is_file())


def round_info(project, round_id: str) -> tuple[RoundInfo | None, list[Diagnostic]]:
    """The round's rubric id, year and counties (from ``content/<round>/round.yaml``)."""
    path = project.content_dir / round_id / "round.yaml"
    key = _key("check-round", path)
    if key is not None and ("round", key) in _memory:
        return _memory[("round", key)]
    store = _store(project)
    value = store.get("check-round", key) if key else None
    if value is not None:
        try:
            info = RoundInfo(str(value["id"]), str(value["rubric"]), int(value["year"]),
                             tuple(CountyInfo(*map(str, c)) for c in value["counties"]),
                             str(value.get("status", "published")))
            _memory[("round", key)] = (info, [])
            return info, []
        except (KeyError, TypeError, ValueError):
            pass  # a record of another layout: read the file
    from ..rounds.meta import load_round_meta

    meta, diags = load_round_meta(project.content_dir, round_id, project.display, root=project.root)
    info = None
    if meta is not None:
        info = RoundInfo(meta.id, meta.rubric_id, meta.year,
                         tuple(CountyInfo(c.id, c.name, c.kind) for c in meta.counties), meta.status)
        if not diags and key:
            store.put("check-round", key, {"id": info.id, "rubric": info.rubric_id, "year": info.year,
                                           "status": info.status,
                                           "counties": [list(c) for c in info.counties]})
    if key is not None:
        _memory[("round", key)] = (info, diags)
    return info, diags


def template_for(project, path: Path):
    """(Template | None, diagnostics) for a template file (see :func:`builder.checker.template.load_template`)."""
    from .template import load_template, template_from_json, template_to_json

    shown = project.display(path)
    key = _key("check-template", path)
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


def save(project) -> None:
    """Kept for callers: records are written as they are made (never raises)."""
