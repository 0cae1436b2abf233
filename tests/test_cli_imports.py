"""Start-up cost of ``kaohe`` processes: a command imports only what it needs.

Each case runs the real command (``python -m builder …``) in a fresh process and reads the
modules in ``sys.modules`` when the process exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "jinja2", "markdown_it", "rich", "docx", "weasyprint", "mkdocs")


# ``python -m builder`` with the modules loaded at exit written to the first argument
MAIN = """\
import atexit, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w", encoding="utf-8").write("\\n".join(sorted(sys.modules))))
sys.argv[0] = "builder"
runpy.run_module("builder", run_name="__main__", alter_sys=True)
"""


def imported(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    env = dict(os.environ, KAOHE_NO_CACHE="1")  # a cold run: no cached check or round
    env.pop("KAOHE_DEBUG", None)
    out = tmp_path / "modules.txt"
    p = subprocess.run(
        [sys.executable, "-c", MAIN, str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    mods = set(out.read_text(encoding="utf-8").split("\n"))
    assert "builder.cli" in mods, p.stderr[-2000:]
    return p, mods


def loaded(mods: set[str], *packages: str) -> list[str]:
    return sorted(m for m in mods if m.split(".")[0] in packages or m in packages)


def test_validate_without_xlsx_loads_no_workbook_template_or_pdf_library(tmp_path):
    p, mods = imported(tmp_path, "validate", "huizhou-2017")  # its score sheets are YAML and CSV
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]
    assert "builder.rounds.load" in mods
    assert loaded(mods, *HEAVY) == []


def test_check_loads_neither_the_round_loader_nor_the_score_readers(tmp_path):
    p, mods = imported(tmp_path, "check", "content/luohe-2022/reports/kaifaqu.md")
    assert p.returncode in (0, 1), p.stdout + p.stderr[-2000:]
    assert "builder.checker.engine" in mods and "builder.rounds.meta" in mods
    assert [m for m in ("builder.rounds.load", "builder.rounds.sheets", "builder.season.appeals") if m in mods] == []
    assert loaded(mods, "openpyxl", "jinja2", "rich", "docx", "weasyprint", "mkdocs") == []


def test_help_loads_no_core_module(tmp_path):
    p, mods = imported(tmp_path, "--help")
    assert p.returncode == 0
    core = [m for m in mods if m.startswith("builder.") and not m.startswith("builder.cli")]
    assert core == []  # the parser needs only the command modules
    assert loaded(mods, *HEAVY, "yaml") == []
