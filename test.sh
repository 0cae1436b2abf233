#!/usr/bin/env bash
# 运行全部测试（含真实的 MkDocs 构建、WeasyPrint PDF、无头 Chromium）。
# 默认按 CPU 核数并行（pytest-xdist，同一测试文件在同一进程中）；./test.sh -n 0 在一个进程中运行。
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh test
python -m pytest "$@"
