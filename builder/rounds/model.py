"""Assessment rounds (考核轮次) and their computed results.

This module is the contract between the core and the adapters (site, PDFs, CLI):
``builder.rounds.load_round`` fills :class:`Round`, ``builder.rounds.compute`` turns
it into :class:`RoundResults`. All scores are :class:`decimal.Decimal`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..rubric.model import Node, Rubric

STATUSES = ("draft", "approved", "published")
# Where a vetoed county stands in the ranking (round.yaml ``veto_rank``):
#   last     — after every other county, with no rank number (default);
#   by_total — ranked by its total like any other county;
#   none     — no rank number, listed where its total puts it; the others are ranked without it.
VETO_RANKS = ("last", "by_total", "none")
# What a round publishes: grades only (national practice), grades and scores, or also ranks.
PUBLISH_LEVELS = ("grades", "scores", "ranks")
KINDS = ("县", "区", "市", "管委会")


@dataclass(frozen=True, slots=True)  # one per score: tens of thousands in a round
class Origin:
    """Where a figure came from: a file and a line (YAML/Markdown) or row (CSV/XLSX)."""

    path: str
    line: int = 0
    column: int = 0
    sheet: str | None = None  # XLSX sheet name

    def __str__(self) -> str:
        where = f"{self.path}"
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.line:
            where += f":{self.line}"
        return where


@dataclass(frozen=True)
class County:
    id: str  # ASCII pinyin slug, e.g. "wuyang"
    name: str  # 舞阳县
    kind: str  # 县 / 区 / 管委会


@dataclass(frozen=True)
class Notification:
    """Document metadata of the notification (通报), GB/T 9704-2012 elements."""

    organ: str  # 发文机关标志, e.g. 漯河市质量强市战略工作领导小组办公室
    doc_prefix: str  # 发文机关代字, e.g. 漯质强办
    doc_year: int
    doc_number: int
    title: str
    date: _dt.date  # 成文日期
    to: str  # 主送机关
    cc: tuple[str, ...] = ()  # 抄送
    printer: str = ""  # 印发机关
    printed: _dt.date | None = None  # 印发日期
    signature: str = ""  # 发文机关署名 (defaults to organ)
    requirements: str = ""  # 有关要求 paragraph(s) for the body, Markdown
    feedback_code: str = ""  # 发文字号 of the feedback letters (normalised like doc_code), "" = none

    @property
    def doc_code(self) -> str:
        """发文字号, e.g. 漯质强办〔2023〕1号 (U+3014/U+3015, no 第, no leading zeros)."""
        return f"{self.doc_prefix}\u3014{self.doc_year}\u3015{self.doc_number}号"


@dataclass(frozen=True)
class Waiver:
    """A checker finding the office accepts for one report (``waivers:`` in round.yaml)."""

    county: str
    rule: str  # the checker rule id, e.g. length-limit
    line: int  # 0: every finding of that rule in the report
    reason: str
    yaml_line: int = 0  # where it is written in round.yaml

    def covers(self, county: str, rule: str, line: int) -> bool:
        return self.county == county and self.rule == rule and (self.line == 0 or self.line == line)


@dataclass(frozen=True)
class OnsitePart:
    """The on-site check (实地核查) of an assessment round, as written in ``round.yaml``.

    Its ratings (``onsite/<county>.yaml``) are rated against its own rubric; they inform the
    round's items named in ``informs`` (on-site item id → round rubric node ids) and give no
    score, grade or rank of their own.
    """

    rubric_id: str
    title: str = "实地核查"
    description: str = ""
    informs: dict = field(default_factory=dict)
    rubric_pos: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class Round:
    id: str  # folder name under content/, e.g. luohe-2022
    path: Path  # the round folder
    rubric: Rubric
    year: int
    title: str
    organiser: str  # 发文机关 / 组织单位
    status: str  # draft | approved | published
    publish: str  # grades | scores | ranks
    counties: tuple[County, ...]
    notification: Notification | None
    published_date: _dt.date | None = None  # 发布日期 on the site
    sample: bool = False  # fictional sample data (示例数据): labelled on every page
    description: str = ""
    publish_docx: bool = False  # the office's .docx copies go on the site too (default: never)
    scores: dict = field(default_factory=dict)  # (county_id, item_id) -> ScoreEntry
    self_scores: dict = field(default_factory=dict)  # (county_id, item_id) -> ScoreEntry
    ratings: dict = field(default_factory=dict)  # (county_id, item_id) -> RatingEntry
    bonus_awards: tuple[BonusAward, ...] = ()
    deduction_events: tuple[DeductionEvent, ...] = ()
    veto_events: tuple[VetoEvent, ...] = ()
    reports: dict = field(default_factory=dict)  # county_id -> Path of the self-report (.md)
    feedback: dict = field(default_factory=dict)  # county_id -> Path of the feedback (.md)
    # Contacts are private: the model only knows where they are, never their content.
    contacts: dict = field(default_factory=dict)  # county_id -> Path
    veto_rank: str = "last"  # one of VETO_RANKS
    deadline: _dt.date | None = None  # 评价表报送截止日期 (kaohe status)
    review_notice: bool = False  # round.yaml review_notice: show the 复核说明 (upheld appeals) on the published page
    decisions: tuple[Decision, ...] = ()  # the office's 复核 decisions (appeals/decisions.yaml)
    waivers: tuple[Waiver, ...] = ()  # checker findings waived for publication (gate.py)
    onsite: Onsite | None = None  # the on-site check of this round, when it has its own rubric

    def county(self, county_id: str) -> County | None:
        return next((c for c in self.counties if c.id == county_id), None)

    @property
    def is_published(self) -> bool:
        return self.status == "published"


@dataclass(frozen=True)
class Onsite:
    """The loaded on-site check: its rubric and the ratings, (county_id, item_id) -> RatingEntry."""

    part: OnsitePart
    rubric: Rubric
    ratings: dict = field(default_factory=dict)

    def informed(self, item_id: str) -> tuple[str, ...]:
        return self.part.informs.get(item_id, ())


@dataclass(frozen=True, slots=True)  # one per score: tens of thousands in a round
class ScoreEntry:
    county: str
    item: str
    score: Decimal
    remark: str  # 评价说明 / 评分依据
    department: str
    origin: Origin


@dataclass(frozen=True)
class RatingEntry:
    county: str
    item: str
    level: str  # 好 / 较好 / 一般 / 差 / 非常差
    score: Decimal  # scaled to the item's points
    remark: str
    origin: Origin


@dataclass(frozen=True)
class BonusAward:
    county: str
    item: str  # bonus item id
    count: int
    evidence: str
    origin: Origin
    description: str = ""  # what happened / what was awarded (optional)


@dataclass(frozen=True)
class DeductionEvent:
    county: str
    item: str  # deduction id
    count: int
    evidence: str
    origin: Origin
    description: str = ""  # what happened / what was awarded (optional)
    amount: Decimal | None = None  # per event, for 酌情 deductions (≤ the rule's amount); None: the rule's amount


@dataclass(frozen=True)
class VetoEvent:
    county: str
    item: str  # veto id
    description: str
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class Decision:
    """The office's decision on one appeal (复核): ``appeals/decisions.yaml``.

    ``id`` is the review id of the feedback letter (``wuyang-1.3``, ``xicheng-D1``:
    documents.review_id); ``kind`` is ``item`` (a score below full marks) or ``deduction``.
    An upheld decision replaces the item's score, or the deduction's amount after caps,
    with ``score``; a rejected one changes nothing.
    """

    id: str
    county: str
    ref: str  # item id or deduction id
    kind: str  # item | deduction
    upheld: bool
    score: Decimal | None  # the new score / deduction when upheld
    reason: str
    origin: Origin


@dataclass(frozen=True)
class ReviewChange:
    """An upheld appeal as it changed the results: for the 复核说明 and the before/after."""

    id: str
    county: str
    ref: str
    kind: str  # item | deduction
    title: str
    before: Decimal
    after: Decimal
    reason: str


@dataclass(frozen=True, slots=True)  # one per score: tens of thousands in a round
class ItemResult:
    item: Node
    score: Decimal
    remark: str
    origin: Origin | None
    self_score: Decimal | None = None
    self_remark: str = ""
    level: str | None = None  # on-site rating level (好 / 较好 / …) for rated items
    self_origin: Origin | None = None

    @property
    def delta(self) -> Decimal | None:
        """Verified minus self-assessed score (negative: the county over-rated itself)."""
        return None if self.self_score is None else self.score - self.self_score


@dataclass(frozen=True, slots=True)  # one per score: tens of thousands in a round
class AreaResult:
    area: Node
    score: Decimal
    items: tuple[ItemResult, ...]

    @property
    def max(self) -> Decimal:
        return self.area.points


@dataclass(frozen=True)
class Line:
    """One bonus or deduction line of a county: the rule, the count, the amount applied."""

    id: str
    title: str
    count: int
    amount: Decimal  # after caps
    raw: Decimal  # before caps
    evidence: str
    origins: tuple[Origin, ...]
    cap: Decimal | None = None  # the item's own cap (deductions) or its group's cap (bonus)
    capped: bool = False  # True when a cap reduced the amount
    reviewed: bool = False  # True when an upheld 复核 decision set the amount


@dataclass(frozen=True)
class CountyResult:
    county: County
    areas: tuple[AreaResult, ...]
    base: Decimal
    bonus: Decimal  # after caps
    bonus_lines: tuple[Line, ...]
    deductions: Decimal  # after caps
    deduction_lines: tuple[Line, ...]
    veto: VetoEvent | None
    veto_title: str
    total: Decimal  # base + bonus − deductions, not below 0
    grade: str | None
    rank: int | None  # None: a vetoed county under veto_rank last / none
    self_base: Decimal | None = None  # Σ self-scores of the scored items, when a self-score table exists
    veto_grade: str | None = None  # the veto's grade when vetoed (then grade == veto_grade)
    band_grade: str | None = None  # the grade the total alone would have

    def area(self, area_id: str) -> AreaResult | None:
        return next((a for a in self.areas if a.area.id == area_id), None)


@dataclass(frozen=True)
class RoundResults:
    round: Round
    counties: tuple[CountyResult, ...]  # in rank order (ties in round order)
    review_changes: tuple[ReviewChange, ...] = ()  # upheld appeals, in decision-file order

    def county(self, county_id: str) -> CountyResult | None:
        return next((c for c in self.counties if c.county.id == county_id), None)

    def by_grade(self) -> dict[str, list[CountyResult]]:
        """Grade → counties in rank order, grades in the rubric's band order."""
        out: dict[str, list[CountyResult]] = {b.grade: [] for b in self.round.rubric.grades}
        for c in self.counties:
            if c.grade is not None:
                out.setdefault(c.grade, []).append(c)
        return out
