"""How numbers and dates are written for people: one formatter each, used by the site,
the PDFs, the Word documents, exports and messages alike.

The names say the direction: ``format_*`` turns a value into text. (The reverse for
Chinese numerals is :func:`builder.checker.text.parse_cn_number`.)
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

CN_DIGITS = "一二三四五六七八九"


def format_decimal(d: Decimal | int | None) -> str:
    """An exact decimal as people write it: ``28``, ``26.5``, ``0.3`` (no exponent, no
    trailing zeros); ``—`` for None."""
    if d is None:
        return "—"
    d = Decimal(d)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def format_cn_date(d: _dt.date | None) -> str:
    """A date as 公文 write it (成文日期): Arabic numerals, full year, no leading zeros,
    ``2023年3月6日``; empty for None."""
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def format_cn_number(n: int) -> str:
    """A whole number 1…99 in Chinese numerals, as headings count: 1 → 一, 12 → 十二, 20 → 二十.

    :raises ValueError: outside 1…99.
    """
    if not 1 <= n <= 99:
        raise ValueError(f"format_cn_number counts 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CN_DIGITS[tens - 1] + "十"
    return head + (CN_DIGITS[ones - 1] if ones else "")
