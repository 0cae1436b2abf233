"""The 惠州 2017 rubrics (seed 001): 附件1 评分细则 and 附件2 实地核查要点及评分要求."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builder.rubric import load_rubric

RUBRICS = Path(__file__).resolve().parent.parent / "rubrics"


def _load(name: str):
    rubric, diags = load_rubric(RUBRICS / f"{name}.yaml")
    errors = [d for d in diags if d.is_error]
    assert not errors, "\n".join(str(d) for d in errors)
    assert rubric is not None
    return rubric


@pytest.fixture(scope="module")
def huizhou():
    return _load("huizhou-2017")


@pytest.fixture(scope="module")
def onsite():
    return _load("huizhou-2017-onsite")


def test_areas_and_base(huizhou):
    assert huizhou.base_points == Decimal(100)
    assert [a.id for a in huizhou.areas] == ["A1", "A2"]
    assert [a.points for a in huizhou.areas] == [Decimal(56), Decimal(44)]


def test_leaves_are_the_43_numbered_items_in_order(huizhou):
    leaves = list(huizhou.leaves())
    assert len(leaves) == 43
    assert [l.id for l in leaves] == [str(i) for i in range(1, 44)]
    assert sum((l.points for l in leaves), Decimal(0)) == Decimal(100)


@pytest.mark.parametrize(
    "title, points",
    [
        ("产品质量", 12), ("工程质量", 12), ("服务质量", 12), ("环境质量", 12), ("质量效果", 8),
        ("质量发展", 15), ("质量安全", 29),
        ("质量工作机制", 3), ("质量提升", 6), ("质量品牌建设", 4), ("质量文化建设", 2),
        ("产品质量监管", 6), ("工程质量监管", 6), ("服务质量监管", 6), ("环境质量监管", 6),
        ("质量安全风险管理", 3), ("质量诚信建设", 2),
    ],
)
def test_indicator_subtotals(huizhou, title, points):
    nodes = [n for _, n in huizhou.nodes() if n.title == title and not n.is_leaf]
    assert len(nodes) == 1
    node = nodes[0]
    assert node.declared_points == Decimal(points)
    assert sum((c.points for c in node.children), Decimal(0)) == Decimal(points)


def test_evidence_waived_exactly_for_items_1_to_7_and_9_to_11(huizhou):
    waived = [l.id for l in huizhou.leaves() if not l.evidence]
    assert waived == ["1", "2", "3", "4", "5", "6", "7", "9", "10", "11"]


def test_item_11_has_both_departments(huizhou):
    item = huizhou.node("11")
    assert item.points == Decimal(6)
    assert item.departments == ("环保部门", "住房和城乡规划建设部门")
    assert "黑臭水体" in item.criterion
    assert item.note


@pytest.mark.parametrize("item_id, departments", [
    ("22", ("经济和信息化局", "质监部门")),
    ("37", ("环保部门",)),
    ("38", ("环保部门",)),
])
def test_empty_department_cells_continue_the_row_above(huizhou, item_id, departments):
    item = huizhou.node(item_id)
    assert item.departments == departments
    assert item.note


def test_every_leaf_has_criterion_and_departments(huizhou):
    for leaf in huizhou.leaves():
        assert leaf.criterion, leaf.id
        assert leaf.departments, leaf.id


def test_deduction_and_veto(huizhou):
    assert len(huizhou.deductions) == 1
    ded = huizhou.deductions[0]
    assert ded.id == "D1"
    assert ded.amount == Decimal(10)
    assert ded.cap is None
    assert len(huizhou.vetoes) == 1
    veto = huizhou.vetoes[0]
    assert veto.id == "V1"
    assert veto.grade == "D"


@pytest.mark.parametrize("total, grade", [
    ("100", "A"), ("90", "A"), ("89.5", "B"), ("80", "B"), ("79.9", "C"), ("60", "C"), ("59.5", "D"), ("0", "D"),
])
def test_grades_use_inclusive_lower_bounds(huizhou, total, grade):
    assert huizhou.grade_for(Decimal(total)) == grade


def test_onsite_check_grades_nothing_of_its_own(onsite):
    """实地核查 is one part of the 2017 assessment: no second grade (issue 12)."""
    assert onsite.grades == ()
    assert onsite.grade_for(Decimal(100)) is None


def test_onsite_areas_and_leaves(onsite):
    assert onsite.base_points == Decimal(100)
    assert [a.points for a in onsite.areas] == [Decimal(70), Decimal(30)]
    leaves = list(onsite.leaves())
    assert len(leaves) == 13
    assert [l.id for l in leaves] == [f"R{i}" for i in range(1, 8)] + [f"F{i}" for i in range(1, 7)]
    assert [l.points for l in leaves] == [Decimal(10)] * 7 + [Decimal(5)] * 6
    assert all(l.rating == "five-level" for l in leaves)


def test_onsite_five_level_scale(onsite):
    scale = onsite.rating_scales["five-level"]
    assert [(lv.label, lv.value) for lv in scale.levels] == [
        ("好", Decimal(5)), ("较好", Decimal(4)), ("一般", Decimal(3)), ("差", Decimal(2)), ("非常差", Decimal(1)),
    ]
    assert scale.score("较好", Decimal(10)) == Decimal(8)
    assert scale.score("好", Decimal(10)) == Decimal(10)
    assert scale.score("非常差", Decimal(5)) == Decimal(1)
    assert scale.score("不存在", Decimal(5)) is None
