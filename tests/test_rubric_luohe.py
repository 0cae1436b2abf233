"""The 漯河 2022 rubric (seed 004): 附件1 考核要点 with 附件5 重点考核 as guidance."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builder.diagnostics import ERROR
from builder.rubric import load_rubric

RUBRIC = Path(__file__).resolve().parent.parent / "rubrics" / "luohe-2022.yaml"

LEAF_COUNT = 56  # 8 + 14 + 12 + 6 + 16


@pytest.fixture(scope="module")
def loaded():
    return load_rubric(RUBRIC)


@pytest.fixture(scope="module")
def luohe(loaded):
    rubric, _ = loaded
    assert rubric is not None
    return rubric


def test_no_errors(loaded):
    rubric, diags = loaded
    errors = [d for d in diags if d.severity == ERROR]
    assert not errors, "\n".join(str(d) for d in errors)
    assert rubric is not None


def test_areas_and_base(luohe):
    assert [a.id for a in luohe.areas] == ["A1", "A2", "A3", "A4", "A5"]
    assert [a.points for a in luohe.areas] == [Decimal(28), Decimal(25), Decimal(25), Decimal(9), Decimal(13)]
    assert all(isinstance(a.points, Decimal) for a in luohe.areas)
    assert luohe.base_points == Decimal(100)
    # every area's leaves add up to its declared points, exactly
    for a in luohe.areas:
        assert sum((leaf.points for leaf in a.leaves()), Decimal(0)) == a.points


def test_fractional_points_exact(luohe):
    a5 = {leaf.id: leaf.points for leaf in luohe.node("A5").leaves()}
    assert a5["16.2"] == Decimal("0.2")
    assert a5["16.3"] == Decimal("0.7")
    assert a5["16.4"] == Decimal("0.3")
    assert sum(a5.values(), Decimal(0)) == Decimal(13)


def test_bonus(luohe):
    items = luohe.bonus.items
    assert [b.id for b in items] == ["B1", "B2", "B3"]
    assert all(b.amount == Decimal(1) for b in items)
    assert luohe.bonus.cap is None  # the seed sets no overall bonus cap
    assert all(b.departments for b in items)


def test_deductions(luohe):
    ds = luohe.deductions
    assert len(ds) == 6
    assert [d.id for d in ds] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert [d.cap for d in ds] == [Decimal(2), Decimal(1), Decimal(1), Decimal(1), Decimal(1), Decimal(1)]
    assert all(d.amount == Decimal(1) for d in ds)
    assert ds[1].departments == ("市市场监管局",)


def test_veto(luohe):
    assert len(luohe.vetoes) == 1
    v = luohe.vetoes[0]
    assert v.id == "V1"
    assert v.grade == "D"
    assert v.departments == ("市质强办",)


def test_grades(luohe):
    assert luohe.grade_for(Decimal("89.5")) == "B"
    assert luohe.grade_for(Decimal("90")) == "A"
    assert luohe.grade_for(Decimal("79.9")) == "C"
    assert luohe.grade_for(Decimal("59.5")) == "D"


def test_leaves(luohe):
    leaves = list(luohe.leaves())
    assert len(leaves) == LEAF_COUNT
    assert all(leaf.departments for leaf in leaves), [leaf.id for leaf in leaves if not leaf.departments]
    # 重点考核 on the item, or once on its group (shared by the items below it)
    group = {c.id: n.guidance for _, n in luohe.nodes() for c in n.leaves() if n.guidance and not n.is_leaf}
    assert all(leaf.guidance or group.get(leaf.id) for leaf in leaves), [leaf.id for leaf in leaves if not leaf.guidance]
    assert any("知识产权" in leaf.criterion or "知识产权" in leaf.guidance for leaf in leaves)


def test_evidence_only_first_quality_item(luohe):
    no_evidence = [leaf.id for leaf in luohe.leaves() if not leaf.evidence]
    assert no_evidence == ["1.1"]


def test_shifted_cells_resolved(luohe):
    law = luohe.node("5.9")
    assert law.departments == ("市市场监管局",) and law.offices == ("法规科",)
    risk = luohe.node("6.1")
    assert risk.departments == ("市市场监管局",) and risk.offices == ("监督科",)
    assert luohe.node("4.1").departments == ("市质强办",)
    assert luohe.node("16.4").offices == ("认证认可科",)
