"""DESIGN §3 scoring semantics, exactly: caps, veto, bands, ties, exact decimals."""

from __future__ import annotations

from decimal import Decimal

from builder.rounds import compute
from builder.rounds.model import DeductionEvent, RatingEntry
from builder.rounds.ranking import competition_ranks
from test_rounds_support import O, make_round, rubric, with_total

D = Decimal


def result(rnd, cid):
    return compute(rnd).county(cid)


def test_full_marks_is_base_points():
    r = rubric()
    c = result(make_round({"east": with_total(r, "100")}), "east")
    assert c.base == D(100) and c.total == D(100) and c.grade == "A" and c.rank == 1
    assert {a.area.id: a.score for a in c.areas} == {"A1": D(60), "A2": D(40)}


def test_small_items_add_up_exactly():
    from builder.formats import format_decimal as fmt

    # In floats 0.1 + 0.2 is 0.30000000000000004; in Decimal it is 0.3.
    assert 0.1 + 0.2 != 0.3
    c = result(make_round({"east": {"1": "40", "2": "20", "3": "0", "4": "0.1", "5": "0.2", "6": "0"}}), "east")
    assert c.area("A2").score == D("0.3") and fmt(c.area("A2").score) == "0.3"
    rnd = make_round({"east": {"1": "30.3", "2": "20", "3": "38.7", "4": "0.1", "5": "0.2", "6": "0.7"}})
    c = result(rnd, "east")
    assert c.area("A2").score == D("39.7")
    assert c.base == D(90) and fmt(c.total) == "90"
    assert c.grade == "A"  # never 89.9999 → B


def test_boundaries_are_inclusive_lower_bounds():
    r = rubric()
    assert result(make_round({"east": with_total(r, "89.5")}), "east").grade == "B"
    assert result(make_round({"east": with_total(r, "90")}), "east").grade == "A"
    assert result(make_round({"east": with_total(r, "79.9")}), "east").grade == "C"
    assert result(make_round({"east": with_total(r, "60")}), "east").grade == "C"
    assert result(make_round({"east": with_total(r, "59.5")}), "east").grade == "D"


def test_bonus_group_cap_and_overall_cap():
    r = rubric()
    # B1 1.5 × 2 = 3, capped by its group (G1, cap 2) to 2.
    c = result(make_round({"east": with_total(r, "80")}, awards=[("east", "B1", 2)]), "east")
    assert c.bonus == D(2)
    (line,) = c.bonus_lines
    assert line.raw == D(3) and line.amount == D(2) and line.capped
    # Group 2 (B1 + B2 share cap 2) + B3 1 × 2 = 2 → 4, capped overall at 3.
    c = result(make_round({"east": with_total(r, "80")},
                          awards=[("east", "B1", 1), ("east", "B2", 1), ("east", "B3", 2)]), "east")
    assert c.bonus == D(3)
    amounts = {ln.id: ln.amount for ln in c.bonus_lines}
    assert sum(amounts.values()) == D(3)
    assert amounts["B1"] + amounts["B2"] <= D(2)  # the group cap holds whatever the order
    assert all(ln.amount <= ln.raw for ln in c.bonus_lines)
    assert c.total == D(83)


def test_bonus_within_cap_is_counted_in_full():
    r = rubric()
    c = result(make_round({"east": with_total(r, "85")}, awards=[("east", "B3", 1)]), "east")
    assert c.bonus == D(1) and c.total == D(86) and not c.bonus_lines[0].capped


def test_capped_deduction():
    r = rubric()
    c = result(make_round({"east": with_total(r, "90")}, deductions=[("east", "D1", 3)]), "east")
    (line,) = c.deduction_lines
    assert (line.count, line.raw, line.amount, line.cap) == (3, D(3), D(2), D(2))
    assert c.deductions == D(2) and c.total == D(88) and c.grade == "B"


def test_uncapped_deduction():
    r = rubric()
    c = result(make_round({"east": with_total(r, "95")}, deductions=[("east", "D2", 2)]), "east")
    (line,) = c.deduction_lines
    assert line.cap is None and line.amount == D(20) and not line.capped
    assert c.total == D(75) and c.grade == "C"


def test_events_for_the_same_item_add_up():
    r = rubric()
    c = result(make_round({"east": with_total(r, "95")}, deductions=[("east", "D2", 1), ("east", "D2", 1)]), "east")
    assert c.deductions == D(20) and c.deduction_lines[0].count == 2 and len(c.deduction_lines[0].origins) == 2


def test_total_not_below_zero():
    c = result(make_round({"east": {"1": 5}}, deductions=[("east", "D2", 3)]), "east")
    assert c.base == D(5) and c.deductions == D(30) and c.total == D(0) and c.grade == "D"


def test_veto_on_a_95_point_county_is_d_with_its_reason():
    r = rubric()
    rnd = make_round({"east": with_total(r, "95"), "west": with_total(r, "80")},
                     vetoes=[("east", "V1", "辖区发生区域性食品安全事件")])
    res = compute(rnd)
    east = res.county("east")
    assert east.total == D(95)  # the total is still shown
    assert east.grade == "D" and east.band_grade == "A"
    assert east.veto.description == "辖区发生区域性食品安全事件"
    assert east.veto_title == "发生区域性、系统性质量安全事件"
    assert res.county("west").grade == "B"
    assert res.by_grade()["D"] == [east]


def test_ties_share_a_rank():
    r = rubric()
    rnd = make_round({"east": with_total(r, "85"), "west": with_total(r, "90"),
                      "south": with_total(r, "80"), "north": with_total(r, "85")})
    res = compute(rnd)
    assert [(c.county.id, c.rank) for c in res.counties] == [("west", 1), ("east", 2), ("north", 2), ("south", 4)]


def test_competition_ranks_pure():
    got = competition_ranks([("a", D(1)), ("b", D(3)), ("c", D(3)), ("d", D(3)), ("e", D(0))])
    assert got == [("b", 1), ("c", 1), ("d", 1), ("a", 4), ("e", 5)]
    assert competition_ranks([]) == []


def test_self_score_delta():
    r = rubric()
    scores = with_total(r, "90")
    rnd = make_round({"east": scores}, self_scores={"east": {**{k: v for k, v in scores.items()}, "1": 40}})
    c = result(rnd, "east")
    item1 = c.area("A1").items[0]
    assert item1.self_score == D(40) and item1.delta == scores["1"] - D(40)
    assert c.self_base == c.base + D(40) - scores["1"]


def test_ratings_are_scaled_to_the_item_points():
    r = rubric("tiny-onsite")
    scale = r.rating_scales["five-level"]
    ratings = {("east", "R1"): RatingEntry("east", "R1", "较好", scale.score("较好", D(10)), "", O),
               ("east", "R2"): RatingEntry("east", "R2", "一般", scale.score("一般", D(5)), "", O)}
    c = result(make_round({"east": {"R3": 4.5}}, rid="tiny-onsite", ratings=ratings), "east")
    assert [i.score for i in c.area("R").items] == [D(8), D(3), D("4.5")]
    assert c.base == D("15.5") and c.area("R").items[0].level == "较好"


def test_compute_is_deterministic_and_pure():
    r = rubric()
    rnd = make_round({"east": with_total(r, "85"), "west": with_total(r, "90")}, awards=[("east", "B3", 1)])
    assert compute(rnd) == compute(rnd)


# -- rules made explicit in the data (issue 14 item 5) -----------------------------------------


def test_a_bonus_item_without_per_award_counts_once():
    # 漯河 附件1 “（加1分）”: one achievement, one point, however often it is entered.
    # Entered twice it used to give +2 and turn 89.5 (B) into 90.5 (A).
    r = rubric()
    c = result(make_round({"east": with_total(r, "89.5")}, awards=[("east", "B4", 2)]), "east")
    (line,) = c.bonus_lines
    assert (line.count, line.raw, line.amount) == (2, D(1), D(1))
    assert c.bonus == D(1) and c.total == D("90.5") and c.grade == "A"
    c = result(make_round({"east": with_total(r, "88.5")}, awards=[("east", "B4", 1), ("east", "B4", 1)]), "east")
    assert c.bonus == D(1) and c.total == D("89.5") and c.grade == "B"


def test_a_per_award_bonus_item_adds_up():
    # 常州 第六条 “每项加0.5分”: two awards, twice the amount.
    r = rubric()
    c = result(make_round({"east": with_total(r, "80")}, awards=[("east", "B3", 2)]), "east")
    assert c.bonus == D(2) and c.bonus_lines[0].raw == D(2)


def test_a_discretionary_deduction_takes_the_event_amount():
    from dataclasses import replace

    r = rubric()
    rnd = make_round({"east": with_total(r, "90")})
    events = (DeductionEvent("east", "D3", 1, "证明", O, amount=D("0.5")),
              DeductionEvent("east", "D3", 2, "证明", O, amount=D("0.7")),
              DeductionEvent("east", "D3", 1, "证明", O))  # no amount: the rule's maximum, 1
    c = result(replace(rnd, deduction_events=events[:2]), "east")
    assert c.deductions == D("1.9") and c.total == D("88.1") and c.grade == "B"
    c = result(replace(rnd, deduction_events=events), "east")
    (line,) = c.deduction_lines
    assert (line.raw, line.amount, line.capped) == (D("2.9"), D(2), True)


def test_veto_rank_last_is_the_default():
    r = rubric()
    rnd = make_round({"east": with_total(r, "95"), "west": with_total(r, "80"), "south": with_total(r, "90"),
                      "north": with_total(r, "80")}, vetoes=[("east", "V1", "辖区发生区域性食品安全事件")])
    assert rnd.veto_rank == "last"
    res = compute(rnd)
    assert [(c.county.id, c.rank) for c in res.counties] == [("south", 1), ("west", 2), ("north", 2), ("east", None)]


def test_veto_rank_by_total_and_none():
    from dataclasses import replace

    r = rubric()
    rnd = make_round({"east": with_total(r, "95"), "west": with_total(r, "80"), "south": with_total(r, "90")},
                     vetoes=[("east", "V1", "辖区发生区域性食品安全事件")])
    res = compute(replace(rnd, veto_rank="by_total"))
    assert [(c.county.id, c.rank) for c in res.counties] == [("east", 1), ("south", 2), ("west", 3)]
    res = compute(replace(rnd, veto_rank="none"))
    assert [(c.county.id, c.rank) for c in res.counties] == [("east", None), ("south", 1), ("west", 2)]
