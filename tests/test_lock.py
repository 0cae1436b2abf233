"""The lock files (``lock/*.txt``, made by ``scripts/lock.sh``) pin every dependency, and a fresh
virtual environment installed from them builds the site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCKS = {"runtime": REPO / "lock" / "requirements.txt", "test": REPO / "lock" / "requirements-test.txt"}
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", re.M)


def _name(req: str) -> str:
    return re.split(r"[=<>!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-")


def pins(path: Path) -> dict[str, str]:
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in _PIN.finditer(path.read_text(encoding="utf-8"))}


def test_every_line_of_the_locks_is_an_exact_pin_and_both_agree():
    runtime, test = pins(LOCKS["runtime"]), pins(LOCKS["test"])
    for path in LOCKS.values():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith(("#", " ")):
                assert _PIN.match(line), f"{path.name}: not an exact pin: {line}"
    assert set(runtime) <= set(test)
    assert {k: test[k] for k in runtime} == runtime  # the same version in both


def test_the_locks_cover_pyproject_and_keep_its_pins():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, test = pins(LOCKS["runtime"]), pins(LOCKS["test"])
    for req in meta["dependencies"]:
        assert _name(req) in runtime, f"{req} is not in lock/requirements.txt: run scripts/lock.sh"
        if "==" in req:
            assert runtime[_name(req)] == req.split("==")[1].strip(), f"{req}: run scripts/lock.sh"
    for req in meta["optional-dependencies"]["test"]:
        assert _name(req) in test, f"{req} is not in lock/requirements-test.txt: run scripts/lock.sh"
        if "==" in req:
            assert test[_name(req)] == req.split("==")[1].strip(), f"{req}: run scripts/lock.sh"
    assert runtime["mkdocs"].startswith("1.")


@pytest.mark.slow
def test_a_fresh_venv_from_the_lock_builds_the_site(tmp_path):
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for rel in filter(None, files):
        rel = rel.decode()
        if (REPO / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, src / rel)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "PYTHON", "VIRTUAL_ENV"))}
    env["CI"] = "true"
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(src / "lock" / "requirements.txt")], check=True, env=env, timeout=1200)
    subprocess.run(pip + ["--no-deps", str(src)], check=True, env=env, timeout=600)
    frozen = subprocess.run([py, "-m", "pip", "freeze", "--exclude", "kaohe"], capture_output=True, text=True,
                            check=True, env=env).stdout
    installed = {m.group(1).lower().replace("_", "-"): m.group(2) for m in _PIN.finditer(frozen)}
    assert installed == pins(LOCKS["runtime"])  # exactly the lock, nothing more, nothing less
    p = subprocess.run([str(venv / "bin" / "kaohe"), "build", "--no-pdfs", "-q"], cwd=src, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert (src / "site" / "index.html").is_file() and (src / "site" / "luohe-2022" / "index.html").is_file()
