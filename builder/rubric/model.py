"""The rubric model: a tree of nodes plus bonus, deduction and veto rules and grade bands.

All points are :class:`decimal.Decimal`. Objects are immutable once loaded.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Node:
    """One node of the rubric tree: an area (考核领域), a group or a leaf item (考核项).

    A leaf carries the criterion, the departments that score it and how; an inner node
    only its children. ``points`` is the declared value or, where the seed declares
    none, the sum of the children.
    """

    id: str
    title: str
    points: Decimal  # declared, or the sum of the children where the seed declares none
    declared_points: Decimal | None
    children: tuple[Node, ...] = ()
    criterion: str = ""
    departments: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()  # 科室 within the department (漯河)
    methods: tuple[str, ...] = ()  # 评价方法: 查阅文件 / 听取汇报 / 查看现场 / 调查了解
    evidence: bool = True  # whether the county must submit evidence (惠州: items 1–7, 9–11 need none)
    guidance: str = ""  # 重点考核 (漯河 附件5)
    rating: str | None = None  # id of a rating scale (惠州 实地核查)
    section: str = ""  # where in the seed this comes from
    note: str = ""  # editorial remark of the transcriber: never published
    line: int = 0
    explanation: str = ""  # 说明 written for the public (shown on the rubric page)

    @property
    def is_leaf(self) -> bool:
        """True for a scored item (a node without children)."""
        return not self.children

    def leaves(self) -> Iterator[Node]:
        """Yield the leaves under this node (itself if it is one), in rubric order."""
        if self.is_leaf:
            yield self
        else:
            for c in self.children:
                yield from c.leaves()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Node]]:
        """Yield ``(depth, node)`` for this node and every node below it, depth first.

        :param depth: the depth given to this node; its children get ``depth + 1``.
        """
        yield depth, self
        for c in self.children:
            yield from c.walk(depth + 1)


@dataclass(frozen=True)
class BonusItem:
    """A bonus rule (加分项): ``amount`` per award, once unless ``per_award``."""

    id: str
    title: str
    amount: Decimal  # per award
    group: str | None
    departments: tuple[str, ...] = ()
    section: str = ""
    line: int = 0
    # 每项 / per award: the seed says "每项加X分", so several awards add up. Otherwise the
    # item is one achievement and counts at most once however often it is entered.
    per_award: bool = False


@dataclass(frozen=True)
class BonusGroup:
    """Bonus items that share a cap (``cap`` ``None``: no cap of their own)."""

    id: str
    title: str
    cap: Decimal | None
    items: tuple[BonusItem, ...]
    line: int = 0


@dataclass(frozen=True)
class Bonus:
    """All bonus rules of a rubric, their overall cap (``None``: uncapped) and groups."""

    cap: Decimal | None
    groups: tuple[BonusGroup, ...]
    items: tuple[BonusItem, ...]  # every bonus item, grouped or not
    note: str = ""  # editorial, never published
    explanation: str = ""  # 说明 for the public

    def find(self, item_id: str) -> BonusItem | None:
        """Return the bonus item with this id, or ``None`` if the rubric has none."""
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class Deduction:
    """A deduction rule (扣分项): ``amount`` per event up to ``cap`` (``None``: uncapped)."""

    id: str
    title: str
    amount: Decimal  # per event
    cap: Decimal | None  # None means explicitly uncapped
    departments: tuple[str, ...] = ()
    description: str = ""
    section: str = ""
    line: int = 0
    note: str = ""  # editorial, never published
    # 酌情扣分: ``amount`` is the per-event maximum; an event may state a smaller amount.
    discretionary: bool = False
    explanation: str = ""  # 说明 for the public


@dataclass(frozen=True)
class Veto:
    """A veto rule (一票否决): an event sets the county's grade to ``grade``."""

    id: str
    title: str
    grade: str
    description: str = ""
    departments: tuple[str, ...] = ()
    section: str = ""
    line: int = 0
    note: str = ""  # editorial, never published
    explanation: str = ""  # 说明 for the public


@dataclass(frozen=True)
class Band:
    """A grade band: a total of at least ``min`` (inclusive) gets ``grade``."""

    grade: str
    min: Decimal  # inclusive lower bound
    label: str = ""


@dataclass(frozen=True)
class RatingLevel:
    """One level of a rating scale (好, 较好, …) and the value it stands for."""

    label: str
    value: Decimal


@dataclass(frozen=True)
class RatingScale:
    """An on-site rating scale: its levels and the value a full rating is worth."""

    id: str
    title: str
    levels: tuple[RatingLevel, ...]
    max: Decimal
    note: str = ""

    def score(self, label: str, points: Decimal) -> Decimal | None:
        """The item score for a rating: the level's value scaled to the item's points."""
        for lv in self.levels:
            if lv.label == label:
                return points * lv.value / self.max
        return None


@dataclass(frozen=True)
class Source:
    """Where the rubric was transcribed from: the document's file, title and section."""

    file: str
    title: str = ""
    section: str = ""


@dataclass(frozen=True)
class Rubric:
    """A whole rubric (考核细则): the area tree, bonus, deduction and veto rules, grade bands."""

    id: str
    title: str
    path: str
    base_points: Decimal
    areas: tuple[Node, ...]
    bonus: Bonus
    deductions: tuple[Deduction, ...]
    vetoes: tuple[Veto, ...]
    grades: tuple[Band, ...]  # empty: the rubric defines no grades
    grade_rule: str = ""  # the transcriber's record of where the bands come from: never published
    rating_scales: dict = field(default_factory=dict)
    source: Source | None = None
    issuer: str = ""
    year: int | None = None
    note: str = ""  # editorial, never published
    date: _dt.date | None = None  # the rubric's own date (印发日期 of its source document)
    explanation: str = ""  # 说明 for the public, about the whole rubric
    sample: bool = False  # a fictional rubric (示例数据): labelled on its page
    grades_explanation: str = (
        ""  # 说明 for the public under the grade bands (how 89.5 is graded, where the bands come from)
    )

    def leaves(self) -> Iterator[Node]:
        """Yield every scored item of the rubric, in rubric order."""
        for a in self.areas:
            yield from a.leaves()

    def nodes(self) -> Iterator[tuple[int, Node]]:
        """Yield ``(depth, node)`` for every node of every area, depth first (areas at depth 0)."""
        for a in self.areas:
            yield from a.walk()

    def node(self, node_id: str) -> Node | None:
        """Return the node with this id, or ``None`` if there is none."""
        return next((n for _, n in self.nodes() if n.id == node_id), None)

    def area_of(self, leaf_id: str) -> Node | None:
        """Return the area (top-level node) that holds the leaf with this id, or ``None``."""
        for a in self.areas:
            if any(leaf.id == leaf_id for leaf in a.leaves()):
                return a
        return None

    def deduction(self, ded_id: str) -> Deduction | None:
        """Return the deduction rule with this id, or ``None`` if there is none."""
        return next((d for d in self.deductions if d.id == ded_id), None)

    def veto(self, veto_id: str) -> Veto | None:
        """Return the veto rule with this id, or ``None`` if there is none."""
        return next((v for v in self.vetoes if v.id == veto_id), None)

    def grade_for(self, total: Decimal) -> str | None:
        """The grade of the first band whose inclusive lower bound the total reaches."""
        for band in self.grades:
            if total >= band.min:
                return band.grade
        return None

    def departments(self) -> list[str]:
        """Return the departments that score the leaves, each once, in order of first mention."""
        seen: dict[str, None] = {}
        for leaf in self.leaves():
            for d in leaf.departments:
                seen.setdefault(d, None)
        return list(seen)
