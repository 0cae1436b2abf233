#!/usr/bin/env bash
# 运行全部测试（含真实的 MkDocs 构建、WeasyPrint PDF、无头 Chromium）。
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh test
python -m pytest "$@"
