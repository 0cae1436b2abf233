"""The printed documents read back: GB/T 9704-2012 geometry, text, fonts, 版记, page numbers.

Real WeasyPrint, real CJK fonts; positions are read from the PDFs with pdfplumber (the
top of a character is the top of its em box). Page 1 of each document type is kept as a
PNG in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.pdf import render_feedback, render_notification, render_report
from builder.project import Project
from fixtures.pdf import pdfcheck as pc
from fixtures.pdf.synthetic import REPO, make_results

A4 = (595.276, 841.89)
TOP, LEFT, WIDTH, HEIGHT = 37.0, 28.0, 156.0, 225.0
BOTTOM = TOP + HEIGHT  # 262 mm: bottom edge of the version


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return make_results(tmp_path_factory.mktemp("round") / "luohe-2022")


@pytest.fixture(scope="module")
def docs(results, project, tmp_path_factory):
    """notification, feedback and report PDFs of the synthetic round, written to files."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {
        "notification": render_notification(results, project),
        "feedback": render_feedback(results, project, "wuyang"),
        "report": render_report(results, project, "wuyang"),
    }
    paths = {}
    for kind, data in out.items():
        paths[kind] = folder / f"{kind}.pdf"
        paths[kind].write_bytes(data)
        pc.png(paths[kind], f"pdf-{kind}-page1")
    return paths


def body_lines(path, pages=None):
    return [l for l in pc.lines(path, pages) if abs(l.size - 16) < 0.1 and TOP - 1 < l.top < BOTTOM]


# ------------------------------------------------------------------ page and version


@pytest.mark.parametrize("kind", ["notification", "feedback", "report"])
def test_a4_pages(docs, kind):
    sizes = pc.page_sizes(docs[kind])
    assert sizes
    for w, h in sizes:
        assert abs(w - A4[0]) < 0.5 and abs(h - A4[1]) < 0.5


@pytest.mark.parametrize("kind", ["notification", "feedback", "report"])
def test_body_starts_28mm_from_the_left(docs, kind):
    lines = body_lines(docs[kind])
    left = min(l.x0 for l in lines)
    assert abs(left - LEFT) <= 1.0, left
    # and nothing of the body leaves the 156 mm version
    assert max(l.x1 for l in lines) <= LEFT + WIDTH + 0.5


@pytest.mark.parametrize("kind", ["notification", "report"])
def test_body_text_in_3hao_fangsong(docs, kind):
    lines = body_lines(docs[kind])
    fonts = {f for l in lines for f in l.fonts}
    assert "kaohe-fangsong" in fonts
    assert all(abs(l.size - 16) < 0.1 for l in lines)


def test_28_characters_per_full_line_and_22_lines_per_full_page(docs):
    lines = body_lines(docs["report"])
    # continuation lines of paragraphs made only of full-width characters hold 28; since
    # lines are justified (issue 11), a line that gives its last character to the next
    # line (避头尾: the next line would start with a stop) reaches the edge too, with 27
    most, full = pc.grid(docs["report"])
    assert len(full) >= 5
    assert {len(l.text) for l in full} <= {27, 28} and 28 in {len(l.text) for l in full}, [l.text for l in full]
    per_page = {}
    for l in lines:
        per_page.setdefault(l.page, set()).add(round(l.top, 0))
    assert max(len(v) for v in per_page.values()) == 22, {k: len(v) for k, v in per_page.items()}
    # the grid: 225 mm / 22 lines, so consecutive lines are 10.2 mm apart
    page = max(per_page, key=lambda p: len(per_page[p]))
    tops = sorted(l.top for l in lines if l.page == page)
    steps = {round(b - a, 1) for a, b in zip(tops, tops[1:]) if b - a > 1}
    assert steps <= {10.2, 10.3}, steps


# ------------------------------------------------------------------ 版头


def test_red_organ_name_72mm_from_the_top_and_centred(docs, results):
    organ = results.round.notification.organ
    lines = [l for l in pc.lines(docs["notification"], [1]) if l.text == organ]
    assert len(lines) == 1
    l = lines[0]
    assert all(pc.is_red(c) for c in l.colours)
    assert abs(l.top - (TOP + 35)) <= 1.0, l.top
    assert abs((l.x0 + l.x1) / 2 - (LEFT + WIDTH / 2)) <= 1.0
    assert l.fonts == {"kaohe-xiaobiaosong"}


@pytest.mark.slow
def test_doc_code_red_rule_title_and_recipient(docs, results):
    n = results.round.notification
    lines = pc.lines(docs["notification"], [1])
    organ = next(l for l in lines if l.text == n.organ)
    code = next(l for l in lines if "〔" in l.text)
    assert code.text == "漯质强办〔2023〕8号"
    assert re.fullmatch(r"\S+〔\d{4}〕[1-9]\d*号", code.text) and "第" not in code.text
    assert abs((code.x0 + code.x1) / 2 - (LEFT + WIDTH / 2)) <= 1.0
    # 空二行: two lines (2 × 10.2 mm) between the organ name and the 发文字号
    gap = code.top - organ.bottom
    assert 2 * 10.2 - 1 <= gap <= 2 * 10.2 + 4, gap
    red = [r for r in pc.rules(docs["notification"], 1) if pc.is_red(r["colour"])]
    assert len(red) == 1
    rule = red[0]
    assert abs(rule["x0"] - LEFT) < 0.3 and abs(rule["x1"] - (LEFT + WIDTH)) < 0.3  # as wide as the version
    assert [r["colour"] for r in pc.hrules(docs["notification"], 1)] == ["red"]
    assert abs(rule["top"] - (code.bottom + 4)) <= 0.5, (rule["top"], code.bottom)  # 4 mm below the 发文字号
    title = [l for l in lines if abs(l.size - 22) < 0.1]
    assert "".join(l.text for l in title) == n.title
    assert {f for l in title for f in l.fonts} == {"kaohe-xiaobiaosong"}
    assert 2 * 10.2 - 0.5 <= title[0].top - rule["bottom"] <= 2 * 10.2 + 4  # 空二行 below the rule
    to = next(l for l in lines if l.text.startswith(n.to[:6]))
    assert abs(to.x0 - LEFT) < 0.3  # 主送机关 flush left …
    assert "".join(l.text for l in lines if l.top >= to.top and l.top < to.top + 15).startswith(n.to + "：")
    assert 10.2 - 0.5 <= to.top - title[-1].bottom <= 10.2 + 4  # … one line below the title


def test_headings_heiti_and_kaiti_paragraph_indent(docs):
    lines = body_lines(docs["report"])
    h1 = [l for l in lines if re.match(r"^[一二三四五六七八九十]+、", l.text)]
    h2 = [l for l in lines if re.match(r"^（[一二三四五六七八九十]+）", l.text)]
    assert h1 and h2
    assert all(l.fonts == {"kaohe-heiti"} for l in h1)
    assert all("kaohe-kaiti" in l.fonts for l in h2)
    first_lines = [l for l in lines if l.text.startswith("2022年，")]
    assert first_lines and abs(first_lines[0].x0 - (LEFT + 2 * 15.75 / pc.MM)) < 0.5  # indented two characters


# ------------------------------------------------------------------ notification content


def test_notification_text(docs, results):
    text = "".join(l.text for l in pc.lines(docs["notification"]))
    for c in results.counties:
        assert c.county.name in text
    for grade in ("A级", "B级", "C级", "D级"):
        assert grade in text
    assert "一、考核基本情况" in text and "二、考核结果" in text and "三、有关要求" in text
    assert "附件：" in text
    assert "2023年6月28日" in text  # 成文日期: Arabic numerals, no leading zeros
    assert "西城区因发生区域性食品质量安全事件" in text  # the veto and its reason


def test_notification_annex_on_its_own_page(docs, results):
    lines = pc.lines(docs["notification"])
    label = [l for l in lines if l.text == "附件"]
    assert len(label) == 1
    l = label[0]
    assert l.fonts == {"kaohe-heiti"} and abs(l.x0 - LEFT) < 0.3 and abs(l.top - (TOP + 2.28)) < 1
    page = [x for x in lines if x.page == l.page and x.top > TOP - 1]  # (not the 示例数据 line above the version)
    assert page[0] is l  # first thing on its page
    title = next(x for x in page if abs(x.size - 22) < 0.1)
    assert title.text == f"{results.round.title}结果"
    assert abs((title.x0 + title.x1) / 2 - (LEFT + WIDTH / 2)) < 1
    rows = {x.text for x in page}
    for c in results.counties:
        assert any(c.county.name in r for r in rows)


@pytest.mark.slow
def test_banji_at_the_bottom_of_the_last_page(docs, results):
    path = docs["notification"]
    n_pages = len(pc.page_sizes(path))
    lines = pc.lines(path)
    cc = [l for l in lines if l.text.startswith("抄送：")]
    printed = [l for l in lines if l.text.endswith("印发")]
    assert len(cc) == 1 and len(printed) == 1
    assert cc[0].page == printed[0].page == n_pages
    assert abs(cc[0].size - 14) < 0.1 and abs(printed[0].size - 14) < 0.1  # 4号
    assert cc[0].text == "抄送：市纪委监委，市委组织部。"
    assert printed[0].text.startswith(results.round.notification.printer)
    assert "2023年6月30日印发" in printed[0].text
    banji = [r for r in pc.hrules(path, n_pages) if r["colour"] == "black" and r["top"] > cc[0].top - 12]
    assert len(banji) == 3, banji
    first, middle, last = banji
    # first and last rules 0.35 mm, the middle one 0.25 mm (read at 600 dpi: ±1 pixel)
    assert abs(first["thickness"] - 0.35) < 0.06 and abs(last["thickness"] - 0.35) < 0.06, banji
    assert abs(middle["thickness"] - 0.25) < 0.06, banji
    assert first["bottom"] <= cc[0].top < middle["top"] <= printed[0].top and printed[0].bottom <= last["top"]
    assert abs(last["bottom"] - BOTTOM) < 0.3  # the last rule is the bottom edge of the version
    others = [l for l in lines if l.page == n_pages and l.top < first["top"] and l.size > 13]
    assert all(l.bottom <= first["top"] for l in others)


@pytest.mark.parametrize("kind", ["notification", "feedback", "report"])
def test_page_numbers(docs, kind):
    path = docs[kind]
    n_pages = len(pc.page_sizes(path))
    nums = [l for l in pc.lines(path) if re.fullmatch(r"— \d+ —", l.text)]
    # every page is numbered with its own number, except a page holding only the 版记 and
    # a blank page before it (GB/T 9704 §7.5; the 版记 is on an even page since issue 11)
    body_pages = {l.page for l in pc.lines(path) if TOP - 1 < l.top < BOTTOM - 25}
    assert [int(l.text.split()[1]) for l in nums] == [p for p in range(1, n_pages + 1) if p in body_pages]
    assert all(int(l.text.split()[1]) == l.page for l in nums)
    one_char = 14 / pc.MM
    ink = dict(pc.dash_ink_tops(path))
    for l in nums:
        assert abs(l.size - 14) < 0.1 and l.fonts == {"kaohe-songti"}
        # the ink of the 一字线 7 mm below the version (was: the text box, issue 11)
        assert abs(ink[l.page] - 7) <= 0.5, ink
        if l.page % 2:  # odd pages: right, one character in
            assert abs(l.x1 - (LEFT + WIDTH - one_char)) < 0.5
        else:
            assert abs(l.x0 - (LEFT + one_char)) < 0.5


@pytest.mark.parametrize("kind", ["notification", "feedback", "report"])
def test_all_fonts_embedded_subsets(docs, kind):
    rows = pc.pdffonts(docs[kind])
    assert rows
    assert all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in rows), rows
    assert {r["name"].split("+")[-1] for r in rows} <= {"kaohe-fangsong", "kaohe-xiaobiaosong", "kaohe-heiti",
                                                        "kaohe-kaiti", "kaohe-songti"}
    assert docs[kind].stat().st_size < 400_000


# ------------------------------------------------------------------ feedback and report content


def test_feedback_content(docs, results):
    c = results.county("wuyang")
    text = "".join(l.text for l in pc.lines(docs["feedback"]))
    assert "舞阳县人民政府：" in text
    for a in c.areas:
        assert a.area.title in text
    assert "问题不足" in text and "改进建议" in text
    assert "质量基础设施“一站式”服务站覆盖面不够" in text  # from feedback/wuyang.md
    assert "加快建设检验检测公共服务平台" in text
    assert "各考核领域得分与满分" in text  # the chart's caption


@pytest.mark.slow
def test_feedback_bonus_deduction_veto_reasons(results, project, tmp_path):
    text_of = lambda cid: "".join(l.text for l in pc.lines(_write(tmp_path / f"{cid}.pdf",
                                                                  render_feedback(results, project, cid))))
    assert "扣分：发生重大产品和服务质量事件，3次，应扣3分，按上限扣2分。依据：2022年发生重大产品质量事件3起。" in text_of("zhaoling")
    assert "加分：推进质量强国建设工作成效突出受到国务院办公厅督查激励，1项，加1分。" in text_of("linying")
    veto = text_of("xicheng")
    assert "一票否决" in veto and "发生区域性食品质量安全事件" in veto and "考核等次为D级" in veto


def test_report_annex_and_image(docs):
    lines = pc.lines(docs["report"])
    text = "".join(l.text for l in lines)
    assert "舞阳县2022年度质量工作自评报告" in text
    label = [l for l in lines if l.text == "附件"]
    assert len(label) == 1 and label[0].fonts == {"kaohe-heiti"}
    assert [l for l in lines if l.page == label[0].page and l.size > 12][0] is label[0]  # new page, top left
    assert "案例一：“一站式”服务助力企业提质增效" in text
    import pypdf

    reader = pypdf.PdfReader(str(docs["report"]))
    images = [name for p in reader.pages for name in (p.get("/Resources", {}).get("/XObject") or {})]
    assert images  # the photo from the round's folder


# ------------------------------------------------------------------ watermark


@pytest.mark.parametrize("status,mark", [("draft", "草稿"), ("approved", "征求意见稿"), ("published", None)])
def test_watermark(status, mark, project, tmp_path):
    results = make_results(tmp_path / "luohe-2022", status=status, counties=2)
    path = _write(tmp_path / "n.pdf", render_notification(results, project))
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            big = "".join(sorted(c["text"] for c in page.chars if c["size"] > 50))  # the rotated watermark
            text = "".join(c["text"] for c in page.chars)
            if mark:
                assert big == "".join(sorted(mark))
            else:
                assert big == "" and "草稿" not in text and "征求意见稿" not in text
    if mark:
        pc.png(path, f"pdf-notification-{status}-page1", dpi=60)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.slow
def test_banji_never_overlaps_a_full_last_page(project, tmp_path):
    """Grow the results table row by row: the 版记 stays at the bottom of the last page and
    moves to a page of its own when the table fills the page, never over the table."""
    shared = alone = 0
    for n in range(26, 31):
        results = make_results(tmp_path / str(n) / "luohe-2022", extra_counties=n)
        path = _write(tmp_path / f"{n}.pdf", render_notification(results, project))
        lines = pc.lines(path)
        n_pages = max(l.page for l in lines)
        cc = next(l for l in lines if l.text.startswith("抄送："))
        assert cc.page == n_pages
        rules = [r for r in pc.hrules(path, n_pages, dpi=300) if r["colour"] == "black"]
        first_banji_rule = [r for r in rules if r["bottom"] <= cc.top][-1]
        assert abs(rules[-1]["bottom"] - BOTTOM) < 0.3  # the 版记 ends at the bottom edge of the version
        above = [l for l in lines if l.page == n_pages and TOP - 1 < l.top < cc.top and not l.text.startswith("—")]
        assert all(l.bottom <= first_banji_rule["top"] for l in above), [l.text for l in above]
        table_rules = [r for r in rules if r["bottom"] < first_banji_rule["top"] - 0.01]
        if above or table_rules:
            shared += 1
        else:
            alone += 1
    assert shared and alone, (shared, alone)
