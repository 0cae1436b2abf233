#!/usr/bin/env bash
# 重新生成依赖锁定文件（每个直接和间接依赖都写明确切版本）：
#   lock/requirements.txt       运行所需（./build.sh 安装它）
#   lock/requirements-test.txt  运行和测试所需（./test.sh 安装它）
# 修改 pyproject.toml 的依赖后运行：scripts/lock.sh
# The lock is made by pip-tools (pinned below) for this machine's Python (3.11, Linux).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pip-env.sh
PIP_TOOLS_VERSION=7.6.2
tools=.cache/lock-tools
if [ ! -x "$tools/bin/pip-compile" ] || ! "$tools/bin/pip-compile" --version 2>/dev/null | grep -q " $PIP_TOOLS_VERSION\b"; then
  echo "==> 安装 pip-tools $PIP_TOOLS_VERSION（只用于生成锁定文件）"
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "pip-tools==$PIP_TOOLS_VERSION"
fi
mkdir -p lock
common=(--quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --newline LF
        --resolver backtracking)
# The test lock first (a superset); the runtime lock is constrained by it, so both pin the same versions.
"$tools/bin/pip-compile" "${common[@]}" --extra test --output-file lock/requirements-test.txt pyproject.toml
"$tools/bin/pip-compile" "${common[@]}" --constraint lock/requirements-test.txt \
  --output-file lock/requirements.txt pyproject.toml
echo "已更新 lock/requirements.txt 和 lock/requirements-test.txt。"
