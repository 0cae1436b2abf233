"""Glyph coverage: characters the configured print fonts cannot draw.

A county's report may hold an emoji, a CJK Extension B character or a U+2028 pasted from a
web page. The PDF's body font (role ``fangsong`` of ``themes/print/fonts.yaml``, which all
other roles fall back to) may not have them. ``kaohe check`` and ``kaohe validate`` warn
about each such character early, naming the line, the column, the code point and its
Unicode name (:func:`find_uncovered`); the PDF build then never fails on them: it prints
:data:`REPLACEMENT` (〓, the 缺字 mark of Chinese typesetting) for a visible character and
leaves an invisible separator out (:func:`substitute`), and warns with the same message
(:func:`message`).

The fonts are the PDF's own: they are resolved through fontconfig by
:mod:`builder.pdf.fonts` (the same configuration, override file and resolution), and the
set of code points the body font has is read from its cmap with fontTools once, then kept
as plain data (JSON ranges) in the build cache, keyed by the configuration files' bytes
and checked against the font file's size and mtime. A warm check reads one small JSON
file and neither runs fc-list nor opens the font.

This module is core and optional: the browser checker (Pyodide, no fonts) never imports
it, and when no font can be resolved (not a project, fonts not installed) nothing is
checked here; the PDF build reports the missing font itself.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import WARNING, Diagnostic
from .textio import read_text

RULE = "font-glyph"
REPLACEMENT = "〓"  # U+3013 GETA MARK: the mark for a missing character (GB2312 A1FE)
MAX_PER_FILE = 20  # findings listed per file; the rest are counted in one more line
CACHE_KIND = "glyphs"
CACHE_FORMAT = 1


@dataclass(frozen=True)
class Coverage:
    """The code points the body print font can draw, and how to name that font."""

    font: str  # e.g. "Noto Serif CJK SC Regular"
    role: str  # e.g. "仿宋"
    ranges: tuple[tuple[int, int], ...]  # inclusive, sorted

    def __post_init__(self):
        object.__setattr__(self, "_set", frozenset(cp for a, b in self.ranges for cp in range(a, b + 1)))

    def covers(self, cp: int) -> bool:
        """Whether the font has a glyph for code point ``cp``."""
        return cp in self._set  # type: ignore[attr-defined]


def _silent(cp: int) -> bool:
    """Characters that are never reported: whitespace and controls (the text reader's and
    the layout's business), and default-ignorable code points (zero-width joiners and
    spaces, variation selectors, the BOM) that no font needs to draw."""
    if cp in (0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000) or cp < 0x20 or 0x7F <= cp < 0xA0:
        return True
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0xE0000 <= cp <= 0xE007F:
        return True
    return unicodedata.category(chr(cp)) == "Cf"


def _invisible(cp: int) -> bool:
    """Line and paragraph separators (U+2028, U+2029): left out of the PDF, not replaced."""
    return unicodedata.category(chr(cp)) in ("Zl", "Zp")


def missing(text: str, covers) -> set[int]:
    """The code points of ``text`` that the font lacks and that would show (or break a
    line); ``covers`` is a :class:`Coverage` or a function (set of code points → the
    subset the font has)."""
    wanted = {cp for cp in map(ord, set(text)) if not _silent(cp)}
    if isinstance(covers, Coverage):
        return {cp for cp in wanted if not covers.covers(cp)}
    return wanted - set(covers(wanted))


def message(cp: int, font: str, role: str) -> str:
    """The one message for a character the print font lacks, in check, validate and the PDF build."""
    name = unicodedata.name(chr(cp), "")
    code = f"U+{cp:04X}{' ' + name if name else ''}"
    if _invisible(cp):
        return (
            f"这里有一个看不见的分隔符（{code}），多是从网页或 Word 复制来的。"
            f"印刷字体 {font}（{role}）不能排印它，PDF 中会删去。请删去它，需要分段就换行。"
        )
    return (
        f"字符“{chr(cp)}”（{code}）印刷字体 {font}（{role}）中没有，"
        f"PDF 中会印成“{REPLACEMENT}”。请改用常用汉字或文字说明，"
        "或在字体配置中改用有这个字的字体（见 themes/print/README.md）。"
    )


def find_uncovered(text: str, coverage: Coverage, path: str, *, limit: int = MAX_PER_FILE) -> list[Diagnostic]:
    """Warnings (rule ``font-glyph``) for every character of ``text`` the print font
    lacks, with 1-based line and column (lines split at "\\n" only: U+2028 is a character
    here, not a line break), at most ``limit`` per file plus one line counting the rest."""
    return _located(text, missing(text, coverage), path, coverage.font, coverage.role, limit)


def _located(
    text: str, lacking: set[int], path: str, font: str, role: str, limit: int = MAX_PER_FILE, first_only: bool = False
) -> list[Diagnostic]:
    if not lacking:
        return []
    out: list[Diagnostic] = []
    extra = 0
    seen: set[int] = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        for col, ch in enumerate(line, 1):
            cp = ord(ch)
            if cp in lacking and not (first_only and cp in seen):
                seen.add(cp)
                if len(out) < limit:
                    out.append(Diagnostic(path, lineno, col, WARNING, RULE, message(cp, font, role)))
                else:
                    extra += 1
    if extra:
        out.append(
            Diagnostic(
                path,
                out[-1].line,
                out[-1].column,
                WARNING,
                RULE,
                f"另有 {extra} 处印刷字体中没有的字符，没有一一列出。",
            )
        )
    return out


def pdf_fallback(
    html: str, covers, font: str, role: str, source: Path | None, shown: str
) -> tuple[str, list[Diagnostic]]:
    """A printed document's HTML with the characters its body font lacks substituted
    (:func:`substitute`), and a warning for each (the message of :func:`message`), located
    at its first place in ``source`` (the document's report, feedback or round.yaml) when
    it is there, else at the document. ``covers``: set of code points → those the font has."""
    lacking = missing(html, covers)
    if not lacking:
        return html, []
    # The one text reader (UTF-8 or GBK); its own findings were reported when the source was loaded.
    text = read_text(source, shown, []) if source is not None else None
    in_source = ({ord(c) for c in set(text)} & lacking) if text is not None else set()
    diags = _located(text, in_source, shown, font, role, first_only=True) if text is not None and in_source else []
    for cp in sorted(lacking - in_source):
        diags.append(Diagnostic(shown, 0, 0, WARNING, RULE, message(cp, font, role)))
    return substitute(html, lacking), diags


def substitute(text: str, lacking: set[int]) -> str:
    """``text`` as the PDF prints it: each lacking visible character replaced by 〓,
    lacking separators (U+2028, U+2029) left out."""
    if not lacking:
        return text
    table = {cp: ("" if _invisible(cp) else REPLACEMENT) for cp in lacking}
    return text.translate(table)


# --------------------------------------------------------------------------- coverage


def _ranges(codepoints) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for cp in sorted(codepoints):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return tuple((a, b) for a, b in out)


def print_coverage(project, fonts_config: Path | str | None = None) -> Coverage | None:
    """The body print font's coverage for ``project`` (a :class:`builder.project.Project`),
    from the font configuration the PDF build uses (``themes/print/fonts.yaml`` and the
    override: argument, else ``$KAOHE_PRINT_FONTS``). None when there is no configuration
    or the font cannot be resolved (nothing is checked then)."""
    from .buildcache import BuildCache, Hasher
    from .pdf import fonts as _fonts

    paths = _fonts.config_paths(project.root, fonts_config)
    h = Hasher("glyphs", CACHE_FORMAT)
    for p in paths:
        try:
            h.add(str(p)).add(p.read_bytes())
        except OSError:
            return None
    key = h.hexdigest()
    cache = BuildCache.for_project(project)
    body = cache.get(CACHE_KIND, key)
    if body is not None and _still(body.get("file"), body.get("size"), body.get("mtime_ns")):
        return Coverage(body["font"], body["role"], tuple(tuple(r) for r in body["ranges"]))
    specs, diags = _fonts.load_font_config(paths, project.display)
    if any(d.is_error for d in diags):
        return None
    try:
        resolved = _fonts.resolve_fonts(specs)
    except Exception:  # a missing font: the PDF build says what to install
        return None
    font = resolved.get(_fonts.BODY_ROLE)
    if font is None:
        return None
    try:
        from fontTools.ttLib import TTFont

        cmap = TTFont(str(font.file), fontNumber=font.index, lazy=True).getBestCmap() or {}
    except Exception:
        return None
    cov = Coverage(font.label, _fonts.ROLE_NAMES[_fonts.BODY_ROLE], _ranges(cmap))
    st = font.file.stat()
    cache.put(
        CACHE_KIND,
        key,
        {
            "font": cov.font,
            "role": cov.role,
            "ranges": [list(r) for r in cov.ranges],
            "file": str(font.file),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        },
    )
    return cov


def _still(file, size, mtime_ns) -> bool:
    try:
        st = os.stat(file)
    except (OSError, TypeError):
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def round_files(project, rnd) -> list[tuple[Path, str]]:
    """The text files of a loaded round whose words can reach a printed document: its
    rubric, round.yaml, events, score sheets (YAML/CSV), reports and feedback. Contacts
    (private, never printed) are left out; XLSX sheets are not text files."""
    files = [project.rubric_path(rnd.rubric.id), rnd.path / "round.yaml", rnd.path / "events.yaml"]
    for sub in ("scores", "self-scores", "onsite"):
        folder = rnd.path / sub
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".csv"))
    files += [rnd.reports[c] for c in sorted(rnd.reports)] + [rnd.feedback[c] for c in sorted(rnd.feedback)]
    return [(p, project.display(p)) for p in files if p.is_file()]


def check_round(project, rnd, coverage: Coverage | None = None) -> list[Diagnostic]:
    """Glyph warnings for a loaded round: its text files (:func:`round_files`), and the
    评价说明 of XLSX score sheets, located at their row."""
    coverage = coverage or print_coverage(project)
    if coverage is None:
        return []
    out = check_files(project, round_files(project, rnd), coverage)
    for entry in list(rnd.scores.values()) + list(rnd.self_scores.values()):
        origin = entry.origin
        if entry.remark and str(origin.path).lower().endswith(".xlsx"):
            sheet = f"工作表“{origin.sheet}”" if origin.sheet else "表格"
            for cp in sorted(missing(entry.remark, coverage)):
                out.append(
                    Diagnostic(
                        str(origin.path),
                        origin.line,
                        origin.column,
                        WARNING,
                        RULE,
                        f"{sheet}第 {origin.line} 行的评价说明：" + message(cp, coverage.font, coverage.role),
                    )
                )
    return out


def check_files(project, files: list[tuple[Path, str]], coverage: Coverage | None = None) -> list[Diagnostic]:
    """Glyph warnings for text files, given as (path, shown path); files that cannot be
    read are skipped (their loader reports them)."""
    coverage = coverage or print_coverage(project)
    if coverage is None:
        return []
    from .textio import read_text

    out: list[Diagnostic] = []
    for path, shown in files:
        sink: list[Diagnostic] = []
        text = read_text(path, shown, sink)
        if text is not None:
            out.extend(find_uncovered(text, coverage, shown))
    return out
