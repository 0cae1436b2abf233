"""Title words from the build cache: a rebuild that lays out one document does not load jieba."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from builder.buildcache import BuildCache
    from builder.pdf import titles
    store = BuildCache(Path(sys.argv[1]))
    titles.load_words(store)
    lines = titles.title_lines(sys.argv[2], 18.0, ("舞阳县",))
    titles.keep_words(store)
    print("jieba" in sys.modules, "|".join(lines))
    """
)


def _run(cache: Path, title: str) -> tuple[bool, str]:
    p = subprocess.run([sys.executable, "-c", SCRIPT, str(cache), title], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    loaded, lines = p.stdout.split()
    return loaded == "True", lines


def test_second_process_takes_the_words_from_the_cache_and_breaks_the_same(tmp_path):
    title = "关于舞阳县人民政府2022年度质量工作考核结果的反馈"
    first = _run(tmp_path / "c", title)
    assert first[0] is True and "|" in first[1]  # jieba was needed, the title has two lines
    again = _run(tmp_path / "c", title)
    assert again == (False, first[1])
    other = _run(tmp_path / "c", "关于临颍县人民政府2022年度质量工作考核结果的反馈")
    assert other[0] is True  # a title not seen before is cut by jieba


@pytest.mark.slow
def test_a_damaged_record_is_ignored(tmp_path):
    title = "关于舞阳县人民政府2022年度质量工作考核结果的反馈"
    first = _run(tmp_path / "c", title)
    for rec in (tmp_path / "c" / "title-words").rglob("*.json"):
        rec.write_text(rec.read_text(encoding="utf-8").replace("舞阳县", "舞阳", 1), encoding="utf-8")
    assert _run(tmp_path / "c", title) == (True, first[1])
