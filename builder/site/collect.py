"""What the public site shows: rubrics and rounds, loaded and validated through the core.

:func:`collect` never raises for bad input; it returns every diagnostic, and the caller (the
MkDocs plugin) fails the build when any is an error. Rounds that are not ``published`` are
not even loaded unless drafts are asked for, so an unfinished round can neither leak nor
break the public build.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..diagnostics import ERROR, Diagnostic
from ..project import Project
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


def collect(project: Project, *, drafts: bool = False) -> SiteData:
    """Load every rubric and every round to show (published ones; all when ``drafts``)."""
    from ..rounds import compute, load_round

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
        meta, diags = load_round_meta(project.content_dir, rid, project.display)
        if meta is None:
            site.diagnostics.extend(diags)
            continue
        if meta.status != "published" and not drafts:
            hidden.append(rid)
            continue
        if rid in RESERVED_IDS:
            site.diagnostics.append(Diagnostic(meta.yaml_path, 1, 1, ERROR, "site-round-id",
                                               f"轮次编号“{rid}”与网站自用的地址重名，请换一个编号（文件夹名和 id 一起改）。"))
            continue
        rnd, diags = load_round(project, rid)
        site.diagnostics.extend(diags)
        if rnd is None or any(d.is_error for d in diags):
            continue
        shown.append(compute(rnd))
    shown.sort(key=lambda res: (round_date(res.round), res.round.id), reverse=True)
    site.rounds = tuple(shown)
    site.hidden = tuple(hidden)
    return site
