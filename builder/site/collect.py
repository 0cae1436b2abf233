"""What the public site shows: rubrics and rounds, loaded and validated through the core.

:func:`collect` never raises for bad input; it returns every diagnostic, and the caller (the
MkDocs plugin) fails the build when any is an error. Rounds that are not ``published`` are
not even loaded unless drafts are asked for, so an unfinished round can neither leak nor
break the public build.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ..diagnostics import ERROR, Diagnostic
from ..project import Project
from ..rounds.gate import applies as gate_applies
from ..rounds.gate import findings as gate_findings
from ..rounds.gate import gate
from ..rounds.meta import load_round_meta, round_ids
from ..rounds.model import RoundResults
from ..rubric.model import Rubric

# Top-level URL segments the site uses for itself: a round may not take one of them as id.
RESERVED_IDS = frozenset({"rubrics", "rounds", "search", "assets", "about", "css", "js", "404"})


@dataclass
class SiteData:
    project: Project
    rubrics: tuple[Rubric, ...] = ()  # every rubric in rubrics/, by id
    rounds: tuple[RoundResults, ...] = ()  # rounds shown on the site, newest first
    diagnostics: list[Diagnostic] = field(default_factory=list)
    hidden: tuple[str, ...] = ()  # ids of rounds left out because they are not published
    # draft previews: round id -> county id -> checker findings of the report (shown on its page)
    findings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def round_date(r) -> _dt.date:
    """The date a round is shown with: 发布日期, else the notification's date, else 31 Dec of its year."""
    if r.published_date:
        return r.published_date
    if r.notification is not None:
        return r.notification.date
    return _dt.date(max(r.year, 1), 12, 31)


_STATUS_LINE = re.compile(r"^status:[ \t]*['\"]?([a-z]+)['\"]?[ \t]*(?:#.*)?$", re.M)


def _peek_status(path) -> str | None:
    """The round's status from its ``status:`` line, without parsing the whole file.

    Only a shortcut to skip unpublished rounds cheaply; None when the line is not there in
    that plain form (then the header is read properly). A published round is always loaded
    in full and its status checked again.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = _STATUS_LINE.findall(text)
    return found[0] if len(found) == 1 else None


def collect(project: Project, *, drafts: bool = False, cache=None) -> SiteData:
    """Load and compute every rubric and every round to show (published ones; all when
    ``drafts``). ``cache``: a :class:`~builder.buildcache.BuildCache` keeping computed rounds
    as plain data (:mod:`.roundcache`)."""
    from .roundcache import load_computed

    site = SiteData(project)
    rubrics = []
    for rid in project.rubric_ids():
        rubric, diags = project.load_rubric(rid)
        site.diagnostics.extend(diags)
        if rubric is not None:
            rubrics.append(rubric)
    site.rubrics = tuple(rubrics)

    shown, hidden = [], []
    for rid in round_ids(project.content_dir):
        status = _peek_status(project.content_dir / rid / "round.yaml")
        if status is None:  # not a plain "status: …" line: read the header properly
            meta, diags = load_round_meta(project.content_dir, rid, project.display, root=project.root)
            if meta is None:
                site.diagnostics.extend(diags)
                continue
            status = meta.status
        if status != "published" and not drafts:
            hidden.append(rid)
            continue
        if rid in RESERVED_IDS:
            site.diagnostics.append(
                Diagnostic(
                    project.display(project.content_dir / rid / "round.yaml"),
                    1,
                    1,
                    ERROR,
                    "site-round-id",
                    f"轮次编号“{rid}”与网站自用的地址重名，请换一个编号（文件夹名和 id 一起改）。",
                )
            )
            continue
        rnd, diags, results = load_computed(project, rid, cache)
        site.diagnostics.extend(diags)
        if rnd is None or results is None or any(d.is_error for d in diags):
            continue
        if not rnd.is_published and not drafts:  # the loader has the last word on the status
            hidden.append(rid)
            continue
        if drafts:  # a preview shows the checker's findings on the report pages instead of failing
            site.findings[rid] = gate_findings(project, rnd, cache)
        elif gate_applies(rnd):
            g = gate(project, rnd, cache)
            site.diagnostics.extend(g.diagnostics)
            if not g.ok:
                continue
        shown.append(results)
    shown.sort(key=lambda res: (round_date(res.round), res.round.id), reverse=True)
    site.rounds = tuple(shown)
    site.hidden = tuple(hidden)
    return site
