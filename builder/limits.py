"""Every budget the loaders enforce on user files, in one table.

Content arrives by e-mail from 13 departments and dozens of counties; a file nobody here
wrote must never hang the build, exhaust memory or print megabytes. Each loader checks
the limits below and reports the one it hit with a located Chinese message naming it.

The values are data, documented with their reasons in ``content/README.md``
(“文件大小和内容的上限”). A real province-scale round — 300 counties × 60 items, 13
department sheets — stays at least ten times inside every one of them (the margins are
in that section too). Kept as a plain table in Python rather than YAML so that the text
reader (``kaohe check``, also run in the browser) does not load a YAML library first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Limit:
    value: int
    label: str  # how the limit reads in a message: "单个文件 16 MB"


def _mb(n: int) -> int:
    return n * 1024 * 1024


# -- text files (reports, feedback, YAML, CSV) ------------------------------------------
TEXT_MAX_BYTES = Limit(_mb(16), "单个文本文件不超过 16 MB")
# markdown-it spends about 30 µs on each "[" (link labels): 256 KB of them parse in about 8 s
MARKDOWN_MAX_BYTES = Limit(256 * 1024, "自评报告、反馈意见等 Markdown 文件不超过 256 KB")
TEXT_MAX_LINE = Limit(20_000, "每行不超过 20000 个字符")

# -- YAML ------------------------------------------------------------------------------
YAML_MAX_DEPTH = Limit(100, "嵌套不超过 100 层")
YAML_MAX_ALIASES = Limit(100, "别名（*名称）不超过 100 个")
YAML_MAX_NODES = Limit(1_000_000, "展开后不超过 1000000 个值")

# -- CSV -------------------------------------------------------------------------------
CSV_MAX_FIELD = Limit(100_000, "每个单元格不超过 100000 个字符")
CSV_MAX_COLUMNS = Limit(256, "每行不超过 256 列")

# -- XLSX ------------------------------------------------------------------------------
XLSX_MAX_BYTES = Limit(_mb(32), "XLSX 文件不超过 32 MB")
XLSX_MAX_UNCOMPRESSED = Limit(_mb(256), "XLSX 解压后合计不超过 256 MB")
XLSX_MAX_RATIO = Limit(200, "XLSX 中每个部件的压缩比不超过 200 倍")
XLSX_MAX_ROWS = Limit(500_000, "每个工作表不超过 500000 行")
XLSX_MAX_COLUMNS = Limit(256, "每个工作表不超过 256 列（到 IV 列）")
XLSX_MAX_STRINGS = Limit(1_000_000, "共享字符串不超过 1000000 个")
XLSX_MAX_CELLS = Limit(2_000_000, "有内容的单元格合计不超过 2000000 个")

# -- numbers (scores, points, counts) ---------------------------------------------------
NUMBER_MAX_INT_DIGITS = Limit(6, "整数部分不超过 6 位")
NUMBER_MAX_DECIMALS = Limit(4, "小数不超过 4 位")
NUMBER_MAX_LITERAL = Limit(100, "数字不超过 100 个字符")  # before any int()/Decimal() is tried

# -- years ------------------------------------------------------------------------------
YEAR_MIN = Limit(1949, "年度不早于 1949 年")
YEAR_MAX = Limit(2999, "年度不晚于 2999 年")

# -- diagnostics ------------------------------------------------------------------------
DIAGNOSTICS_PER_FILE = Limit(50, "每个文件最多列出 50 条问题")


def number_problem(value) -> str:
    """Why ``value`` (an int or a finite Decimal) is not a number a rubric can mean, or "".

    Counts digits from the exact digit tuple (no Decimal context operation, which would
    round a 30-digit fraction before it could be refused). Trailing zeros of a fraction
    do not count: 4.50000 is 4.5 exactly.
    """
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        if -(10**NUMBER_MAX_INT_DIGITS.value) < value < 10**NUMBER_MAX_INT_DIGITS.value:
            return ""
        return f"数字太大（{NUMBER_MAX_INT_DIGITS.label}）"
    if not isinstance(value, Decimal):
        return ""
    if not value.is_finite():
        return "不是有限的数字"
    _sign, digit_tuple, exp = value.as_tuple()
    if not isinstance(exp, int):  # 'n', 'N', 'F': NaN and infinity, refused above
        return "不是有限的数字"
    digits = list(digit_tuple)
    if not any(digits):
        return ""  # 0, 0.00000: zero however written
    while exp < 0 and len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    int_digits = len(digits) + exp
    decimals = -exp if exp < 0 else 0
    if int_digits > NUMBER_MAX_INT_DIGITS.value:
        return f"数字太大（{NUMBER_MAX_INT_DIGITS.label}）"
    if decimals > NUMBER_MAX_DECIMALS.value:
        return (
            f"小数位数太多（{NUMBER_MAX_DECIMALS.label}），kaohe 不会自行四舍五入，请填写考核细则能表示的分数，如 90.5"
        )
    return ""
