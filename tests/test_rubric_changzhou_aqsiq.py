"""Rubric data: 常州 (seed 003) and the national guide aqsiq-2009 (seed 002)."""

from decimal import Decimal
from pathlib import Path

import pytest

from builder.rubric import load_rubric

RUBRICS = Path(__file__).resolve().parent.parent / "rubrics"
METHODS = {"查阅文件", "听取汇报", "查看现场", "调查了解"}


def _load(rid):
    rubric, diags = load_rubric(RUBRICS / f"{rid}.yaml")
    errors = [d for d in diags if d.is_error]
    assert not errors, "\n".join(str(d) for d in errors)
    assert rubric is not None
    return rubric


@pytest.fixture(scope="module")
def changzhou():
    return _load("changzhou")


@pytest.fixture(scope="module")
def aqsiq():
    return _load("aqsiq-2009")


# ---------------------------------------------------------------- 常州

def test_changzhou_areas_and_base(changzhou):
    assert changzhou.id == "changzhou"
    assert [a.id for a in changzhou.areas] == ["A1", "A2", "A3", "A4"]
    assert [a.title for a in changzhou.areas] == ["质量宏观管理", "质量安全监管", "质量基础建设", "质量结果"]
    assert [a.points for a in changzhou.areas] == [Decimal(19), Decimal(30), Decimal(12), Decimal(39)]
    assert changzhou.base_points == Decimal(100)
    assert sum((leaf.points for leaf in changzhou.leaves()), Decimal(0)) == Decimal(100)


def test_changzhou_leaves(changzhou):
    leaves = list(changzhou.leaves())
    assert [leaf.id for leaf in leaves] == [str(i) for i in range(1, 28)]
    assert all(leaf.criterion and leaf.section for leaf in leaves)
    assert all(not leaf.departments for leaf in leaves)  # the seed names no departments
    # 二级指标 declare no subtotal in the seed
    assert all(n.declared_points is None for a in changzhou.areas for n in a.children)
    assert changzhou.node("26").points == Decimal(10)
    assert changzhou.node("26").criterion.splitlines()[-1] == "（8）出口质量安全示范企业。"
    assert changzhou.node("20").points == Decimal(7)


def test_changzhou_bonus(changzhou):
    bonus = changzhou.bonus
    assert bonus.cap == Decimal(5)
    assert [g.id for g in bonus.groups] == ["BG1", "BG2", "BG3"]
    assert all(g.cap is None for g in bonus.groups)
    amounts = {i.title: i.amount for i in bonus.items}
    assert amounts == {
        "质量工作创新在全市推广": Decimal("0.5"),
        "质量工作创新在全省推广": Decimal(1),
        "质量工作创新在全国推广": Decimal(2),
        "获得江苏省质量管理优秀奖": Decimal("0.5"),
        "获得江苏省质量奖": Decimal(1),
        "获得中国质量奖提名奖": Decimal(2),
        "获得中国质量奖": Decimal(3),
        "获得全国质量标杆企业": Decimal("0.5"),
        "获得全国质量奖": Decimal(1),
    }
    assert [[i.amount for i in g.items] for g in bonus.groups] == [
        [Decimal("0.5"), Decimal(1), Decimal(2)],
        [Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3)],
        [Decimal("0.5"), Decimal(1)],
    ]
    assert bonus.find("B2.4").amount == Decimal(3)


def test_changzhou_grades(changzhou):
    assert [(b.grade, b.min) for b in changzhou.grades] == [
        ("A", Decimal(90)), ("B", Decimal(80)), ("C", Decimal(60)), ("D", Decimal(0)),
    ]
    assert changzhou.grade_for(Decimal("89.5")) == "B"
    assert changzhou.grade_for(Decimal("90")) == "A"
    assert changzhou.grade_for(Decimal("79.9")) == "C"
    assert changzhou.grade_for(Decimal("59.5")) == "D"
    assert changzhou.grade_for(Decimal("105")) == "A"
    assert "89.5" in changzhou.grade_rule


def test_changzhou_veto_and_no_deductions(changzhou):
    assert len(changzhou.vetoes) == 1
    veto = changzhou.vetoes[0]
    assert veto.id == "V1" and veto.grade == "D"
    assert "区域性、系统性" in veto.title
    assert changzhou.deductions == ()


# ---------------------------------------------------------------- 质量兴市绩效评价指南（试行）

def test_aqsiq_areas_and_base(aqsiq):
    assert aqsiq.id == "aqsiq-2009"
    assert [a.id for a in aqsiq.areas] == ["1", "2", "3", "4"]
    assert [a.title for a in aqsiq.areas] == ["领导重视", "组织落实", "措施到位", "成效显著"]
    assert [a.points for a in aqsiq.areas] == [Decimal(140), Decimal(90), Decimal(465), Decimal(305)]
    assert all(a.declared_points is not None for a in aqsiq.areas)
    assert aqsiq.base_points == Decimal(1000)


def test_aqsiq_leaves(aqsiq):
    leaves = list(aqsiq.leaves())
    assert len(leaves) == 98
    assert sum((leaf.points for leaf in leaves), Decimal(0)) == Decimal(1000)
    for area in aqsiq.areas:
        for ind in area.children:
            assert ind.id.startswith(area.id + ".")
            for leaf in ind.children:
                assert leaf.is_leaf and leaf.id.startswith(ind.id + ".")
    assert aqsiq.node("3.11.1").points == Decimal(45)
    assert aqsiq.node("4.7.1").points == Decimal(40)
    assert aqsiq.node("3.6").points == Decimal(95)


def test_aqsiq_methods_and_criteria(aqsiq):
    for leaf in aqsiq.leaves():
        assert leaf.methods, leaf.id
        assert set(leaf.methods) <= METHODS, (leaf.id, leaf.methods)
        assert set(leaf.methods) & METHODS, leaf.id
        assert leaf.criterion, leaf.id
    assert aqsiq.node("1.1.1").criterion == "看文件是否明确"
    assert aqsiq.node("3.2.1").methods == ("听取汇报", "查看现场")


def test_aqsiq_no_grades_or_extras(aqsiq):
    assert aqsiq.grades == ()
    assert aqsiq.grade_for(Decimal(1000)) is None
    assert aqsiq.grade_for(Decimal(0)) is None
    assert aqsiq.bonus.cap is None and aqsiq.bonus.items == ()
    assert aqsiq.deductions == () and aqsiq.vetoes == ()
