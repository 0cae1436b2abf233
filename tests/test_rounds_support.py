"""Helpers for the round tests (no tests here): a copy of the fixture project
``tests/fixtures/rounds/project`` (rubrics ``tiny`` and ``tiny-onsite``, round ``tiny-2024``)
that a test can edit, and hand-built rounds for the pure scoring tests."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

from builder.project import Project
from builder.rounds import load_round
from builder.rounds.model import BonusAward, County, DeductionEvent, Origin, Round, ScoreEntry, VetoEvent

FIXTURE = Path(__file__).parent / "fixtures" / "rounds" / "project"
ROUND = "tiny-2024"


class Sandbox:
    def __init__(self, tmp_path: Path):
        self.root = tmp_path / "project"
        shutil.copytree(FIXTURE, self.root)
        self.project = Project(self.root)
        self.round_dir = self.root / "content" / ROUND

    def write(self, rel: str, text: str) -> Path:
        p = self.round_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.round_dir / rel
        text = p.read_text(encoding="utf-8")
        assert old in text, (old, rel)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")

    def load(self, rid: str = ROUND):
        self.project = Project(self.root)  # fresh rubric cache
        return load_round(self.project, rid)


def errors(diags, rule: str | None = None):
    return [d for d in diags if d.is_error and (rule is None or d.rule == rule)]


def rubric(rid: str = "tiny"):
    r, diags = Project(FIXTURE).load_rubric(rid)
    assert r is not None, [d.format() for d in diags]
    return r


COUNTIES = (County("east", "东城区", "区"), County("west", "西城区", "区"),
            County("south", "南山县", "县"), County("north", "北湖区", "区"))
O = Origin("test.yaml", 1, 1)


def full_marks(r, counties=COUNTIES) -> dict:
    return {c.id: {leaf.id: leaf.points for leaf in r.leaves()} for c in counties}


def make_round(scores: dict, *, awards=(), deductions=(), vetoes=(), rid: str = "tiny", counties=COUNTIES,
               self_scores: dict | None = None, ratings: dict | None = None) -> Round:
    """``scores``: county id → {item id: score}; events as (county, item, count) / (county, item, text)."""
    r = rubric(rid)
    entries = {(c, i): ScoreEntry(c, i, Decimal(str(v)), "", "测试部门", O)
               for c, items in scores.items() for i, v in items.items()}
    selfs = {(c, i): ScoreEntry(c, i, Decimal(str(v)), "依据", c, O)
             for c, items in (self_scores or {}).items() for i, v in items.items()}
    return Round(
        id="t", path=Path("."), rubric=r, year=2024, title="测试", organiser="测试办", status="published",
        publish="ranks", counties=tuple(c for c in counties if c.id in scores), notification=None,
        scores=entries, self_scores=selfs, ratings=ratings or {},
        bonus_awards=tuple(BonusAward(c, i, n, "证明", O) for c, i, n in awards),
        deduction_events=tuple(DeductionEvent(c, i, n, "证明", O) for c, i, n in deductions),
        veto_events=tuple(VetoEvent(c, i, d, "证明", O) for c, i, d in vetoes),
    )


def with_total(r, total: str) -> dict:
    """Item scores for the ``tiny`` rubric adding up to ``total`` (items 1 and 3 take the slack)."""
    scores = {leaf.id: leaf.points for leaf in r.leaves()}
    deficit = r.base_points - Decimal(total)
    for item in ("1", "3"):
        take = min(deficit, scores[item])
        scores[item] -= take
        deficit -= take
    assert deficit == 0, total
    return scores
