"""What every score-source reader needs: the round's counties and the rubric's items,
with lookups that report unknown ids (with a "did you mean") at the place they occur."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..fields import did_you_mean
from ..formats import format_decimal
from ..rubric.model import Node, Rubric
from .diag import ERROR, Grouped, at
from .meta import RoundMeta
from .model import County, Origin

_DEPT_SUFFIX = re.compile(r"(等有关部门|有关部门|等部门|部门)$")


def dept_key(name: str) -> str:
    """Department names compare without spaces and a trailing 部门/等部门/等有关部门,
    so that a sheet from “质监部门” may score an item led by “质监”."""
    n = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    return _DEPT_SUFFIX.sub("", n) or n


def item_key(value) -> str:
    """An item id as written in a cell: 3 → "3", 1.1 (a spreadsheet number) → "1.1"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


class RoundContext:
    """What loading one round's score files needs: the round's counties and the rubric's
    items by id and name, and the diagnostics collected so far (repeats grouped)."""

    def __init__(self, meta: RoundMeta, rubric: Rubric, diags: list[Diagnostic]):
        self.meta = meta
        self.root = meta.root  # the project folder (builder.paths): loaders read nothing outside it
        self.rubric = rubric
        self.diags = diags
        self.grouped = Grouped()
        self.counties: tuple[County, ...] = meta.counties
        self.county_ids = {c.id: c for c in meta.counties}
        self.county_names = {c.name: c for c in meta.counties}
        self.leaves: dict[str, Node] = {n.id: n for n in rubric.leaves()}
        self.nodes: dict[str, Node] = {n.id: n for _, n in rubric.nodes()}
        self.leaf_order = {lid: i for i, lid in enumerate(self.leaves)}
        self.dept_names = {dept_key(d): d for d in rubric.departments()}

    # -- counties ---------------------------------------------------------------------
    def county(self, value, origin: Origin, by: str = "id") -> County | None:
        """Resolve a county written as its id (``wuyang``) or its name (``舞阳县``)."""
        if type(value) is str:  # fast path: the id or name exactly as the round writes it (most cells)
            c = self.county_ids.get(value) or self.county_names.get(value)
            if c is not None:
                return c
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))
        c = self.county_ids.get(text) or self.county_names.get(text)
        if c is None:
            # 附件6 writes 开发区 for 经济技术开发区: accept a unique name that contains it
            hits = [x for x in self.counties if text and len(text) >= 2 and text in x.name]
            if len(hits) == 1:
                c = hits[0]
        if c is not None:
            return c
        choices = list(self.county_ids) + list(self.county_names)
        hint = did_you_mean(text, choices)
        known = "、".join(f"{x.id}（{x.name}）" for x in self.counties)
        self.grouped.add(
            ("county", origin.path, text),
            lambda: at(
                origin,
                ERROR,
                "round-unknown-county",
                f"本轮次没有县区“{text}”。{hint}".rstrip(),
                f"本轮次的县区（编号或名称均可）：{known}。",
            ),
        )
        return None

    # -- items ------------------------------------------------------------------------
    def leaf(self, value, origin: Origin) -> Node | None:
        """The scorable item (leaf) written as ``value``, or None with an error at ``origin``
        (an area or indicator, or an unknown id with a did-you-mean hint)."""
        key = item_key(value)
        node = self.leaves.get(key)
        if node is not None:
            return node
        if key in self.nodes:
            below = "、".join(n.id for n in self.nodes[key].leaves())
            self.grouped.add(
                ("branch", origin.path, key),
                lambda: at(
                    origin,
                    ERROR,
                    "round-item-not-leaf",
                    f"“{key}”是考核领域/指标（{self.nodes[key].title}），不能直接打分；请按其下的考核项打分：{below}。",
                ),
            )
            return None
        hint = did_you_mean(key, self.leaves)
        self.grouped.add(
            ("item", origin.path, key),
            lambda: at(
                origin,
                ERROR,
                "round-unknown-item",
                f"考核细则“{self.rubric.id}”中没有考核项“{key}”。{hint}".rstrip(),
                f"用 kaohe rubric show {self.rubric.id} 查看全部考核项编号。",
            ),
        )
        return None

    def scored_leaves(self) -> list[Node]:
        """Items scored by departments (not by on-site ratings), in rubric order."""
        return [n for n in self.leaves.values() if n.rating is None]

    def rated_leaves(self) -> list[Node]:
        """The items scored by an on-site rating level instead of a department's sheet."""
        return [n for n in self.leaves.values() if n.rating is not None]

    def check_range(self, value: Decimal, node: Node, origin: Origin, county: County, what: str = "得分") -> bool:
        """Whether ``value`` lies in 0…the item's points; if not, an error at ``origin`` says so."""
        if 0 <= value <= node.points:
            return True
        label = f"{county.name} 考核项 {node.id}（{node.title}）的{what} {format_decimal(value)}"
        allowed = f"{what}应在 0 到 {format_decimal(node.points)} 分之间。"
        if value < 0:
            self.diags.append(at(origin, ERROR, "score-range", f"{label} 是负数；{allowed}"))
            return False
        if value > node.points:
            self.diags.append(
                at(origin, ERROR, "score-range", f"{label} 分超过该项分值 {format_decimal(node.points)} 分；{allowed}")
            )
        return False

    def finish(self) -> None:
        """Add the grouped diagnostics (one per kind, with its count) to the round's list."""
        self.grouped.flush(self.diags)
