#!/usr/bin/env bash
# 主任务：用 content/ 中的示例内容生成结果网站和全部 PDF（输出到 site/）。
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh build
kaohe build --strict "$@"
echo "完成：用浏览器打开 site/index.html 即可浏览。"
