"""Fuzzing the YAML, CSV and XLSX loaders through the CLI with generated files.

Each example writes one generated file into a score-sheet slot of a real project and runs
``kaohe validate`` as a process. Whatever the file holds, the command must end within the
time bound with exit code 0 or 1, print no traceback, and every error it reports must be
located (``path:line:col: error[rule] …``) or name the file. Few examples, no deadline:
each run is a process start.
"""

from __future__ import annotations

import re

import pytest
from hostile_support import ROUND, inline, run, site_support, xlsx_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_LINE = re.compile(r"^(\S+?)(:\d+:\d+)?: error\[[\w-]+\] .*[\u4e00-\u9fff]", re.M)


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return site_support.make_project(tmp_path_factory.mktemp("fuzz"))


def _check(proj, target):
    r = run(proj, "validate", ROUND)
    assert r.rc in (0, 1), r.out[-2000:]
    if r.rc == 1:
        assert ERROR_LINE.search(r.out), r.out[-2000:]
    return r


def _slot(proj, name: str):
    scores = proj / "content" / ROUND / "scores"
    for p in scores.iterdir():
        if p.name.startswith("fuzz."):
            p.unlink()
    return scores / name


# -- YAML -------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["东城区", "east", "1", "6", "市农业农村局", "=1+1", "&a", "*a", "<<", "~", "0x1F", "1_000", "2024-13-40"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=5)
    ),
    max_leaves=40,
)
yaml_noise = st.text(
    alphabet=list("[]{}:-&*!|>'\"#%@`?,. \n\t0123456789aeE+中文") + ["\x00", "\x07", "\ufeff"], max_size=1500
)


@pytest.mark.slow
@FUZZ
@given(data=values, noise=yaml_noise, where=st.integers(min_value=0, max_value=2000))
def test_yaml_sheet_files(proj, data, noise, where):
    import yaml

    doc = {"department": "市农业农村局", "scores": {"east": {"6": data}}, "x": data}
    text = yaml.safe_dump(doc, allow_unicode=True, default_flow_style=False)
    text = text[:where] + noise + text[where:]  # then break it somewhere
    target = _slot(proj, "fuzz.yaml")
    target.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _check(proj, target)


@pytest.mark.slow
@FUZZ
@given(data=values, noise=yaml_noise, where=st.integers(min_value=0, max_value=3000))
def test_rubric_files(proj, data, noise, where):
    rubric = (proj / "rubrics" / "tiny.yaml").read_text(encoding="utf-8")
    import yaml

    text = rubric.replace("id: tiny\n", "id: fuzz\n") + yaml.safe_dump({"x-extra": data}, allow_unicode=True)
    text = text[:where] + noise + text[where:]
    (proj / "rubrics" / "fuzz.yaml").write_bytes(text.encode("utf-8", errors="surrogatepass"))
    r = run(proj, "rubric", "validate", "fuzz")
    assert r.rc in (0, 1), r.out[-2000:]
    if r.rc == 1:
        assert ERROR_LINE.search(r.out), r.out[-2000:]


# -- CSV --------------------------------------------------------------------------------

cells = st.one_of(
    st.text(alphabet=list(',"\t\n\r ;#：:25东城区'), max_size=12),
    st.sampled_from(["东城区", "east", "2", "5", "18", "1e308", "NaN", "1" * 5000, '"' + "x" * 200_000]),
    st.text(max_size=20),
    st.sampled_from(["县区编号", "所评县区", "考核项编号", "实际得分", "评价说明", "评价部门：市住建局"]),
)


@pytest.mark.slow  # the YAML sheets stay fast (same slot, same command); CSV cases in test_corpus.py
@FUZZ
@given(
    rows=st.lists(st.lists(cells, max_size=8), max_size=30),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]),
    sep=st.sampled_from([",", "\t", ";"]),
)
def test_csv_sheet_files(proj, rows, encoding, sep):
    head = "评价部门：市住建局\n县区编号,所评县区,考核项编号,实际得分,评价说明\n"
    text = head + "\n".join(sep.join(r) for r in rows) + "\n"
    target = _slot(proj, "fuzz.csv")
    target.write_bytes(text.encode(encoding, errors="replace"))
    _check(proj, target)


# -- XLSX -------------------------------------------------------------------------------

refs = st.one_of(
    st.builds(
        lambda c, r: f"{c}{r}",
        st.sampled_from(["A", "B", "C", "D", "E", "Z", "IV", "IW", "XFD"]),
        st.sampled_from([1, 2, 3, 4, 99, 100000, 100001, 1048576]),
    ),
    st.sampled_from(["", "A0", "1A", "$A$1", "AAAA1"]),
)
xml_cell = st.builds(
    lambda ref, t, v, f: (
        f'<c r="{ref}"' + (f' t="{t}"' if t else "") + ">" + (f"<f>{f}</f>" if f else "") + f"<v>{v}</v></c>"
    ),
    refs,
    st.sampled_from(["", "n", "s", "b", "e", "str", "d", "inlineStr", "bogus"]),
    st.sampled_from(["1", "4.5", "-0", "1e308", "NaN", "0", "7", "99999999999", "x", "", "1" * 5000]),
    st.sampled_from(["", "", "", "1+2", "SUM(A1:A9)"]),
)
xml_row = st.builds(
    lambda r, cs: f'<row r="{r}">' + "".join(cs) + "</row>",
    st.sampled_from(["1", "2", "3", "9", "0", "x", "1048576"]),
    st.lists(xml_cell, max_size=6),
)


@pytest.mark.slow
@FUZZ
@given(
    rows=st.lists(xml_row, max_size=12),
    shared=st.lists(st.text(max_size=10), max_size=5),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    flip=st.integers(min_value=0, max_value=255),
)
def test_xlsx_sheet_files(proj, rows, shared, cut, flip):
    from xml.sax.saxutils import escape

    header = (
        '<row r="1">'
        + inline("A1", "评价部门：市住建局")
        + "</row>"
        + '<row r="2">'
        + "".join(inline(f"{c}2", h) for c, h in zip("ABCD", ("县区编号", "所评县区", "考核项编号", "实际得分"), strict=True))
        + "</row>"
    )
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        + "</sst>"
    )
    data = xlsx_bytes([("评价表", header + "".join(rows))], sst)
    if cut is not None and cut < len(data):  # a damaged download: one byte changed
        data = data[:cut] + bytes([data[cut] ^ (flip or 1)]) + data[cut + 1 :]
    target = _slot(proj, "fuzz.xlsx")
    target.write_bytes(data)
    _check(proj, target)


@pytest.mark.slow
@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(),
                st.floats(allow_nan=False),
                st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=15),
                st.sampled_from(["=1+2", "east", "东城区", "2", "18"]),
            ),
            max_size=6,
        ),
        max_size=20,
    )
)
def test_xlsx_written_by_openpyxl(proj, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "评价表"
    ws.append(["评价部门：市住建局"])
    ws.append(["县区编号", "所评县区", "考核项编号", "实际得分"])
    for r in rows:
        ws.append([("'" + v) if isinstance(v, str) and v.startswith("=") and len(v) == 1 else v for v in r])
    target = _slot(proj, "fuzz.xlsx")
    wb.save(target)
    _check(proj, target)
