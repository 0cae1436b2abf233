"""Open data: a published round's results as files to download (CSV, XLSX, JSON) with a
Frictionless Data Package (``datapackage.json``) describing the fields.

:func:`round_files` returns ``{file name: bytes}`` for one computed round; the site writes
them to ``site/<round>/data/`` and links them from the round page. Only what the round
publishes goes in (``publish:``): ``grades`` gives county and grade only — no score, no
veto detail, no rank, in the round's own order, so that the order reveals nothing either;
``scores`` adds the area scores, base, bonus, deductions, total and the veto; ``ranks``
adds the rank and lists the counties in rank order. Every figure is the one
``kaohe results --format json`` gives (:func:`builder.rounds.export.county_json`): exact
decimal strings in the JSON, the same digits in the CSV and as numbers in the XLSX.

The CSV is UTF-8 with a byte order mark, so that Excel opens the Chinese names correctly.
Same input, same bytes: the XLSX zip gets fixed times (:func:`builder.rounds.forms.reproducible_xlsx`).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from decimal import Decimal

from .rounds.export import county_json
from .rounds.model import RoundResults

FILES = ("results.csv", "results.xlsx", "results.json", "datapackage.json")
SAMPLE_NOTE = "示例数据：本数据为虚构，仅用于演示，不代表任何地方的真实考核结果。"


def fields(results: RoundResults) -> list[dict]:
    """The columns of the round's table, as Frictionless field descriptors (name, title, type)."""
    r = results.round
    out = [
        {"name": "id", "title": "县区编号", "type": "string"},
        {"name": "name", "title": "县（区）", "type": "string"},
    ]
    if r.publish in ("scores", "ranks"):
        for a in r.rubric.areas:
            out.append({"name": f"area:{a.id}", "title": f"{a.title}（满分{_num(a.points)}分）", "type": "number"})
        out += [
            {"name": "base", "title": "基本分", "type": "number"},
            {"name": "bonus", "title": "加分", "type": "number"},
            {"name": "deductions", "title": "扣分", "type": "number"},
            {"name": "total", "title": "总分", "type": "number"},
        ]
    if r.rubric.grades:
        out.append({"name": "grade", "title": "考核等次", "type": "string"})
    if r.publish in ("scores", "ranks"):
        out.append({"name": "veto", "title": "一票否决", "type": "string"})
    if r.publish == "ranks":
        out.append({"name": "rank", "title": "排名", "type": "integer"})
    return out


def records(results: RoundResults) -> list[dict]:
    """One dict per county with the published fields only, in the public order."""
    r = results.round
    counties = list(results.counties)
    if r.publish != "ranks":  # the round's own order: a grades/scores round reveals no ranking
        pos = {c.id: i for i, c in enumerate(r.counties)}
        counties.sort(key=lambda c: pos.get(c.county.id, len(pos)))
    names = [f["name"] for f in fields(results)]
    out = []
    for c in counties:
        j = county_json(c)
        row = {"id": j["id"], "name": j["name"]}
        for aid, score in j["areas"].items():
            row[f"area:{aid}"] = score
        row.update({k: j[k] for k in ("base", "bonus", "deductions", "total", "grade", "rank")})
        row["veto"] = j["veto"]["title"] if j["veto"] else ""
        out.append({k: row[k] for k in names})
    return out


def results_document(results: RoundResults) -> dict:
    r = results.round
    doc = {"round": r.id, "title": r.title, "year": r.year, "publish": r.publish, "sample": r.sample}
    if r.sample:
        doc["note"] = SAMPLE_NOTE
    doc["counties"] = [_json_row(row) for row in records(results)]
    return doc


def _json_row(row: dict) -> dict:
    """The JSON shape of ``kaohe results``: areas as a map, a veto as null when there is none."""
    out = {}
    areas = {}
    for k, v in row.items():
        if k.startswith("area:"):
            areas[k[5:]] = v
        elif k == "veto":
            out["veto"] = v or None
        else:
            out[k] = v
    if areas:
        out["areas"] = areas
    return out


def csv_bytes(results: RoundResults) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    names = [f["name"] for f in fields(results)]
    w.writerow(names)
    for row in records(results):
        w.writerow(["" if row[k] is None else row[k] for k in names])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(results: RoundResults) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .rounds.forms import reproducible_xlsx

    r = results.round
    fs = fields(results)
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    ws.append([r.title + ("（" + SAMPLE_NOTE.rstrip("。") + "）" if r.sample else "")])
    ws.append([f["title"] for f in fs])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in records(results):
        values = []
        for f in fs:
            v = row[f["name"]]
            if f["type"] == "number" and v not in (None, ""):
                v = Decimal(v)  # written as a number, the same digits
                v = int(v) if v == v.to_integral_value() else float(v)
            values.append(v)
        ws.append(values)
    ws.freeze_panes = "C3"
    for i, f in enumerate(fs):
        ws.column_dimensions[ws.cell(row=2, column=i + 1).column_letter].width = max(10, len(f["title"]) * 2 + 2)
    info = wb.create_sheet("字段说明")
    info.append(["字段", "名称", "类型"])
    for f in fs:
        info.append([f["name"], f["title"], f["type"]])
    wb.properties.creator = r.organiser or "kaohe"
    wb.properties.title = f"{r.title} 考核结果"
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_xlsx(buf.getvalue(), _stamp(r))


def datapackage(results: RoundResults) -> dict:
    r = results.round
    desc = {
        "grades": "只公布考核等次。",
        "scores": "公布各考核领域得分、基本分、加分、扣分、总分和考核等次。",
        "ranks": "公布各考核领域得分、基本分、加分、扣分、总分、考核等次和排名。",
    }[r.publish]
    if r.sample:
        desc = SAMPLE_NOTE + desc
    return {
        "profile": "tabular-data-package",
        "name": r.id,
        "title": r.title + ("（示例数据）" if r.sample else ""),
        "description": desc + "分数为精确的十进制数。",
        "created": _stamp(r).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contributors": [{"title": r.organiser, "role": "publisher"}] if r.organiser else [],
        "resources": [
            {
                "name": "results",
                "path": "results.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "title": f"{r.title}考核结果",
                "schema": {"fields": fields(results), "primaryKey": ["id"]},
            },
            {
                "name": "results-xlsx",
                "path": "results.xlsx",
                "format": "xlsx",
                "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "title": "同一张表（Excel），第1行为标题，第2行为表头",
            },
            {
                "name": "results-json",
                "path": "results.json",
                "format": "json",
                "mediatype": "application/json",
                "title": "同一张表（JSON），与 kaohe results --format json 的数字相同",
            },
        ],
    }


def round_files(results: RoundResults) -> dict[str, bytes]:
    """``{file name: bytes}`` of the round's open data (see the module doc)."""

    def js(obj) -> bytes:
        return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    return {
        "results.csv": csv_bytes(results),
        "results.xlsx": xlsx_bytes(results),
        "results.json": js(results_document(results)),
        "datapackage.json": js(datapackage(results)),
    }


def _stamp(r) -> _dt.datetime:
    day = r.published_date or (r.notification.date if r.notification else None) or _dt.date(max(r.year, 1), 12, 31)
    return _dt.datetime(day.year, day.month, day.day)


def _num(d: Decimal) -> str:
    from .rubric import fmt

    return fmt(d)
