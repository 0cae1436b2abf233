"""The hostile-input corpus (issue 15): helpers shared by its tests (fixtures in ``conftest.py``).

Every case runs the real CLI (``kaohe …`` or ``mkdocs build``) as a separate process on a
temporary copy of a small project (:func:`site_support.make_project`) and checks the same
five things: the exit code, a located Chinese message (``path:line:col: error[rule] …``),
no traceback, a 30 s bound (a hang fails the test instead of stalling the suite) and, when
a build is involved, ``site/`` left exactly as the last good build made it.
Big and bomb-like files are generated into ``tmp_path`` at test time, never committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import site_support  # noqa: E402

TIME_LIMIT = 30  # seconds: the bound for every case
ROUND = "tiny-2024"
CJK = re.compile(r"[\u4e00-\u9fff]")


class Run:
    """A finished CLI process with the corpus' assertions."""

    def __init__(self, proc: subprocess.CompletedProcess, cmd: list[str]):
        self.proc = proc
        self.cmd = cmd
        self.out = proc.stdout + proc.stderr
        assert "Traceback" not in self.out, f"traceback from {cmd}:\n{self.out[-3000:]}"

    @property
    def rc(self) -> int:
        return self.proc.returncode

    def expect(self, rc: int, path: str | None = None, rule: str | None = None) -> Run:
        """Exit code ``rc``; with ``path``/``rule``, an error at ``path:line:col`` with that rule, in Chinese.

        A problem of a whole binary file (an XLSX zip bomb, a DTD in one of its parts) has no
        line: there the message names the file (``path: error[rule]``), as the CLI prints it."""
        assert self.rc == rc, f"{self.cmd}: exit code {self.rc}, expected {rc}\n{self.out[-3000:]}"
        if path is not None or rule is not None:
            where = re.escape(path) if path is not None else r"\S+"
            what = re.escape(rule) if rule is not None else r"[\w-]+"
            line = r"(?::\d+:\d+)?" if path is not None and path.endswith(".xlsx") else r":\d+:\d+"
            rx = re.compile(rf"^{where}{line}: error\[{what}\] (.*)$", re.M)
            found = rx.findall(self.out)
            assert found, f"no located error {path}:…[{rule}] in the output of {self.cmd}:\n{self.out[-3000:]}"
            assert any(CJK.search(m) for m in found), f"message not in Chinese: {found[:3]}"
        return self


def run(root: Path, *args: str, timeout: int = TIME_LIMIT, env: dict | None = None) -> Run:
    """Run ``python -m builder ARGS`` (the ``kaohe`` command) in ``root``, within ``timeout`` seconds."""
    return _run(root, [sys.executable, "-m", "builder", *args], timeout, env)


def mkdocs(root: Path, timeout: int = TIME_LIMIT, env: dict | None = None) -> Run:
    """``mkdocs build --strict`` of ``root`` into ``root/site`` (no PDFs unless ``env`` asks)."""
    e = {"KAOHE_PDFS": "0", **(env or {})}
    return _run(root, [sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d", str(root / "site")], timeout, e)


def _run(root: Path, cmd: list[str], timeout: int, env: dict | None) -> Run:
    e = dict(os.environ)
    e.pop("KAOHE_DRAFTS", None)
    e["PYTHONPATH"] = str(site_support.REPO)
    e.update(env or {})
    try:
        proc = subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(cmd[2:])} did not finish within {timeout} s (a hang)")
    return Run(proc, cmd)


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def site_text(site: Path) -> str:
    """Everything under ``site/`` that is text, concatenated (pages, search index, JSON, CSV)."""
    parts = []
    for p in sorted(site.rglob("*")):
        if p.is_file() and p.suffix in (".html", ".js", ".json", ".csv", ".xml", ".txt", ".md"):
            parts.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def rel(root: Path, path: Path) -> str:
    return os.path.relpath(path, root)


# -- XLSX files written by hand: parts an attacker controls ----------------------------------

CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def xlsx_bytes(
    sheets: list[tuple[str, str]],
    shared: str | None = None,
    *,
    compression=zipfile.ZIP_DEFLATED,
    level: int | None = None,
) -> bytes:
    """A workbook from raw parts: ``sheets`` = [(name, <sheetData> inner XML or a full part)], ``shared``
    = the whole sharedStrings.xml text (default: none)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression, compresslevel=level) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("[Content_Types].xml", CT.format(sheets=overrides))
        z.writestr("_rels/.rels", RELS)
        names = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, start=1))
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RNS}><sheets>{names}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            rels += (
                '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                'Target="sharedStrings.xml"/>'
            )
            z.writestr("xl/sharedStrings.xml", shared)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, (_, body) in enumerate(sheets, start=1):
            part = (
                body
                if body.lstrip().startswith("<?xml") or body.lstrip().startswith("<!")
                else (
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>'
                )
            )
            z.writestr(f"xl/worksheets/sheet{i}.xml", part)
    return buf.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def num(ref: str, value) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def score_rows(extra: str = "") -> str:
    """A valid 市住建局 sheet for the tiny rubric (items 2 and 5), in inline strings, plus ``extra`` XML."""
    rows = [
        f'<row r="1">{inline("A1", "评价部门：市住建局")}</row>',
        '<row r="2">'
        + "".join(inline(f"{c}2", h) for c, h in zip("ABCD", ("县区编号", "所评县区", "考核项编号", "实际得分"), strict=True))
        + "</row>",
    ]
    r = 3
    for cid, name, item, score in (
        ("east", "东城区", 2, 18),
        ("east", "东城区", 5, 0.2),
        ("west", "西城区", 2, 20),
        ("west", "西城区", 5, 0.2),
        ("south", "南山县", 2, 15.5),
        ("south", "南山县", 5, 0.1),
    ):
        rows.append(
            f'<row r="{r}">{inline(f"A{r}", cid)}{inline(f"B{r}", name)}{num(f"C{r}", item)}{num(f"D{r}", score)}</row>'
        )
        r += 1
    return "".join(rows) + extra


def replace_csv_with_xlsx(root: Path, data: bytes) -> Path:
    """Put ``data`` in place of the round's 市住建局 CSV sheet; returns the new path."""
    scores = root / "content" / ROUND / "scores"
    (scores / "zhujian.csv").unlink()
    path = scores / "zhujian.xlsx"
    path.write_bytes(data)
    return path
