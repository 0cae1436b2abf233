"""History on the county page (issue 12 item 8), over a real build of the example content:
漯河 2021 (fictional sample, its own rubric version) and 2022. Totals and grades are compared
across years, items only where their ids match; a streak is stated in words; the SVG trend
has a table equivalent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_support import build, example_project, results_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("history")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return root, out


def _totals(root: Path, rid: str) -> dict:
    return {cid: (c["total"], c["grade"], c["rank"]) for cid, c in results_json(root, rid).items()}


def _history(page: str) -> str:
    return page[page.index('id="history-h"'):page.index('id="feedback-h"')]


def test_county_page_lists_every_year_with_the_figures_of_kaohe_results(example):
    root, site = example
    t21, t22 = _totals(root, "luohe-2021"), _totals(root, "luohe-2022")
    for cid in t22:
        part = _history((site / "luohe-2022" / cid / "index.html").read_text(encoding="utf-8"))
        part = part[:part.index("</table>")]  # the history table, not the item comparison
        rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"num\"[^>]*>([^<]*)</td>", part, re.S)
        assert [re.sub(r"<[^>]+>", "", y) for y, _ in rows] == ["2021年度", "2022年度（本页）"]
        assert [v for _, v in rows] == [t21[cid][0], t22[cid][0]]
        assert f'href="../../luohe-2021/{cid}/index.html"' in part
        assert f"第{t22[cid][2]}名/8" in part and f"第{t21[cid][2]}名/8" in part


def test_streak_in_words(example):
    root, site = example
    t21, t22 = _totals(root, "luohe-2021"), _totals(root, "luohe-2022")
    for cid in t22:
        part = _history((site / "luohe-2022" / cid / "index.html").read_text(encoding="utf-8"))
        if t21[cid][1] == t22[cid][1]:
            assert f"连续2年{t22[cid][1]}级" in part, cid
        else:
            assert "连续" not in part, cid
    assert "连续2年A级" in _history((site / "luohe-2022" / "linying" / "index.html").read_text(encoding="utf-8"))
    # the earlier year has no streak to tell yet
    assert "连续" not in _history((site / "luohe-2021" / "linying" / "index.html").read_text(encoding="utf-8"))


def test_trend_chart_and_its_table(example):
    _, site = example
    part = _history((site / "luohe-2022" / "linying" / "index.html").read_text(encoding="utf-8"))
    svg = part[part.index("<svg"):part.index("</svg>")]
    assert svg.count("<circle") == 2 and 'aria-hidden="true"' in svg
    assert ">2021<" in svg and ">2022<" in svg
    assert "<table" in part  # the table equivalent (visible, below the chart)


def test_items_are_compared_only_where_ids_match(example):
    _, site = example
    part = _history((site / "luohe-2022" / "wuyang" / "index.html").read_text(encoding="utf-8"))
    m = re.search(r"与2021年度相比：(\d+)个编号相同的考核项中(\d+)项得分有变化（另有2项", part)
    assert m and int(m.group(1)) == 54
    assert '<span class="item-id">15.2</span>' not in part and '<span class="item-id">16.5</span>' not in part


def test_single_year_counties_have_no_history(example):
    _, site = example
    page = (site / "huizhou-2017" / "boluo" / "index.html").read_text(encoding="utf-8")
    assert 'id="history-h"' not in page


def test_fictional_rubric_version_says_sample(example):
    _, site = example
    page = (site / "rubrics" / "luohe-2021" / "index.html").read_text(encoding="utf-8")
    assert "示例数据" in page
