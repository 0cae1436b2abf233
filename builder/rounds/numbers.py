"""Reading a score written by a person: ``4.5``, ``４.５``, ``4.5分``, a spreadsheet float.

:func:`parse_score` turns a raw cell/YAML value into an exact :class:`~decimal.Decimal`.
Full-width digits and a trailing ``分`` are normalised with a note; anything that is not
a plain decimal number (words, ``4,5``, percentages, ``NaN``) is refused with a message
that says what to write instead. Range checks (0 … item points) are the caller's job.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..diagnostics import short_text as _short
from ..limits import NUMBER_MAX_LITERAL, number_problem

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Parsed:
    """The result of :func:`parse_score`.

    ``value`` is None when the text is not a number (then ``error`` says why) or when the
    cell is empty (``empty`` is True). ``note`` is set when the text was normalised.
    """

    value: Decimal | None
    empty: bool = False
    error: str = ""
    note: str = ""


def parse_score(raw) -> Parsed:
    """Parse a score from YAML (int/Decimal/str), CSV (str) or XLSX (int/float/str)."""
    if raw is None:
        return Parsed(None, empty=True)
    if isinstance(raw, bool):
        return Parsed(None, error=f"“{raw}”不是分数，请填写数字。")
    if isinstance(raw, int):
        return _checked(Decimal(raw), str(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            return Parsed(None, error=f"“{raw}”不是有效的分数，请填写数字。")
        return _checked(raw, str(raw))
    if isinstance(raw, float):
        # A spreadsheet number: its shortest repr is what the person typed (4.5, 0.1).
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Parsed(None, error="不是有效的分数，请填写数字。")
        return _checked(Decimal(repr(raw)), repr(raw))
    if isinstance(raw, (_dt.date, _dt.datetime, _dt.time)):
        return Parsed(None, error=f"单元格是日期/时间“{raw}”，不是分数。请把单元格格式改为“常规”或“数值”后重新填写。")
    text = str(raw)
    stripped = text.strip()
    if not stripped:
        return Parsed(None, empty=True)
    if len(stripped) > NUMBER_MAX_LITERAL.value:
        return Parsed(
            None,
            error=f"“{_short(stripped)}”太长，不是分数（{NUMBER_MAX_LITERAL.label}）。请填写考核细则中的分数，如 4.5。",
        )
    norm = unicodedata.normalize("NFKC", stripped)
    norm = norm.replace("。", ".").replace(" ", "")
    had_fen = norm.endswith("分")
    if had_fen:
        norm = norm[:-1]
    if not _PLAIN.match(norm):
        return Parsed(None, error=_why_not(stripped, norm))
    try:
        value = Decimal(norm)
    except InvalidOperation:  # pragma: no cover - the regex already guarantees a number
        return Parsed(None, error=_why_not(stripped, norm))
    problem = number_problem(value)
    if problem:
        return Parsed(None, error=f"“{_short(stripped)}”{problem}。")
    if value == 0:
        value = abs(value)  # "-0" is 0
    note = ""
    if norm != stripped.replace(" ", "") or had_fen:
        what = []
        if unicodedata.normalize("NFKC", stripped) != stripped:
            what.append("全角字符")
        if had_fen:
            what.append("末尾的“分”")
        note = (
            f"已把“{stripped}”读作 {norm}（去掉了{'和'.join(what) or '多余的字符'}）。建议直接填写半角数字，如 {norm}。"
        )
    return Parsed(value, note=note)


def _checked(value: Decimal, shown: str) -> Parsed:
    problem = number_problem(value)
    if problem:
        return Parsed(None, error=f"“{_short(shown)}”{problem}。")
    return Parsed(value)


def _why_not(shown: str, norm: str) -> str:
    if re.fullmatch(r"[+-]?\d+,\d+", norm):
        return f"“{shown}”不是有效的分数：小数点请用“.”，例如 {norm.replace(',', '.')}。"
    if norm.endswith("%"):
        return f"“{shown}”是百分数，不是分数。请按评分标准换算成得分后填写。"
    if norm.lower() in ("nan", "inf", "infinity", "-inf"):
        return f"“{shown}”不是有效的分数，请填写数字。"
    return f"“{shown}”不是数字。得分只能填写数字（可带小数，如 4.5）。"
