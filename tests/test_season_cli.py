"""The office's whole season on the example round, from the command line (real processes, real
XLSX files, a real PDF and a real MkDocs build), in a temporary copy of the project:

forms out → partial returns and ``status`` → approved, feedback with review ids → reply forms,
two appeals (one upheld, one rejected) → the before/after → published with the 复核说明 →
``history`` and ``diff``; audit records and reply forms never reach the site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
R = "luohe-2022"


def kaohe(root: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAOHE_NO_CACHE": "1", "KAOHE_AUDIT_TIME": "2023-05-10T08:00:00+00:00"}
    p = subprocess.run([sys.executable, "-m", "builder", *args], cwd=root, env=env, capture_output=True,
                       text=True, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    if ok:
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("rubrics", "content", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def fill(form: Path, out: Path, rid: str, claim, reason: str, evidence: str) -> None:
    wb = load_workbook(form)
    ws = wb.active
    hit = False
    for row in ws.iter_rows(min_row=6):
        if row[0].value == rid:
            row[6].value, row[7].value, row[8].value, row[9].value = "有异议", claim, reason, evidence
            hit = True
        elif row[0].value:
            row[6].value = "接受"
    assert hit, rid
    wb.save(out)


@pytest.mark.slow
def test_the_whole_season(project):
    rdir = project / "content" / R
    yaml_path = rdir / "round.yaml"

    # 0. a new season: the example round goes back to draft (first audit record), with a deadline
    kaohe(project, "status-set", R, "draft", "--by", "王科长", "--why", "启动2022年度考核")
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "deadline: 2023-04-30\nreview_notice: true\n",
                         encoding="utf-8")

    # 1. forms out
    kaohe(project, "forms", R, "--out", "forms")
    assert (project / "forms" / "市住建局.xlsx").is_file()

    # 2. partial returns: 市住建局 has not sent its sheet, 市质强办 left one score empty
    kept = project / "kept"
    kept.mkdir()
    shutil.move(rdir / "scores" / "zhujian.xlsx", kept / "zhujian.xlsx")
    zq = rdir / "scores" / "zhiqiangban.yaml"
    original = zq.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    first = next(i for i, ln in enumerate(lines) if ln.strip().startswith('"1.1"'))
    zq.write_text("".join(lines[:first] + lines[first + 1:]), encoding="utf-8")
    st = json.loads(kaohe(project, "status", R, "--format", "json", "--today", "2023-04-27").stdout)
    assert st["days_left"] == 3
    by = {d["department"]: d for d in st["departments"]}
    assert by["市住建局"]["state"] == "missing" and len(by["市住建局"]["missing"]) == 24
    assert by["市质强办"]["state"] == "partial" and by["市质强办"]["missing"] == [
        {"county": "wuyang", "county_name": "舞阳县", "item": "1.1"}]
    text = kaohe(project, "status", R, "--today", "2023-04-27", "--xlsx", "late.xlsx").stdout
    assert "还剩 3 天" in text and "未报送" in text and "舞阳县 1.1" in text
    assert load_workbook(project / "late.xlsx").sheetnames == ["催报汇总", "市质强办", "市住建局"]
    assert kaohe(project, "approve", R, "--by", "李主任", "--why", "审定", ok=False).returncode == 1  # incomplete
    # the rest comes in
    shutil.move(kept / "zhujian.xlsx", rdir / "scores" / "zhujian.xlsx")
    zq.write_text(original, encoding="utf-8")
    st = json.loads(kaohe(project, "status", R, "--format", "json").stdout)
    assert all(d["state"] == "complete" for d in st["departments"])

    # 3. approved, with feedback letters that number every disputable figure
    kaohe(project, "approve", R, "--by", "李主任", "--why", "领导小组会议审定")
    kaohe(project, "pdf", R, "--county", "xicheng", "--jobs", "1", "--out", "pdf", "-q")
    from pypdf import PdfReader

    letter = "".join(p.extract_text() for p in PdfReader(project / "pdf" / R / "xicheng" / "feedback.pdf").pages)
    assert "复核编号 xicheng-1.2" in letter.replace("\n", "") and "xicheng-D1" in letter

    # 4. two appeals: one upheld, one rejected
    kaohe(project, "appeals", R, "--forms", "--out", "replies")
    assert load_workbook(project / "replies" / "wuyang.xlsx").active["A1"].value.endswith("（示例数据）")
    (rdir / "appeals").mkdir()
    fill(project / "replies" / "wuyang.xlsx", rdir / "appeals" / "wuyang.xlsx", "wuyang-1.6", 6,
         "投诉处置平均时效已达到要求", "舞阳县-投诉处置统计表（附件3）")
    fill(project / "replies" / "xicheng.xlsx", rdir / "appeals" / "xicheng.xlsx", "xicheng-D1", 1,
         "县区理由：第三起事件不在考核年度内", "西城区-事件认定书")
    (rdir / "appeals" / "decisions.yaml").write_text(
        "decisions:\n"
        "  - id: wuyang-1.6\n    decision: upheld\n    score: 6\n    reason: 补充材料证明投诉处置时效达标。\n"
        "  - id: xicheng-D1\n    decision: rejected\n    reason: 驳回理由：三起事件均经市市场监管局认定。\n",
        encoding="utf-8")

    # 5. the before/after
    out = kaohe(project, "appeals", R, "--by", "复核小组", "--why", "复核会议决定").stdout
    assert "wuyang-1.6（舞阳县）" in out and "采纳，改为 6 分" in out and "驳回" in out
    assert "考核项 1.6 旅游市场服务质量监测：3.5 → 6（+2.5）" in out
    assert "总分：90.5 → 93；等次：A → A；名次：第2名 → 第1名" in out  # 舞阳县 overtakes 临颍县
    assert "临颍县（linying）" in out and "名次：第1名 → 第2名" in out
    assert "西城区" not in out.split("复核前 → 复核后：")[1]  # rejected: nothing changed
    res = json.loads(kaohe(project, "results", R, "--format", "json").stdout)
    assert [(c["id"], c["rank"]) for c in res["counties"]][:2] == [("wuyang", 1), ("linying", 2)]

    # 6. published, with the 复核说明
    kaohe(project, "publish", R, "--by", "李主任", "--why", "复核结束，正式发布")
    env = {**os.environ, "KAOHE_PDFS": "0", "KAOHE_NO_CACHE": "1"}
    mk = Path(sys.executable).with_name("mkdocs")
    b = subprocess.run([str(mk), "build", "--strict"], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert b.returncode == 0, b.stderr
    page = (project / "site" / R / "index.html").read_text(encoding="utf-8")
    assert "复核说明" in page and "舞阳县　考核项 1.6（旅游市场服务质量监测）：3.5 分 → 6 分。补充材料证明投诉处置时效达标。" in page
    # audit records, reply forms, the counties' reasons and rejected decisions stay internal
    leaked = []
    for p in (project / "site").rglob("*"):
        if p.is_file():
            open_data = p.parent.name == "data" and p.name == "results.xlsx"  # the published results
            assert (p.suffix != ".xlsx" or open_data) and "audit" not in p.parts and "appeals" not in p.parts, p
            data = p.read_bytes()
            for secret in ("驳回理由", "县区理由", "事件认定书", "复核小组", "kaohe_audit"):
                if secret.encode("utf-8") in data:
                    leaked.append((p, secret))
    assert not leaked

    # 7. history and diff
    hist = kaohe(project, "history", R).stdout
    assert "审计链完整（4 条记录）" in hist
    for what in ("修改状态（已发布 → 草稿）", "审定（草稿 → 已审定）", "复核决定", "发布（已审定 → 已发布）"):
        assert what in hist
    diff = kaohe(project, "diff", R, "2", "3").stdout
    assert "改动的文件：appeals/decisions.yaml、appeals/wuyang.xlsx、appeals/xicheng.xlsx" in diff
    assert "舞阳县（wuyang）" in diff and "3.5 → 6（+2.5）" in diff and "名次：第2名 → 第1名" in diff
    diff = kaohe(project, "diff", R, "3", "4").stdout
    assert "状态：approved → published" in diff and "没有变化" in diff
