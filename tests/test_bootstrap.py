"""``scripts/bootstrap.sh`` on a machine whose apt is busy, with fake ``apt-get``/``dpkg-query``:
it waits for the lock with a Chinese message, treats triggers-pending packages as installed, and
prints nothing that looks like a failure."""

from __future__ import annotations

import pytest

import os
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _fake_machine(tmp_path: Path, *, lock_failures: int) -> tuple[dict, Path]:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    calls = tmp_path / "apt-calls"
    count = tmp_path / "count"
    count.write_text("0")
    scripts = {
        # every package is installed, some only "triggers-pending"; one is missing
        "dpkg-query": """\
            case "$3" in
              fonts-noto-cjk) echo -n "unknown ok not-installed" ;;
              fontconfig|libfontconfig1) echo -n "install ok triggers-pending" ;;
              *) echo -n "install ok installed" ;;
            esac""",
        # the first N calls find the lock held, as on a fresh machine running its first apt job
        "apt-get": f"""\
            echo "$*" >> {calls}
            n=$(cat {count}); echo $((n + 1)) > {count}
            if [ "$n" -lt {lock_failures} ]; then
              echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
              exit 100
            fi""",
        "id": 'echo 0',
    }
    for name, body in scripts.items():
        (bin_ / name).write_text("#!/bin/sh\n" + textwrap.dedent(body) + "\n", encoding="utf-8")
        (bin_ / name).chmod(0o755)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 0\n")
    (venv / "bin" / "python").chmod(0o755)
    (venv / ".kaohe-installed-build").touch()  # newer than pyproject.toml and the lock: no pip run
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    env.update(PATH=f"{bin_}:{env['PATH']}", KAOHE_VENV=str(venv), KAOHE_APT_POLL="0.2", KAOHE_APT_WAIT="2")
    return env, calls


def _bootstrap(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", f"source {REPO}/scripts/bootstrap.sh build"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_busy_apt_is_waited_for_and_triggers_pending_counts_as_installed(tmp_path):
    env, calls = _fake_machine(tmp_path, lock_failures=2)
    p = _bootstrap(env)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "等待它结束" in out
    assert "E:" not in out and "WARNING" not in out and "Could not get lock" not in out
    lines = calls.read_text().splitlines()
    installs = [line for line in lines if " install " in f" {line} "]
    assert installs and all(line.endswith("fonts-noto-cjk") for line in installs)  # nothing else missing


@pytest.mark.slow
def test_an_apt_lock_that_never_frees_gives_a_chinese_message(tmp_path):
    env, _ = _fake_machine(tmp_path, lock_failures=1000)
    p = _bootstrap(env)
    assert p.returncode == 1
    assert "另一个软件包安装任务 10 分钟内没有结束" in p.stderr
    assert "E: Could not get lock" not in p.stdout + p.stderr
