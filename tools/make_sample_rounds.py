"""Generate the fictional sample score data (示例数据) under content/.

    .venv/bin/python tools/make_sample_rounds.py

Writes, deterministically (fixed seeds, fixed timestamps), the score sources of the
example rounds: department score sheets (YAML, CSV, and XLSX made with ``kaohe forms``
and filled in here like a department would), events, self-scores, on-site ratings and
contact lists. round.yaml, the reports and the feedback texts are written by hand and
are not touched. Every figure is invented; the files say so in their header.

Each county gets a target base score; item scores are drawn around the county's level
in 0.5 steps (0.1 for items under 1 point) and then nudged to hit the target exactly,
so that the example shows several grades, a tie, capped deductions and a veto.
"""

from __future__ import annotations

import io
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.project import Project  # noqa: E402
from builder.rounds.context import dept_key  # noqa: E402
from builder.rounds.forms import HEADER_ROW, build_forms  # noqa: E402
from builder.rounds.meta import load_round_meta  # noqa: E402
from builder.rubric import fmt  # noqa: E402

D = Decimal
SAMPLE = "示例数据（虚构）"

# ---------------------------------------------------------------------------------------
# remarks (评价说明): what a department writes for a score


STRENGTHS = [
    "工作部署及时，措施具体，印证材料齐全",
    "工作机制健全，台账规范，成效明显",
    "按要求完成年度目标任务，材料完整",
    "工作扎实有序，数据准确，佐证充分",
    "主动作为，做法有特色，可在全市推广",
]
WEAKNESSES = {
    "标准": ["参与标准制修订数量偏少", "标准化试点示范项目推进较慢"],
    "计量": ["计量标准复查换证不够及时", "产业计量测试中心建设进度滞后"],
    "认证": ["认证结果采信推广力度不足", "小微企业认证提升行动覆盖面不广"],
    "检验检测": ["检验检测机构监督检查覆盖面不足", "公共检验检测服务平台作用发挥不够"],
    "知识产权": ["知识产权保护协作机制运行不够顺畅", "知识产权纠纷快速处理渠道不多"],
    "商标": ["商标侵权案件查办数量偏少"],
    "特种设备": ["特种设备隐患排查整改闭环不够及时"],
    "农": ["农资监督抽检批次未达计划", "基层农产品检测站点能力偏弱"],
    "工程": ["部分在建项目质量监督抽查频次不足", "工程质量问题整改销号不够及时"],
    "旅游": ["旅游市场投诉处置时效有待提高", "A级景区服务质量提升措施不够具体"],
    "交通": ["公路水路工程质量抽检比例偏低"],
    "水利": ["水利工程质量评估个别指标未达标"],
    "教育": ["义务教育质量评价结果运用不够充分"],
    "医养": ["医养结合机构服务规范落实不到位"],
    "老字号": ["老字号扶持政策落地项目较少"],
    "流通": ["农村寄递物流网点覆盖不够均衡"],
    "竞争": ["公平竞争审查存量政策清理不够彻底", "重点领域反不正当竞争执法案件偏少"],
    "网络": ["网络交易监测发现问题处置不够及时"],
    "执法": ["民生领域执法行动案件查办数量偏少"],
    "质量奖": ["质量奖励制度宣传推广不够", "“质量月”活动形式较为单一"],
    "质量提升": ["重点产业质量提升行动成效数据支撑不足"],
    "满意度": ["公共服务质量满意度低于全市平均水平"],
    "合格率": ["监督抽查合格率低于全市平均水平", "部分抽查批次不合格产品后处理不及时"],
    "进出口": ["进出口商品质量安全风险信息报送不及时"],
    "犯罪": ["侵权假冒犯罪案件侦办数量偏少"],
    "公安": ["打击侵权假冒专门力量配备不足"],
    "信用": ["信用信息归集不够完整"],
    "一站式": ["“一站式”服务站点覆盖不足"],
    "科技创新": ["质量基础设施科研投入偏少"],
    "品牌": ["品牌培育措施不够具体"],
    "规划": ["规划实施情况跟踪评估不够"],
    "安全": ["风险隐患排查整改不够彻底"],
    "环境": ["个别监测指标未达年度目标"],
    "": ["部分印证材料不完整", "工作推进力度有待加强", "个别目标任务未按期完成", "工作台账不够规范"],
}


def remark(rng: random.Random, title: str, score: Decimal, points: Decimal) -> str:
    if score == points:
        return rng.choice(STRENGTHS) + "。"
    pool = next((v for k, v in WEAKNESSES.items() if k and k in title), WEAKNESSES[""])
    lost = points - score
    return f"{rng.choice(pool)}，扣{fmt(lost)}分。建议{rng.choice(IMPROVE)}。"


IMPROVE = ["对照考核要点逐项补齐短板", "加强部门协同和日常调度", "完善工作台账和印证材料",
           "加大投入，细化年度任务清单", "建立问题整改闭环机制"]


# ---------------------------------------------------------------------------------------
# scores


def step_of(points: Decimal) -> Decimal:
    return D("0.5") if points >= 1 else D("0.1")


def draw_scores(rng: random.Random, leaves, level: float, target: Decimal) -> dict[str, Decimal]:
    """Item scores around ``level`` (0–1), nudged so that they add up to ``target``."""
    scores = {}
    for leaf in leaves:
        p = leaf.points
        st = step_of(p)
        if rng.random() < level ** 2.2:
            s = p
        else:
            ratio = max(0.3, level - 0.05 - rng.random() * 0.4)
            s = (p * D(str(round(ratio, 3))) / st).to_integral_value(rounding="ROUND_FLOOR") * st
        scores[leaf.id] = min(max(s, D(0)), p)
    order = list(leaves)
    rng.shuffle(order)
    for st in (D("0.5"), D("0.1")):
        candidates = [leaf for leaf in order if step_of(leaf.points) == st]
        for i in range(100 * max(len(candidates), 1)):
            diff = target - sum(scores.values())
            if abs(diff) < st or not candidates:
                break
            leaf = candidates[i % len(candidates)]
            s = scores[leaf.id]
            if diff > 0 and s + st <= leaf.points:
                scores[leaf.id] = s + st
            elif diff < 0 and s - st >= 0:
                scores[leaf.id] = s - st
    total = sum(scores.values())
    if total != target:
        raise SystemExit(f"could not reach {target} (got {total}); change the seed")
    return scores


# ---------------------------------------------------------------------------------------
# writers


def q(s: str) -> str:
    """A YAML scalar: quote when needed."""
    if any(ch in s for ch in ":#{}[],&*!|>'\"%@`") or s != s.strip() or s in ("", "null", "true", "false"):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def yaml_sheet(path: Path, title: str, dept: str, rid: str, counties, items, scores, remarks) -> None:
    out = [f"# {SAMPLE}：{title} {dept}评价表（漯河 附件6 的格式），仅用于演示。",
           f"# 县区编号: 考核项编号: {{score: 实际得分, remark: 评价说明}}",
           f"department: {dept}", f"round: {rid}", "scores:"]
    for c in counties:
        out.append(f"  {c.id}:  # {c.name}")
        for leaf in items:
            s = scores[c.id][leaf.id]
            out.append(f'    "{leaf.id}": {{score: {fmt(s)}, remark: {q(remarks[c.id][leaf.id])}}}')
    write(path, "\n".join(out) + "\n")


def csv_sheet(path: Path, title: str, dept: str, rid: str, counties, items, scores, remarks) -> None:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f"# {SAMPLE}：{title} {dept}评价表，仅用于演示。"])
    w.writerow([f"评价部门：{dept}"])
    w.writerow([f"考核轮次：{rid}"])
    w.writerow(["县区编号", "所评县区", "考核项编号", "所评价项目", "实际得分", "评价说明"])
    for c in counties:
        for leaf in items:
            w.writerow([c.id, c.name, leaf.id, leaf.title, fmt(scores[c.id][leaf.id]), remarks[c.id][leaf.id]])
    write(path, buf.getvalue())


def xlsx_sheet(path: Path, form_data: bytes, scores, remarks, stamp_meta) -> None:
    """Fill a ``kaohe forms`` workbook the way a department would (numbers typed in)."""
    from openpyxl import load_workbook

    from builder.rounds.forms import _reproducible

    wb = load_workbook(io.BytesIO(form_data))
    ws = wb["评价表"]
    ws.cell(1, 1).value = f"{ws.cell(1, 1).value}（{SAMPLE}）"
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        cid, iid = ws.cell(r, 1).value, ws.cell(r, 3).value
        s = scores[cid][iid]
        ws.cell(r, 7).value = int(s) if s == s.to_integral_value() else float(s)
        ws.cell(r, 8).value = remarks[cid][iid]
    buf = io.BytesIO()
    wb.save(buf)
    import datetime as dt

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible(buf.getvalue(), dt.datetime(stamp_meta.year + 1, 4, 20)))
    print(f"wrote {path.relative_to(ROOT)}")


def contacts(path: Path, county, people) -> None:
    out = [f"# {SAMPLE}：{county.name}质量工作考核联系人员名单。姓名、电话、邮箱均为虚构。",
           "# 联系人员名单只供市质强办内部使用，不在网站上公布。",
           f"county: {county.id}", "contacts:"]
    for p in people:
        out.append("  - " + "{" + ", ".join(f"{k}: {q(v)}" for k, v in p.items()) + "}")
    write(path, "\n".join(out) + "\n")


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建国", "晓燕", "志强", "丽娟", "海涛", "红梅", "永刚", "静", "磊", "春华", "雪梅", "国栋", "亚楠", "振宇",
         "文静", "少华", "玉兰", "德明", "慧敏", "卫东", "秀英", "晨阳", "佳怡", "俊杰"]


def people(rng: random.Random, county, area_code: str, email_slug: str, gov: str) -> list[dict]:
    def name():
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def phone():
        return f"{area_code}-{rng.randint(2000000, 7999999)}"

    def mobile():
        return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"

    return [
        {"role": "分管领导", "name": name(), "unit": f"{county.name}{gov}", "title": "副县（区）长" if gov == "人民政府" else "管委会副主任",
         "phone": phone(), "mobile": mobile(), "email": f"{email_slug}.gov@example.cn"},
        {"role": "牵头单位负责人", "name": name(), "unit": f"{county.name}市场监督管理局", "title": "局长",
         "phone": phone(), "mobile": mobile(), "email": f"{email_slug}.scjg@example.cn"},
        {"role": "工作人员", "name": name(), "unit": f"{county.name}市场监督管理局", "title": "质量发展股股长",
         "phone": phone(), "mobile": mobile(), "email": f"{email_slug}.zlg@example.cn"},
    ]


# ---------------------------------------------------------------------------------------
# rounds


def load(project, rid):
    meta, diags = load_round_meta(project.content_dir, rid)
    assert meta is not None, [d.format() for d in diags]
    rubric, diags = project.load_rubric(meta.rubric_id)
    assert rubric is not None, [d.format() for d in diags]
    return meta, rubric


def make_scores(rng, meta, leaves, profile):
    scores, remarks = {}, {}
    for c in meta.counties:
        level, target = profile[c.id]
        scores[c.id] = draw_scores(rng, leaves, level, D(target))
        remarks[c.id] = {leaf.id: remark(rng, leaf.title, scores[c.id][leaf.id], leaf.points) for leaf in leaves}
    return scores, remarks


def luohe(project: Project) -> None:
    rid = "luohe-2022"
    meta, rubric = load(project, rid)
    folder = project.content_dir / rid
    rng = random.Random(2022)
    leaves = [leaf for leaf in rubric.leaves() if leaf.rating is None]
    # (level, target base): totals after events: linying 92.5 A, wuyang 90.5 A, yuanhui 86 = yancheng 86 B (tie),
    # zhaoling 83.5 B, kaifaqu 79.5 C, shifanqu 73 C, xicheng 68.5 C
    profile = {
        "wuyang": (0.93, "90.5"), "linying": (0.94, "91.5"), "yuanhui": (0.88, "87"), "yancheng": (0.87, "86"),
        "zhaoling": (0.85, "83.5"), "kaifaqu": (0.8, "79.5"), "shifanqu": (0.76, "74"), "xicheng": (0.72, "70.5"),
    }
    scores, remarks = make_scores(rng, meta, leaves, profile)
    by_dept: dict[str, list] = {}
    for leaf in leaves:
        by_dept.setdefault(leaf.departments[0], []).append(leaf)  # shared items: the first department scores them
    files = {
        "市质强办": ("zhiqiangban", "yaml"), "市农业农村局": ("nongye", "csv"), "市交通运输局": ("jiaotong", "yaml"),
        "市水利局": ("shuili", "yaml"), "市文广旅局": ("wenguanglv", "csv"), "市卫生健康委": ("weijian", "yaml"),
        "市工业和信息化局": ("gongxin", "yaml"), "市教育局": ("jiaoyu", "yaml"), "市住建局": ("zhujian", "xlsx"),
        "市商务局": ("shangwu", "yaml"), "市市场监管局": ("shichang-jianguan", "xlsx"), "漯河海关": ("haiguan", "yaml"),
        "市公安局": ("gongan", "csv"),
    }
    assert set(files) == set(by_dept), set(by_dept) ^ set(files)
    forms = {f.department: f for f in build_forms(meta, rubric)}
    for old in (folder / "scores").glob("*"):
        old.unlink()
    for dept, items in by_dept.items():
        slug, kind = files[dept]
        path = folder / "scores" / f"{slug}.{kind}"
        if kind == "yaml":
            yaml_sheet(path, meta.title, dept, rid, meta.counties, items, scores, remarks)
        elif kind == "csv":
            csv_sheet(path, meta.title, dept, rid, meta.counties, items, scores, remarks)
        else:
            xlsx_sheet(path, forms[dept].data, scores, remarks, meta)
    write(folder / "events.yaml", f"""\
# {SAMPLE}：{meta.title} 加分、扣分事项，仅用于演示。
# 加分项、扣分项的编号见 rubrics/luohe-2022.yaml（kaohe rubric show luohe-2022）。本轮次没有一票否决。
bonus:
  - county: linying
    item: B3
    count: 1
    evidence: 临颍县某产业园标准化厂房项目获2022年度河南省建设工程“中州杯”（省优质工程），市住建局核实。
deductions:
  - county: yuanhui
    item: D1
    count: 1
    evidence: 2022年8月辖区一家小家电经营户销售不合格电热水壶引发群体投诉，经市市场监管局认定为重大服务质量事件。
  - county: shifanqu
    item: D5
    count: 1
    evidence: 示范区某安置房项目主体结构混凝土强度不达标，返工处理，市住建局通报。
  - county: xicheng
    item: D1
    count: 3
    evidence: 辖区发生3起重大产品和服务质量事件（不合格燃气具、儿童玩具、预付式消费纠纷），每项扣1分，最高扣2分。
""")
    contact_rng = random.Random(395)
    slugs = {"wuyang": "wy", "linying": "ly", "yuanhui": "yh", "yancheng": "yc", "zhaoling": "zl",
             "kaifaqu": "kfq", "shifanqu": "sfq", "xicheng": "xc"}
    for c in meta.counties:
        gov = "管委会" if c.kind == "管委会" else "人民政府"
        contacts(folder / "contacts" / f"{c.id}.yaml", c, people(contact_rng, c, "0395", f"lh-{slugs[c.id]}", gov))


def huizhou(project: Project) -> None:
    rid = "huizhou-2017"
    meta, rubric = load(project, rid)
    folder = project.content_dir / rid
    rng = random.Random(2017)
    leaves = list(rubric.leaves())
    # huicheng 92 A; huiyang 85.5 B; boluo 88 − 10 (D1) = 78 C; huidong 84.5 but vetoed → D
    profile = {"huicheng": (0.94, "92"), "huiyang": (0.87, "85.5"), "boluo": (0.88, "88"), "huidong": (0.86, "84.5")}
    scores, remarks = make_scores(rng, meta, leaves, profile)
    by_dept: dict[str, list] = {}
    names: dict[str, str] = {}
    for leaf in leaves:
        key = dept_key(leaf.departments[0])
        by_dept.setdefault(key, []).append(leaf)
        names.setdefault(key, key + "部门" if not key.endswith(("局", "机关")) else key)
    slugs = {"质监": "zhijian", "环保": "huanbao", "农业": "nongye", "食品药品监管": "shiyaojian",
             "住房和城乡规划建设": "zhujian", "交通运输": "jiaotong", "旅游": "lvyou", "经济和信息化局": "jingxin",
             "发展改革": "fagai", "商务": "shangwu", "工商": "gongshang", "卫生和计生": "weiji", "水务": "shuiwu",
             "科技": "keji", "检察机关": "jiancha"}
    assert set(slugs) == set(by_dept), set(slugs) ^ set(by_dept)
    for old in (folder / "scores").glob("*"):
        old.unlink()
    for key, items in by_dept.items():
        kind = "csv" if key in ("环保", "旅游") else "yaml"
        path = folder / "scores" / f"{slugs[key]}.{kind}"
        (csv_sheet if kind == "csv" else yaml_sheet)(path, meta.title, names[key], rid, meta.counties, items, scores, remarks)
    # self-scores (附件3): counties rate themselves a little higher than verified, with the basis
    for old in (folder / "self-scores").glob("*"):
        old.unlink()
    for c in meta.counties:
        own = {}
        basis = {}
        for leaf in leaves:
            v = scores[c.id][leaf.id]
            bump = rng.choice([D(0), D(0), D(0), D("0.5"), D(1), leaf.points])
            own[leaf.id] = min(leaf.points, v + bump)
            basis[leaf.id] = self_basis(rng, leaf, own[leaf.id])
        path = folder / "self-scores" / f"{c.id}.{'csv' if c.id == 'huiyang' else 'yaml'}"
        if c.id == "huiyang":
            import csv

            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow([f"# {SAMPLE}：{c.name}{meta.year}年度政府质量工作考核自评打分表（惠州 附件3），仅用于演示。"])
            w.writerow([f"县区：{c.name}"])
            w.writerow(["考核项编号", "考核项", "分值", "自评得分", "评分依据"])
            for leaf in leaves:
                w.writerow([leaf.id, leaf.title, fmt(leaf.points), fmt(own[leaf.id]), basis[leaf.id]])
            write(path, buf.getvalue())
        else:
            out = [f"# {SAMPLE}：{c.name}{meta.year}年度政府质量工作考核自评打分表（惠州 附件3），仅用于演示。",
                   "# 考核项编号: {score: 自评得分, basis: 评分依据（注明得分、扣分情况）}",
                   f"county: {c.id}", "scores:"]
            for leaf in leaves:
                out.append(f'  "{leaf.id}": {{score: {fmt(own[leaf.id])}, basis: {q(basis[leaf.id])}}}')
            write(path, "\n".join(out) + "\n")
    write(folder / "events.yaml", f"""\
# {SAMPLE}：{meta.title} 扣分和否决事项，仅用于演示。
# 编号见 rubrics/huizhou-2017.yaml：D1 每发生1件扣10分，不设上限；V1 一票否决，等次为D级。
deductions:
  - county: boluo
    item: D1
    count: 1
    evidence: 2017年9月，县内一家电动自行车经营企业销售的不合格产品引发火灾，造成人员受伤，经省质监局调查认定。
veto:
  - county: huidong
    item: V1
    description: 2017年辖区发生区域性、系统性农资产品质量安全事件（劣质复合肥大面积致农作物减产）
    evidence: 经省政府授权有关部门调查认定，省质量强省工作领导小组办公室通报。
""")
    contact_rng = random.Random(752)
    for c in meta.counties:
        contacts(folder / "contacts" / f"{c.id}.yaml", c, people(contact_rng, c, "0752", f"hz-{c.id}", "人民政府"))


def self_basis(rng: random.Random, leaf, score: Decimal) -> str:
    if score == leaf.points:
        return rng.choice(["对照评分标准逐项自查，各项指标均达到要求，自评满分。",
                           "年度目标全部完成，相关数据已在自评报告中说明，自评满分。",
                           "已按要求落实，证明资料见资料目录，自评满分。"])
    lost = leaf.points - score
    return rng.choice([f"部分指标未达到评分标准要求，自扣{fmt(lost)}分。",
                       f"工作已开展但覆盖面不足，自扣{fmt(lost)}分。",
                       f"个别任务未按期完成，自扣{fmt(lost)}分。"])


def huizhou_onsite(project: Project) -> None:
    # the on-site check (附件2) is part of the 2017 assessment: its ratings live in its round's onsite/
    rid = "huizhou-2017"
    meta, _ = load(project, rid)
    rubric, diags = project.load_rubric(meta.onsite.rubric_id)
    assert rubric is not None, [d.format() for d in diags]
    folder = project.content_dir / rid
    levels = {  # 好 / 较好 / 一般 / 差 / 非常差 per item, chosen by the inspection group
        "huicheng": "好 好 较好 好 好 较好 好 | 好 较好 好 较好 好 好",
        "huiyang": "较好 较好 好 一般 较好 较好 较好 | 较好 好 一般 较好 较好 好",
        "boluo": "较好 一般 一般 较好 较好 一般 一般 | 较好 差 较好 一般 较好 较好",
        "huidong": "一般 较好 差 一般 较好 一般 一般 | 一般 差 一般 一般 较好 一般",
    }
    remarks = {"好": "汇报材料翔实，现场核实情况与材料一致。", "较好": "工作开展较好，个别方面有待加强。",
               "一般": "工作有部署但落实不够，成效不明显。", "差": "现场核查发现问题较多，整改不到位。"}
    leaves = list(rubric.leaves())
    for old in (folder / "onsite").glob("*"):
        old.unlink()
    for c in meta.counties:
        labels = levels[c.id].replace("|", "").split()
        assert len(labels) == len(leaves)
        out = [f"# {SAMPLE}：{meta.title} {c.name}实地核查评分（惠州 附件2：好5 较好4 一般3 差2 非常差1，按分值折算），仅用于演示。",
               f"county: {c.id}", "ratings:"]
        for leaf, lv in zip(leaves, labels):
            out.append(f"  {leaf.id}: {{level: {lv}, remark: {q(remarks[lv])}}}  # {leaf.title}")
        write(folder / "onsite" / f"{c.id}.yaml", "\n".join(out) + "\n")


def changzhou(project: Project) -> None:
    rid = "changzhou-2024"
    meta, rubric = load(project, rid)
    folder = project.content_dir / rid
    rng = random.Random(2024)
    leaves = list(rubric.leaves())
    profile = {"wujin": (0.92, "91"), "xinbei": (0.88, "86.5"), "liyang": (0.84, "81")}
    scores, remarks = make_scores(rng, meta, leaves, profile)
    for old in (folder / "scores").glob("*"):
        old.unlink()
    yaml_sheet(folder / "scores" / "zhiqiangban.yaml", meta.title, "市质量强市办", rid, meta.counties, leaves,
               scores, remarks)
    write(folder / "events.yaml", f"""\
# {SAMPLE}：{meta.title} 加分事项（草稿），仅用于演示。
# 加分项合计不超过5分（rubrics/changzhou.yaml bonus.cap）：武进区申报 2 + 2 + 1 + 1 = 6 分，按 5 分计。
bonus:
  - county: wujin
    item: B1.3
    count: 1
    evidence: “质量基础设施一站式服务”做法被市场监管总局在全国推广。
  - county: wujin
    item: B2.3
    count: 1
    evidence: 区内一家装备制造企业获中国质量奖提名奖。
  - county: wujin
    item: B2.2
    count: 1
    evidence: 区内一家新材料企业获江苏省质量奖。
  - county: wujin
    item: B3.2
    count: 1
    evidence: 区内一家企业获全国质量奖。
  - county: xinbei
    item: B2.1
    count: 2
    evidence: 区内两家企业获江苏省质量管理优秀奖。
""")


LUOHE_2021_ROUND = """\
# 示例数据（虚构）：漯河2021年度考核是为演示县区页面的“历年结果”而虚构的，原文（seeds）中没有这一年。
# 由 tools/make_sample_rounds.py 生成：考核细则 rubrics/luohe-2021.yaml 是 2022 年版的改写，
# 有两个考核项的编号和名称与 2022 年不同（15.4、16.6），历年对比只比较编号相同的考核项。
id: luohe-2021
rubric: luohe-2021
year: 2021
title: 漯河市2021年度政府质量工作考核
organiser: 漯河市质量强市战略工作领导小组办公室
status: published
publish: ranks
sample: true
published_date: 2022-06-30
description: 对各县区人民政府，经济技术开发区、市城乡一体化示范区和西城区管委会2021年度质量工作进行考核（虚构的示例）。
counties:
  - {id: wuyang, name: 舞阳县, kind: 县}
  - {id: linying, name: 临颍县, kind: 县}
  - {id: yuanhui, name: 源汇区, kind: 区}
  - {id: yancheng, name: 郾城区, kind: 区}
  - {id: zhaoling, name: 召陵区, kind: 区}
  - {id: kaifaqu, name: 经济技术开发区, kind: 管委会}
  - {id: shifanqu, name: 市城乡一体化示范区, kind: 管委会}
  - {id: xicheng, name: 西城区, kind: 管委会}
"""


def luohe_2021_rubric(project: Project) -> None:
    """rubrics/luohe-2021.yaml: the 2022 rubric rewritten as a fictional earlier version."""
    text = (project.rubrics_dir / "luohe-2022.yaml").read_text(encoding="utf-8")
    body = text[text.index("id: luohe-2022"):]
    head, rest = body.split("base_points:", 1)
    head = ("id: luohe-2021\ntitle: 漯河市2021年度政府质量工作考核要点（示例）\n"
            "issuer: 漯河市质量强市战略工作领导小组办公室\nyear: 2021\nsample: true\n"
            "explanation: >-\n  示例数据：本细则是为演示历年对比而虚构的2021年度版本，以2022年度考核要点为基础改写，不是真实文件。\n")
    rest = "base_points:" + rest
    rest = rest.replace("date: 2023-03-06\n", "", 1)
    for old, new in (('- id: "15.2"\n            title: 优化车辆检测服务', '- id: "15.4"\n            title: 规范机动车检验机构服务'),
                     ('- id: "16.5"\n            title: 自愿性认证领域“双随机、一公开”检查', '- id: "16.6"\n            title: 开展认证有效性抽查')):
        assert old in rest, old
        rest = rest.replace(old, new, 1)
    write(project.rubrics_dir / "luohe-2021.yaml",
          f"# {SAMPLE}：漯河市2021年度政府质量工作考核要点（为演示历年对比而虚构，由 tools/make_sample_rounds.py 生成）。\n"
          + head + rest)


def luohe_2021(project: Project) -> None:
    rid = "luohe-2021"
    luohe_2021_rubric(project)
    folder = project.content_dir / rid
    write(folder / "round.yaml", LUOHE_2021_ROUND)
    project._rubrics.clear()
    meta, rubric = load(project, rid)
    rng = random.Random(2021)
    leaves = [leaf for leaf in rubric.leaves() if leaf.rating is None]
    # 2021 totals: linying 91 A (A again in 2022: 连续2年A级), wuyang 88 B, yuanhui 84.5 B, yancheng 82 B,
    # zhaoling 85 B, kaifaqu 77 C, shifanqu 71 C, xicheng 66.5 C (C again in 2022)
    profile = {
        "wuyang": (0.9, "88"), "linying": (0.93, "91"), "yuanhui": (0.86, "84.5"), "yancheng": (0.84, "82"),
        "zhaoling": (0.86, "85"), "kaifaqu": (0.78, "77"), "shifanqu": (0.73, "71"), "xicheng": (0.7, "66.5"),
    }
    scores, remarks = make_scores(rng, meta, leaves, profile)
    by_dept: dict[str, list] = {}
    for leaf in leaves:
        by_dept.setdefault(leaf.departments[0], []).append(leaf)
    for old in (folder / "scores").glob("*"):
        old.unlink()
    for i, (dept, items) in enumerate(by_dept.items()):
        yaml_sheet(folder / "scores" / f"dept{i + 1:02d}.yaml", meta.title, dept, rid, meta.counties, items, scores, remarks)


def main() -> None:
    project = Project(ROOT)
    luohe(project)
    luohe_2021(project)
    huizhou(project)
    huizhou_onsite(project)
    changzhou(project)


if __name__ == "__main__":
    main()
