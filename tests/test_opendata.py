"""Open data (builder/opendata.py) in real builds: every published round offers CSV (UTF-8
with BOM), XLSX, JSON and a datapackage.json, linked from the round page; the figures are
those of ``kaohe results --format json``; a grades-only round publishes no score."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from site_support import build, example_project, make_project, results_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("opendata")
    root = example_project(tmp)
    out = tmp / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    return root, out


_results = results_json


def _csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese names right
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize("rid", ["luohe-2022", "huizhou-2017"])
def test_figures_equal_kaohe_results(example, rid):
    root, site = example
    want = _results(root, rid)
    data = site / rid / "data"
    doc = json.loads((data / "results.json").read_text(encoding="utf-8"))
    assert doc["round"] == rid and doc["sample"] is True and "示例数据" in doc["note"]
    assert {c["id"] for c in doc["counties"]} == set(want)
    for c in doc["counties"]:
        w = want[c["id"]]
        for k in ("name", "base", "bonus", "deductions", "total", "grade", "areas"):
            assert c[k] == w[k], (rid, c["id"], k)
        assert (c["veto"] or None) == (w["veto"]["title"] if w["veto"] else None)
        assert ("rank" in c) == (rid == "luohe-2022")  # ranks only where the round publishes them
        if "rank" in c:
            assert c["rank"] == w["rank"]
    for row in _csv(data / "results.csv"):
        w = want[row["id"]]
        assert [row["base"], row["bonus"], row["deductions"], row["total"], row["grade"]] == \
               [w["base"], w["bonus"], w["deductions"], w["total"], w["grade"]]
        assert {k[5:]: v for k, v in row.items() if k.startswith("area:")} == w["areas"]
    ws = load_workbook(data / "results.xlsx")["考核结果"]
    rows = list(ws.iter_rows(values_only=True))
    assert "示例数据" in rows[0][0]
    head = list(rows[1])
    for r in rows[2:]:
        w = want[r[0]]
        assert Decimal(str(r[head.index("总分")])) == Decimal(w["total"])
        assert r[head.index("考核等次")] == w["grade"]


def test_datapackage_describes_the_csv(example):
    _, site = example
    data = site / "luohe-2022" / "data"
    pkg = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package" and pkg["name"] == "luohe-2022"
    res = {r["name"]: r for r in pkg["resources"]}
    assert all((data / r["path"]).is_file() for r in pkg["resources"])
    table = res["results"]
    assert table["encoding"] == "utf-8-sig" and table["format"] == "csv"
    names = [f["name"] for f in table["schema"]["fields"]]
    header = (data / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert names == header
    titles = {f["name"]: f["title"] for f in table["schema"]["fields"]}
    assert titles["total"] == "总分" and titles["grade"] == "考核等次" and titles["rank"] == "排名"
    assert {f["type"] for f in table["schema"]["fields"]} <= {"string", "number", "integer"}


def test_round_page_links_the_files(example):
    _, site = example
    page = (site / "luohe-2022" / "index.html").read_text(encoding="utf-8")
    for name in ("results.csv", "results.xlsx", "results.json", "datapackage.json"):
        assert f'href="data/{name}"' in page
    assert not (site / "changzhou-2024").exists()  # a draft offers nothing


def test_grades_only_round_publishes_no_score(tmp_path):
    root = make_project(tmp_path)
    out = tmp_path / "site"
    p = build(root, out)
    assert p.returncode == 0, p.stderr
    data = out / "tiny-grades" / "data"
    rows = _csv(data / "results.csv")
    assert rows and set(rows[0]) == {"id", "name", "grade"}
    doc = json.loads((data / "results.json").read_text(encoding="utf-8"))
    assert all(set(c) == {"id", "name", "grade"} for c in doc["counties"])
    # the round's own order, not the ranking
    assert [c["id"] for c in doc["counties"]] == ["east", "west", "south"]
    ws = load_workbook(data / "results.xlsx")["考核结果"]
    assert list(next(ws.iter_rows(min_row=2, max_row=2, values_only=True))) == ["县区编号", "县（区）", "考核等次"]
    pkg = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in pkg["resources"][0]["schema"]["fields"]] == ["id", "name", "grade"]
