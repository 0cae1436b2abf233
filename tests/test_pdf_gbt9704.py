"""GB/T 9704-2012 conformance of the real documents, measured from the PDFs (issue 11).

The example rounds luohe-2022 (漯河) and huizhou-2017 (惠州) are rendered as they are
published; every document kind (通报, 反馈, 自评报告) is read back with pdfplumber and
poppler and measured: justified lines, the page-number 一字线, title breaks at word
boundaries, no page with only the closing block, the 版记 on an even page, the 22 × 28
grid, 示例数据 on every page and in the metadata, and the wording fixes.
"""

from __future__ import annotations

import re

import pytest

from builder.pdf import render_rounds_pdfs
from builder.pdf import titles as T
from builder.pdf.render import TAIL_CHARS
from builder.project import Project
from builder.rounds.load import load_round
from builder.rounds.scoring import compute
from fixtures.pdf import pdfcheck as pc
from fixtures.pdf.synthetic import REPO

ROUNDS = ("luohe-2022", "huizhou-2017")
# one document of each kind per round, plus the ones whose layout is special: 开发区's
# feedback ends on an even page with no room for the 版记 (a blank page, then the 版记).
DOCS = [
    ("luohe-2022", "notification.pdf"), ("luohe-2022", "wuyang/feedback.pdf"),
    ("luohe-2022", "kaifaqu/feedback.pdf"), ("luohe-2022", "wuyang/report.pdf"),
    ("luohe-2022", "shifanqu/report.pdf"),
    ("huizhou-2017", "notification.pdf"), ("huizhou-2017", "boluo/feedback.pdf"),
    ("huizhou-2017", "huidong/feedback.pdf"),
]
ORGANS = {"luohe-2022": "漯河市质量强市战略工作领导小组办公室", "huizhou-2017": "惠州市质量强市工作领导小组办公室"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project():
    return Project(REPO)


@pytest.fixture(scope="module")
def built(project, tmp_path_factory):
    """Every PDF of both example rounds, rendered as the site build renders them."""
    out = tmp_path_factory.mktemp("gbt9704")
    results = {}
    for rid in ROUNDS:
        rnd, diags = load_round(project, rid)
        assert rnd is not None, diags
        results[rid] = compute(rnd)
    warnings = []
    render_rounds_pdfs(list(results.values()), project, out, jobs=2, warnings=warnings)
    return out, results, warnings


def path_of(built, rid, rel):
    return built[0] / rid / rel


def ids(doc):
    return f"{doc[0]}:{doc[1]}"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_lines_are_justified_but_the_last(built, doc):
    path = path_of(built, *doc)
    continued = pc.continued_lines(path)
    assert len(continued) >= 5  # the measure sees the paragraphs
    ragged = pc.ragged_lines(path, tolerance_mm=1.0)
    assert not ragged, [(l.page, round(pc.V_RIGHT - l.x1, 1), l.text) for l in ragged]
    # nothing leaves the version on the right
    assert max(l.x1 for l in pc.body_lines(path)) <= pc.V_RIGHT + 0.5
    # the last lines of paragraphs are not stretched: some end well short of the edge
    assert any(l.x1 < pc.V_RIGHT - 20 for l in pc.body_lines(path))


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_page_number_dash_ink_7mm_below_the_version(built, doc):
    path = path_of(built, *doc)
    tops = pc.dash_ink_tops(path)
    assert tops, "no page numbers"
    for page, mm in tops:
        assert abs(mm - 7.0) <= 0.5, (page, mm)


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_titles_break_at_word_boundaries_and_are_balanced(built, doc):
    path = path_of(built, *doc)
    lines = pc.title_lines(path)
    assert lines
    check_title(lines)


def check_title(lines, names=()):
    text = "".join(lines)
    cuts = set(T.boundaries(text, names))
    pos = 0
    for line in lines[:-1]:
        pos += len(line)
        assert pos in cuts, f"“{line}|{text[pos:]}” breaks inside a word: {T.words(text)}"
    widths = [T.width(line) for line in lines]
    assert max(widths) <= 18
    if len(lines) > 1:
        assert min(widths) >= 0.5 * max(widths), lines  # balanced, no stub line
        assert len(lines) <= -(-T.width(text) // 18) + 1


def test_annex_titles_break_at_word_boundaries(built):
    for rid in ROUNDS:
        path = path_of(built, rid, "notification.pdf")
        annex_page = next(i for i, t in enumerate(pc.text_of_pages(path), 1) if t.lstrip().startswith(
            ("示例数据", "附件")) and "附件\n" in t)
        check_title(pc.title_lines(path, annex_page))


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_no_page_holds_only_the_closing_block(built, doc):
    rid, rel = doc
    path = path_of(built, *doc)
    signature = ORGANS[rid] if "report" not in rel else None
    if signature is None:
        from builder.pdf.documents import government

        signature = government(built[1][rid].county(rel.split("/")[0]).county)
    assert pc.closing_only_pages(path, signature) == []
    # and the signature is there, with its date below it
    body = pc.body_lines(path)
    sig = [i for i, l in enumerate(body) if l.text == signature]
    assert sig, f"no 署名 {signature}"
    assert re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", body[sig[-1] + 1].text)


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_no_heading_or_caption_stranded_at_a_page_end(built, doc):
    path = path_of(built, *doc)
    assert pc.stranded_headings(path) == []
    if doc[1].endswith("feedback.pdf"):
        # the chart keeps its caption; page 1 is not left half empty by it (issue 11)
        body = [l for l in pc.lines(path, [1]) if pc.V_TOP - 1 < l.top < pc.V_BOTTOM]
        assert max(l.bottom for l in body) > pc.V_BOTTOM - 45


@pytest.mark.parametrize("doc", [d for d in DOCS if "report" not in d[1]], ids=ids)
def test_banji_on_an_even_page(built, doc):
    path = path_of(built, *doc)
    page = pc.banji_page(path)
    assert page is not None, "no 版记"
    assert page % 2 == 0 and page == pc.page_count(path)
    # a 版记 page or blank page before it carries no page number (§7.5)
    numbered = {p for p, _ in pc.dash_ink_tops(path)}
    body_pages = {l.page for l in pc.body_lines(path)}
    assert all(p in numbered for p in body_pages if p != page)
    if page - 1 not in body_pages:
        assert page - 1 not in numbered and page not in numbered


def test_every_closing_page_parity_case_is_exercised(built):
    # 开发区's feedback needs the blank page: the body ends on an even page that has no room.
    path = path_of(built, "luohe-2022", "kaifaqu/feedback.pdf")
    body_pages = {l.page for l in pc.body_lines(path)}
    assert pc.banji_page(path) - 1 not in body_pages


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_22_lines_of_28_characters(built, doc):
    path = path_of(built, *doc)
    most, full = pc.grid(path)
    assert most <= 22
    if "report" in doc[1] or "notification" in doc[1]:
        assert most >= 20
    for line in full:
        if len(line.text) == 28:
            continue
        # shorter only where the next character may not begin a line (避头尾), a run of
        # digits does not fit, or the paragraph's last characters are kept together
        # (render.TAIL_CHARS): such a line is justified to the edge
        nxt = next(n for l, n in pc.continued_lines(path) if l is line or (l.page, l.top) == (line.page, line.top))
        assert len(line.text) >= 28 - TAIL_CHARS, line.text
        assert (nxt.text[:1].isascii() or nxt.text[1:2] in T.NO_BREAK_BEFORE
                or len(nxt.text) <= TAIL_CHARS), (line.text, nxt.text)


@pytest.mark.parametrize("rid", ROUNDS)
def test_every_page_of_every_sample_pdf_says_so(built, rid):
    out, results, _ = built
    assert results[rid].round.sample
    paths = sorted((out / rid).rglob("*.pdf"))
    assert len(paths) >= 5
    for path in paths:
        for n, text in enumerate(pc.text_of_pages(path), 1):
            assert "示例数据" in text, (path.name, n)
        meta = pc.metadata(path)
        assert "示例数据" in meta["Title"] and "示例数据" in meta["Subject"] and "示例数据" in meta["Keywords"]


def test_metadata_per_kind(built):
    out, _, _ = built
    n = pc.metadata(out / "luohe-2022" / "notification.pdf")
    assert n["Author"] == ORGANS["luohe-2022"] and n["Title"].startswith("关于2022年度县区政府质量工作考核结果的通报")
    assert "结果通报" in n["Subject"]
    f = pc.metadata(out / "luohe-2022" / "wuyang" / "feedback.pdf")
    assert f["Author"] == ORGANS["luohe-2022"] and "舞阳县" in f["Title"] and "反馈" in f["Subject"]
    r = pc.metadata(out / "luohe-2022" / "wuyang" / "report.pdf")
    assert r["Author"] == "舞阳县人民政府" and "自评报告" in r["Subject"]
    k = pc.metadata(out / "luohe-2022" / "kaifaqu" / "report.pdf")
    assert k["Author"] == "经济技术开发区管委会"


def test_feedback_is_a_complete_document(built):
    out, _, _ = built
    text = "".join(pc.text_of_pages(out / "luohe-2022" / "wuyang" / "feedback.pdf")).replace("\n", "")
    assert "漯质强办函〔2023〕9号" in text  # 文号 from round.yaml (notification.feedback_number)
    assert "2023年6月30日印发" in text  # 版记
    assert "排名第2位。" in text
    hz = "\n".join(pc.text_of_pages(out / "huizhou-2017" / "boluo" / "feedback.pdf"))
    assert "惠质强办函〔2018〕6号" in hz


def test_report_carries_the_county_signature_and_date(built):
    out, _, _ = built
    lines = pc.body_lines(out / "luohe-2022" / "wuyang" / "report.pdf")
    i = next(i for i, l in enumerate(lines) if l.text == "舞阳县人民政府")
    assert lines[i + 1].text == "2023年1月10日"
    assert lines[i].x0 > pc.V_LEFT + 60  # 署名 on the right


def test_no_double_stops_and_no_lone_stop_lines(built):
    out, _, _ = built
    for rid in ROUNDS:
        for path in sorted((out / rid).rglob("*.pdf")):
            text = "".join(pc.text_of_pages(path))
            assert "。。" not in text, path
            for line in pc.body_lines(path):
                # the last line of a paragraph is never a character and a stop ("2。")
                assert len(line.text) > 2 or not line.text.endswith("。"), (path, line.text)


def test_the_stand_in_title_font_is_said_once(built):
    _, _, warnings = built
    notes = [d for d in warnings if d.rule == "pdf-font-stand-in"]
    assert len(notes) == 1 and "小标宋" in notes[0].message and "方正小标宋简体" in notes[0].message


def test_body_is_fandol_fang(built):
    out, _, _ = built
    rows = pc.pdffonts(out / "luohe-2022" / "notification.pdf")
    assert {"kaohe-fangsong", "kaohe-heiti", "kaohe-kaiti"} <= {r["name"].split("+")[-1] for r in rows}
    import pdfplumber

    with pdfplumber.open(str(out / "luohe-2022" / "notification.pdf")) as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
    assert fonts


# ------------------------------------------------------------------ titles of any length


@pytest.mark.parametrize("length", [100, 300])
def test_long_county_names_and_annex_headings_render(project, tmp_path, length):
    """A 100- or 300-character county name (in the feedback title) and annex heading lay
    out in bounded time and break at word boundaries."""
    import time

    from builder.pdf import render_feedback, render_report
    from fixtures.pdf.synthetic import make_results

    name = ("舞阳县城乡一体化示范区高新技术产业开发区" * 20)[:length]
    heading = ("质量安全和质量发展工作典型案例及经验做法" * 20)[:length]
    results = make_results(tmp_path / "luohe-2022", counties=1, report_extra=f"\n\n## 附件：{heading}\n\n正文。\n")
    county = results.counties[0].county
    object.__setattr__(county, "name", name)
    started = time.perf_counter()
    fb = tmp_path / "f.pdf"
    fb.write_bytes(render_feedback(results, project, county.id))
    rp = tmp_path / "r.pdf"
    rp.write_bytes(render_report(results, project, county.id))
    assert time.perf_counter() - started < 30
    lines = pc.title_lines(fb)
    assert "".join(lines) == f"关于{name}2022年度质量工作考核结果的反馈"
    check_long(lines)  # (a name longer than a line is broken between its own words)
    annex_page = next(i for i, t in enumerate(pc.text_of_pages(rp), 1) if "附件" in t and heading[:10] in t)
    check_long(pc.title_lines(rp, annex_page))


def check_long(lines, names=()):
    text = "".join(lines)
    cuts = set(T.boundaries(text, names))
    pos = 0
    for line in lines[:-1]:
        pos += len(line)
        assert pos in cuts, line
    assert all(T.width(l) <= 18 for l in lines)


def test_draft_round_without_notification_has_no_banji_or_code(project, tmp_path):
    """changzhou-2024 is a draft without a notification section: its feedback letters have
    no 文号 and no 版记 (nothing to print there), and still say 示例数据 and 草稿 on every page."""
    from builder.pdf import render_feedback

    rnd, diags = load_round(project, "changzhou-2024")
    assert rnd is not None and rnd.notification is None, diags
    path = tmp_path / "f.pdf"
    path.write_bytes(render_feedback(compute(rnd), project, "wujin"))
    assert pc.banji_page(path) is None
    pages = pc.text_of_pages(path)
    assert all("示例数据" in t for t in pages)
    assert "〔" not in pages[0].split("关于")[0]  # no 发文字号 above the title
    assert not pc.ragged_lines(path) and pc.closing_only_pages(path, rnd.organiser) == []
