"""Which rounds the checker page offers, and what it says about each.

A round is offered when it is shown on the site (published; drafts too in a draft preview)
and its rubric has a report template (``rubrics/<rubric>.template.yaml``). The round facts
come from the loaded round and the template from the checker's own cache, so the page checks
against exactly what ``kaohe check`` checks against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checker.cache import CountyInfo, RoundInfo, round_template
from ..checker.rules.required_items import titles as item_titles
from ..checker.template import Template
from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..rounds.model import Round

PAGE_URL = "check/"
TEMPLATES_DIR = "templates"  # under check/: templates/<round>/<county>.md


@dataclass(frozen=True)
class CheckRound:
    """A round the checker page offers: the round, its facts for the checker, its report
    template and the titles of its rubric's items."""

    round: Round
    info: RoundInfo
    template: Template
    titles: dict  # item id → title, for the required-items rule and the skeleton

    @property
    def id(self) -> str:
        """The round id."""
        return self.info.id


def offered_rounds(site) -> tuple[list[CheckRound], list[Diagnostic]]:
    """The rounds of ``site`` (a :class:`~builder.site.collect.SiteData`) the page offers, in
    the site's order (newest first), and the problems of templates that do not load."""
    out: list[CheckRound] = []
    problems: list[Diagnostic] = []
    for res in site.rounds:
        r = res.round
        template, diags, exists = round_template(site.project, r.rubric.id)
        problems.extend(diags)
        if not exists or template is None:
            continue
        info = RoundInfo(r.id, r.rubric.id, r.year, tuple(CountyInfo(c.id, c.name, c.kind) for c in r.counties))
        out.append(CheckRound(r, info, template, item_titles(site.project, r.rubric.id)))
    return out, problems


def template_url(round_id: str, county_id: str, ext: str = "md") -> str:
    """Site-relative URL of a county's report template (``check/templates/<round>/<county>.md``)."""
    return f"{PAGE_URL}{TEMPLATES_DIR}/{round_id}/{county_id}.{ext}"


def page_data(rounds: list[CheckRound], docx: bool) -> dict:
    """What the page template shows: the rounds and counties to choose from and the
    downloads of each county's template (``docx``: whether .docx templates are written)."""
    return {
        "rounds": [
            {
                "id": c.id,
                "title": c.round.title,
                "sample": c.round.sample,
                "draft": not c.round.is_published,
                "year": c.info.year,
                "body_chars": c.template.body_chars,
                "max_cases": c.template.annex.max_cases if c.template.annex else None,
                "counties": [
                    {
                        "id": k.id,
                        "name": k.name,
                        "md": template_url(c.id, k.id),
                        "docx": template_url(c.id, k.id, "docx") if docx else None,
                    }
                    for k in c.info.counties
                ],
            }
            for c in rounds
        ]
    }
