"""Generate a complete synthetic project with one published round of N counties.

    .venv/bin/python benchmarks/generate.py --counties 300 --out /tmp/bench-300
    cd /tmp/bench-300 && /work/main/.venv/bin/mkdocs build

The project is a copy of this repository's ``rubrics/``, ``themes/``, ``mkdocs.yml`` and
hand-written pages (``content/pages/``) plus one round ``content/bench-2022/`` assessed
against the 漯河 2022 rubric (``luohe-2022``), with, for every county:

* a score for every item of the rubric, in the departments' score sheets (YAML and CSV
  as in the example round, one sheet per department; the example's XLSX sheets are CSV
  here, so that generating 3000 counties stays quick);
* a self-report of about 2,500 字 (body) with 3 typical cases, written from the round's
  template, that passes ``kaohe check``;
* feedback (问题不足, 改进建议) and a private contact list;

and, for some counties, bonus items and deductions (``events.yaml``). Everything is
invented (示例数据) and every file says so.

The output depends only on ``--counties`` and ``--seed``: each county draws from its own
random generator seeded with (seed, county number), so county *k* has the same content
whatever N is, and no clock is read. The folder must not exist or be empty (``--force``
replaces it).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.project import Project  # noqa: E402
from builder.rubric import fmt  # noqa: E402

D = Decimal
ROUND_ID = "bench-2022"
RUBRIC_ID = "luohe-2022"
SAMPLE = "示例数据（虚构，性能测试用）"
COPY = ("rubrics", "themes", "content/pages", "mkdocs.yml")

# ───────────────────────────── county names ─────────────────────────────
# Distinct syllables, one character each: two of them make a name and its pinyin id.
SYLLABLES = (
    ("an", "安"), ("bai", "白"), ("bao", "宝"), ("bei", "北"), ("bin", "滨"), ("cang", "沧"), ("chang", "昌"),
    ("chen", "辰"), ("cheng", "城"), ("chun", "春"), ("da", "大"), ("dan", "丹"), ("de", "德"), ("dong", "东"),
    ("feng", "丰"), ("fu", "福"), ("gao", "高"), ("gu", "古"), ("guang", "广"), ("gui", "桂"), ("hai", "海"),
    ("he", "河"), ("heng", "衡"), ("hong", "洪"), ("hua", "华"), ("huai", "淮"), ("hui", "惠"), ("jia", "嘉"),
    ("jian", "建"), ("jiang", "江"), ("jin", "金"), ("jing", "景"), ("kang", "康"), ("lan", "兰"), ("le", "乐"),
    ("li", "丽"), ("lian", "连"), ("lin", "林"), ("ling", "陵"), ("long", "龙"), ("lu", "鹿"), ("luo", "洛"),
    ("ming", "明"), ("nan", "南"), ("ning", "宁"), ("ping", "平"), ("qing", "清"), ("quan", "泉"), ("rui", "瑞"),
    ("shan", "山"), ("shou", "寿"), ("shun", "顺"), ("song", "松"), ("tai", "泰"), ("tian", "田"), ("wan", "万"),
    ("wu", "武"), ("xi", "西"), ("xiang", "祥"), ("xin", "新"), ("xing", "兴"), ("yang", "阳"), ("yi", "宜"),
    ("yong", "永"), ("yuan", "源"), ("yun", "云"), ("ze", "泽"), ("zhang", "漳"), ("zhen", "镇"), ("zhong", "中"),
)
KINDS = (("县", "县", 6), ("区", "区", 3), ("市", "市", 1))  # suffix, kind, weight


def counties(n: int) -> list[dict]:
    """N counties with distinct ids and names, in a fixed order that does not depend on N."""
    pairs = [(a, b) for a in SYLLABLES for b in SYLLABLES if a != b]
    random.Random("bench-county-order").shuffle(pairs)
    out, seen = [], set()
    for k in range(n):
        (p1, c1), (p2, c2) = pairs[k % len(pairs)]
        lap = k // len(pairs)
        rng = random.Random(f"kind:{k}")
        suffix, kind, _ = rng.choices(KINDS, weights=[w for *_, w in KINDS])[0]
        cid = f"{p1}{p2}" + (f"-{lap + 1}" if lap else "")
        if cid in seen:  # da+nan and dan+an spell the same: keep ids distinct (county k is still county k)
            cid += f"-{k}"
        seen.add(cid)
        name = f"{c1}{c2}{'第' + str(lap + 1) if lap else ''}{suffix}"
        out.append({"id": cid, "name": name, "kind": kind})
    return out


# ───────────────────────────── report text ─────────────────────────────
# Paragraph templates: {n} is the county's name; {a}…{h} are numbers drawn per county.
OVERVIEW = [
    "全年{n}制造业产品质量合格率保持在{p1}%以上，消费品监督抽查合格率达到{p2}%，较上年提高{d1}个百分点；"
    "农产品质量安全例行监测合格率{p3}%；全域未发生重大产品质量、工程质量和特种设备安全事故。",
    "{n}政府召开质量工作专题会议{a}次，将质量工作纳入乡镇（街道）和部门年度目标考核，考核权重提高到{b}%。"
    "全年新增有效注册商标{c}件，主导和参与制修订地方标准{d}项、团体标准{e}项，新增质量管理体系认证企业{f}家。",
    "质量基础持续夯实。{n}现有社会公用计量标准{a}项、检验检测机构{c}家，全年完成强制检定计量器具{g}台（件），"
    "为企业提供计量、标准、认证、检验检测“一站式”服务{h}余次，企业满意率达到{p3}%。",
    "质量发展环境不断优化。全年{n}兑现质量奖励和标准化资助资金{e}00万元，新增省级质量标杆企业{a}家、"
    "省长质量奖提名企业{b}家，“质量月”期间组织质量开放日、质量知识竞赛等活动{d}场，参与群众{c}00余人次。",
]
DEPLOY = [
    "一是健全质量工作领导机制。调整充实质量强{k}工作领导小组，由主要负责同志任组长，成员单位扩大到{a}个，"
    "建立“月调度、季通报、年考核”工作制度，全年印发质量工作通报{b}期，督办问题事项{c}件，全部办结。",
    "二是统筹推进质量强{k}建设。制定贯彻落实《质量强国建设纲要》实施方案，明确{b}个方面{d}项重点任务和责任单位；"
    "把质量指标纳入“十四五”规划中期评估，将质量提升与产业链链长制结合，由分管负责同志分包{b}条重点产业链。",
    "三是加强质量安全监管。全年完成产品质量监督抽查{c}批次，对抽查不合格的{a}批次产品全部完成后处理；"
    "开展特种设备隐患排查整治，检查使用单位{g}家，整改隐患{d}处；房屋市政工程质量监督覆盖率100%，"
    "交通、水利重点工程实行质量终身责任制，竣工验收一次合格率100%。",
    "四是严厉打击质量违法行为。开展“铁拳”行动和农资打假专项治理，查办质量违法案件{e}起，罚没款{h}万元；"
    "加强知识产权保护，建成知识产权维权援助工作站，办理商标侵权案件{a}起，调处专利纠纷{b}件。",
    "五是夯实质量基础设施。建设质量基础设施“一站式”服务站{b}个、服务点{d}个，全年为企业提供计量、标准、认证、"
    "检验检测“一条龙”服务{h}余次；完成社会公用计量标准复查{a}项，强制检定计量器具{g}台（件）。",
    "六是推进农产品质量安全治理。全面推行食用农产品承诺达标合格证制度，开具合格证{c}万张；完成农产品定量检测"
    "{g}批次，对检出问题的{a}批次产品全部溯源处置，农产品质量安全追溯平台覆盖规模主体{e}家。",
    "七是提升工程和服务质量。开展工程质量提升行动，创建省级优质工程{a}项；推进旅游、养老、物业等重点服务行业"
    "标准化建设，发布服务规范{b}项，服务质量满意度测评得分{p2}分，较上年提高{d1}分。",
    "八是推进质量品牌建设。实施品牌培育工程，新增省级以上知名品牌{a}个、地理标志商标{b}件，组织{e}家企业参加品牌推介活动，"
    "推动“老字号”企业守正创新，培育区域公用品牌{b}个，品牌对产业发展的带动作用进一步增强。",
    "九是加强认证认可和检验检测监管。开展认证有效性抽查{d}批次、检验检测机构监督检查{e}家次，查处出具虚假报告等违法行为{a}起；"
    "推动认证结果在政府采购、招标投标等领域采信，小微企业质量管理体系认证提升行动覆盖企业{c}家。",
    "十是营造全社会重视质量的氛围。利用“世界计量日”“世界标准日”和“质量月”开展宣传活动{d}场，发放宣传资料{h}00余份，"
    "组织质量管理小组、质量信得过班组成果发表活动，评选优秀质量管理成果{e}项。",
]
HIGHLIGHTS = [
    "（{i}）{industry}产业链质量提升成效明显。围绕{industry}产业，组织龙头企业与省级检测机构开展质量攻关，"
    "推动{a}项关键工艺指标达到行业先进水平，产业链上下游{e}家企业导入卓越绩效管理模式，"
    "相关产品省级监督抽查合格率连续三年保持100%。",
    "（{i}）农产品质量安全网格化监管全覆盖。在{c}个乡镇（街道）建立农产品质量安全监管站，配备专职监管员和快检设备，"
    "实行“{k}抽检、乡快检、村巡查”三级网格，全年完成农产品定量检测{g}批次、快速检测{h}批次。",
    "（{i}）质量服务进企业常态化。组织“质量服务进万企”活动，市场监管、工信等部门联合组建服务队，全年走访企业{c}家，"
    "帮助企业解决技术难题{d}个，推动{a}家企业通过质量管理体系认证。",
    "（{i}）标准化引领作用持续增强。设立标准化资助资金，支持企业主导制定国家标准{a}项、行业标准{b}项，"
    "{e}家企业在企业标准信息公共服务平台自我声明公开标准{g}项，“企业标准领跑者”{b}家。",
    "（{i}）知识产权保护体系不断完善。建立知识产权快速维权机制，与公安、法院建立联席会议制度，"
    "全年办理知识产权案件{d}件，开展知识产权进企业活动{a}场，培育知识产权优势企业{b}家。",
]
PROBLEMS = [
    "一是旅游市场服务质量监测得分不高，乡村旅游点服务规范化程度偏低，游客投诉处置时效有待提升。",
    "二是检验检测公共服务能力不足，检验检测机构设备更新慢，部分项目需送市级检测。",
    "三是质量工作格局中企业主体责任落实不平衡，部分小微企业质量意识薄弱，首席质量官制度覆盖面不广。",
    "四是质量人才相对匮乏，基层监管人员专业能力与工作任务不相匹配，质量工作经费保障还需加强。",
]
MEASURES = [
    "一是提升服务质量。制定乡村旅游服务规范，开展A级景区和乡村旅游点服务质量提升行动，建立投诉快速处置机制，"
    "力争投诉处置时效缩短到{b}个工作日以内。",
    "二是加强检验检测能力建设。争取专项资金更新检验检测中心设备，推动与市级机构共建{industry}产品检测实验室。",
    "三是压实企业质量主体责任。在规上工业企业全面推行首席质量官制度，开展小微企业质量管理体系认证提升行动，"
    "年内新增认证企业{e}家以上。",
    "四是加强质量人才队伍建设。举办质量专业技术培训{a}期，与高校合作培养基层质量监管和检验检测人才，"
    "为质量工作提供人才保障。",
]
CASES = [
    ("{industry}产业链质量攻关“链长+专家”模式",
     "针对{industry}产品质量不稳定的问题，由分管负责同志任链长，组织产业链内{a}家企业与省级检测机构、高校专家组成攻关组，"
     "梳理影响产品质量的关键工序{c}个，制定内控标准{b}项。经过一年攻关，主要产品一次交检合格率由9{a}.1%提高到99.{b}%，"
     "每年减少质量损失约{e}00万元。该做法可推广到其他重点产业链。"),
    ("农产品质量安全“三级网格”监管",
     "农业农村部门在{c}个乡镇（街道）建立监管站，在行政村设立协管员，形成“{k}抽检、乡快检、村巡查”三级网格，"
     "将种植大户、合作社全部纳入监管名录，实行“一户一档”。全年快检发现问题样品{d}批次，全部溯源处置，"
     "未发生农产品质量安全事件。"),
    ("质量基础设施“一站式”服务进园区",
     "在产业集聚区设立质量基础设施“一站式”服务站，整合计量、标准、认证认可、检验检测、知识产权等资源，"
     "为园区企业提供“菜单式”服务。全年服务企业{c}家次，帮助企业解决技术难题{d}个，缩短产品检测周期约{b}0%，"
     "企业满意率达到{p3}%。"),
    ("特种设备安全“智慧监管”",
     "建成特种设备安全智慧监管平台，将{g}台电梯、锅炉、压力容器纳入物联网监测，实现隐患自动预警、限时整改。"
     "全年平台推送预警信息{d}条，整改率100%，电梯困人故障同比下降{b}0%，未发生特种设备安全事故。"),
    ("“质量诊所”帮扶小微企业",
     "组织检验检测机构和行业专家组建“质量诊所”，对小微企业开展“把脉问诊”，免费提供质量管理培训和检测服务。"
     "全年帮扶企业{c}家，帮助{a}家企业通过质量管理体系认证，帮扶企业产品抽查合格率提高{d1}个百分点。"),
]
INDUSTRIES = ["食品加工", "装备制造", "纺织服装", "新材料", "电子信息", "现代家居", "生物医药", "汽车零部件"]
BODY_LIMIT = 2900  # 字 of the body (before the annex), as kaohe check counts them (limit 3000)


def numbers(rng: random.Random) -> dict:
    return {
        "a": rng.randint(2, 9), "b": rng.randint(2, 6), "c": rng.randint(12, 480), "d": rng.randint(10, 60),
        "e": rng.randint(3, 30), "f": rng.randint(20, 90), "g": rng.randint(300, 2600), "h": rng.randint(100, 900),
        "p1": f"9{rng.randint(2, 5)}", "p2": f"9{rng.randint(4, 8)}.{rng.randint(0, 9)}",
        "p3": f"9{rng.randint(6, 9)}.{rng.randint(1, 9)}", "d1": f"{rng.randint(0, 2)}.{rng.randint(1, 9)}",
    }


def report(rng: random.Random, c: dict, year: int = 2022) -> str:
    from builder.checker.wordcount import chars

    gov = "管委会" if c["kind"] == "管委会" else "人民政府"
    k = c["kind"]  # 质量强县 / 质量强区 / 质量强市
    industry = rng.choice(INDUSTRIES)

    def fill(t: str, **extra) -> str:
        return t.format(n=c["name"], k=k, industry=industry, **numbers(rng), **extra)

    deploy = [fill(t) for t in DEPLOY]
    highlights = [fill(t, i=cn) for t, cn in zip(rng.sample(HIGHLIGHTS, 3), "一二三")]
    head = [f"# {c['name']}{gov}{year}年度质量工作考核自评报告", "",
            f"{year}年，{c['name']}在上级党委、政府的坚强领导下，深入贯彻质量强国、质量强省部署，以推动{industry}等产业"
            f"高质量发展为主线，扎实开展质量提升行动，全{k}质量工作总体平稳向好。现将有关情况报告如下。", ""]
    overview = [fill(t) for t in OVERVIEW]

    def body(n_over: int, n_dep: int) -> list[str]:
        out = head + [f"## 一、{year}年质量工作情况", "", "### （一）质量工作总体概况", ""]
        for p in overview[:n_over]:
            out += [p, ""]
        out += ["### （二）党中央、国务院、省委、省政府和市委、市政府关于质量工作部署落实情况", ""]
        for p in deploy[:n_dep]:
            out += [p, ""]
        out += ["## 二、工作亮点", ""]
        for p in highlights:
            out += [p, ""]
        out += ["## 三、工作存在的问题", "", "".join(PROBLEMS), "", "## 四、下一步工作措施", "",
                "".join(fill(t) for t in MEASURES), ""]
        return out

    lines = body(len(OVERVIEW), len(DEPLOY))
    assert chars("\n".join(lines)) <= BODY_LIMIT, "a generated report is over the 3000字 limit: shorten the templates"
    annex = ["## 附件：质量安全和质量发展工作典型案例", ""]
    for cn, (title, text) in zip("一二三", rng.sample(CASES, 3)):
        annex += [f"### 案例{cn}：{fill(title)}", "", fill(text), ""]
    front = ["---", f"round: {ROUND_ID}", f"county: {c['id']}", "---", "",
             f"<!-- {SAMPLE}：本报告由 benchmarks/generate.py 生成，文中数据均非真实。 -->", ""]
    return "\n".join(front + lines + annex).rstrip() + "\n"


def feedback(rng: random.Random, c: dict, weak: list[str]) -> str:
    problems = weak[:4] or ["质量工作基础有待进一步夯实"]
    out = [f"<!-- {SAMPLE}：反馈意见由 benchmarks/generate.py 生成。 -->", "", "## 问题不足", ""]
    out += [f"{i}. {p}。" for i, p in enumerate(problems, 1)]
    out += ["", "## 改进建议", ""]
    out += [f"{i}. {s}。" for i, s in enumerate(rng.sample(IMPROVE, 3), 1)]
    return "\n".join(out) + "\n"


IMPROVE = ["对照考核要点逐项补齐短板，细化年度任务清单", "加强部门协同和日常调度，建立问题整改闭环机制",
           "完善工作台账和印证材料，做到数据准确、佐证充分", "加大质量基础设施投入，提升检验检测公共服务能力",
           "在规上工业企业全面推行首席质量官制度", "加强质量人才队伍建设，提升基层监管人员专业能力"]


# ───────────────────────────── scores ─────────────────────────────


def _sample_module():
    sys.path.insert(0, str(ROOT / "tools"))
    import make_sample_rounds

    return make_sample_rounds


def item_scores(rng: random.Random, leaves, level: float) -> dict[str, Decimal]:
    """An item score for every leaf, around ``level`` (0–1), in 0.5 steps (0.1 under 1 point)."""
    out = {}
    for leaf in leaves:
        p = leaf.points
        st = D("0.5") if p >= 1 else D("0.1")
        if rng.random() < level ** 2.2:
            s = p
        else:
            ratio = max(0.3, level - 0.05 - rng.random() * 0.4)
            s = (p * D(str(round(ratio, 3))) / st).to_integral_value(rounding="ROUND_FLOOR") * st
        out[leaf.id] = min(max(s, D(0)), p)
    return out


# Sheets in the formats of the example round (its XLSX sheets written as CSV here).
SHEETS = {
    "市质强办": ("zhiqiangban", "yaml"), "市农业农村局": ("nongye", "csv"), "市交通运输局": ("jiaotong", "yaml"),
    "市水利局": ("shuili", "yaml"), "市文广旅局": ("wenguanglv", "csv"), "市卫生健康委": ("weijian", "yaml"),
    "市工业和信息化局": ("gongxin", "yaml"), "市教育局": ("jiaoyu", "yaml"), "市住建局": ("zhujian", "csv"),
    "市商务局": ("shangwu", "yaml"), "市市场监管局": ("shichang-jianguan", "csv"), "漯河海关": ("haiguan", "yaml"),
    "市公安局": ("gongan", "csv"),
}


# ───────────────────────────── the project ─────────────────────────────


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def copy_project(out: Path) -> None:
    for rel in COPY:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, out / rel, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, out / rel)


def round_yaml(n: int, cs: list[dict]) -> str:
    lines = [f"# {SAMPLE}：{n} 个虚构的县（市、区），由 benchmarks/generate.py 生成。",
             f"id: {ROUND_ID}", f"rubric: {RUBRIC_ID}", "year: 2022",
             "title: 示例省2022年度县级政府质量工作考核（性能测试）",
             "organiser: 示例省质量强省工作领导小组办公室", "status: published", "publish: ranks", "sample: true",
             "published_date: 2023-06-30",
             f"description: 对{n}个县（市、区）人民政府2022年度质量工作进行考核（虚构数据，用于性能测试）。",
             "counties:"]
    lines += [f"  - {{id: {c['id']}, name: {c['name']}, kind: {c['kind']}}}" for c in cs]
    lines += ["notification:", "  organ: 示例省质量强省工作领导小组办公室", "  doc_number: 示质强办〔2023〕8号",
              "  title: 关于2022年度县级政府质量工作考核结果的通报", "  date: 2023-06-28",
              "  to: 各县（市、区）人民政府", "  cc: [省纪委监委, 省委组织部]"]
    return "\n".join(lines) + "\n"


def generate(n: int, out: Path, seed: int = 2022) -> None:
    """Write the project for ``n`` counties into ``out`` (which must not exist or be empty)."""
    sample = _sample_module()
    copy_project(out)
    project = Project(ROOT)
    rubric, diags = project.load_rubric(RUBRIC_ID)
    assert rubric is not None, [d.format() for d in diags]
    leaves = [leaf for leaf in rubric.leaves() if leaf.rating is None]
    cs = counties(n)
    folder = out / "content" / ROUND_ID
    write(folder / "round.yaml", round_yaml(n, cs))

    scores: dict[str, dict] = {}
    remarks: dict[str, dict] = {}
    for k, c in enumerate(cs):
        rng = random.Random(f"{seed}:{k}")
        level = 0.62 + 0.35 * rng.random()
        scores[c["id"]] = item_scores(rng, leaves, level)
        remarks[c["id"]] = {leaf.id: sample.remark(rng, leaf.title, scores[c["id"]][leaf.id], leaf.points)
                            for leaf in leaves}
        weak = [remarks[c["id"]][leaf.id].split("，扣")[0] for leaf in leaves
                if scores[c["id"]][leaf.id] < leaf.points]
        write(folder / "reports" / f"{c['id']}.md", report(rng, c))
        write(folder / "feedback" / f"{c['id']}.md", feedback(rng, c, weak))
        gov = "管委会" if c["kind"] == "管委会" else "人民政府"
        people = sample.people(rng, _County(c), "0395", f"bench-{c['id']}", gov)
        head = [f"# {SAMPLE}：{c['name']}质量工作考核联系人员名单。姓名、电话、邮箱均为虚构。",
                "# 联系人员名单只供内部使用，不在网站上公布。", f"county: {c['id']}", "contacts:"]
        write(folder / "contacts" / f"{c['id']}.yaml", "\n".join(
            head + ["  - {" + ", ".join(f"{key}: {sample.q(v)}" for key, v in p.items()) + "}" for p in people]) + "\n")

    by_dept: dict[str, list] = {}
    for leaf in leaves:
        by_dept.setdefault(leaf.departments[0], []).append(leaf)  # shared items: the first department scores them
    assert set(by_dept) <= set(SHEETS), set(by_dept) - set(SHEETS)
    for dept, items in by_dept.items():
        slug, kind = SHEETS[dept]
        path = folder / "scores" / f"{slug}.{kind}"
        if kind == "yaml":
            lines = [f"# {SAMPLE}：{dept}评价表（漯河 附件6 的格式）。", f"department: {dept}", f"round: {ROUND_ID}",
                     "scores:"]
            for c in cs:
                lines.append(f"  {c['id']}:")
                lines += [f'    "{leaf.id}": {{score: {fmt(scores[c["id"]][leaf.id])}, '
                          f'remark: {sample.q(remarks[c["id"]][leaf.id])}}}' for leaf in items]
            write(path, "\n".join(lines) + "\n")
        else:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow([f"# {SAMPLE}：{dept}评价表。"])
            w.writerow([f"评价部门：{dept}"])
            w.writerow([f"考核轮次：{ROUND_ID}"])
            w.writerow(["县区编号", "所评县区", "考核项编号", "所评价项目", "实际得分", "评价说明"])
            for c in cs:
                for leaf in items:
                    w.writerow([c["id"], c["name"], leaf.id, leaf.title, fmt(scores[c["id"]][leaf.id]),
                                remarks[c["id"]][leaf.id]])
            write(path, buf.getvalue())

    # Events: every 7th county a 中州杯 bonus, every 11th a deduction, every 13th three of them (capped).
    bonus = [f"  - {{county: {c['id']}, item: B3, count: 1, evidence: {c['name']}一项工程获“中州杯”省优质工程奖。}}"
             for k, c in enumerate(cs) if k % 7 == 3]
    deductions = []
    for k, c in enumerate(cs):
        if k % 11 == 5:
            deductions.append(f"  - {{county: {c['id']}, item: D1, count: 1, evidence: {c['name']}发生一起重大服务质量事件。}}")
        if k % 13 == 8:
            deductions.append(f"  - {{county: {c['id']}, item: D1, count: 3, evidence: {c['name']}发生三起重大产品质量事件。}}")
    ev = [f"# {SAMPLE}：加分、扣分事项。"]
    ev += ["bonus:", *bonus] if bonus else ["bonus: []"]
    ev += ["deductions:", *deductions] if deductions else ["deductions: []"]
    write(folder / "events.yaml", "\n".join(ev) + "\n")


class _County:
    def __init__(self, c: dict):
        self.id, self.name, self.kind = c["id"], c["name"], c["kind"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", "-n", type=int, required=True, help="number of counties (1–9900)")
    ap.add_argument("--out", type=Path, required=True, help="project folder to write (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--force", action="store_true", help="replace the folder if it exists")
    args = ap.parse_args(argv)
    if not 1 <= args.counties <= 9900:
        ap.error("--counties must be between 1 and 9900")
    out = args.out.resolve()
    if out.exists() and any(out.iterdir()):
        if not args.force:
            ap.error(f"{out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    generate(args.counties, out, args.seed)
    print(f"wrote {out} ({args.counties} counties, round {ROUND_ID})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
