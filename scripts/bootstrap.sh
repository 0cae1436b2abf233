#!/usr/bin/env bash
# Shared set-up for build.sh and test.sh: Debian packages, a virtualenv, the Python package.
# Usage: source scripts/bootstrap.sh [build|test]
set -euo pipefail

KAOHE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAOHE_VENV="${KAOHE_VENV:-$KAOHE_ROOT/.venv}"
purpose="${1:-build}"

# Debian packages: WeasyPrint's libraries, the CJK fonts for the PDFs and the site,
# and for the tests poppler (pdftoppm/pdffonts), Chromium and Node (axe-core).
apt_needed=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fontconfig
            fonts-noto-cjk fonts-arphic-ukai)
if [ "$purpose" = test ]; then
  apt_needed+=(poppler-utils chromium libreoffice-writer)
  command -v npm >/dev/null 2>&1 || apt_needed+=(nodejs npm)
fi
missing=()
for pkg in "${apt_needed[@]}"; do
  # python3-venv is only needed when the interpreter lacks a working venv module.
  if [ "$pkg" = python3-venv ] && python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包：${missing[*]}" >&2
    echo "请以管理员身份运行：sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x "$KAOHE_VENV/bin/python" ]; then
  echo "==> 创建虚拟环境 $KAOHE_VENV"
  python3 -m venv "$KAOHE_VENV"
fi
stamp="$KAOHE_VENV/.kaohe-installed-$purpose"
if [ ! -f "$stamp" ] || [ "$KAOHE_ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "==> 安装 Python 依赖"
  extras=""
  [ "$purpose" = test ] && extras="[test]"
  "$KAOHE_VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$KAOHE_ROOT$extras"
  touch "$stamp"
fi

if [ "$purpose" = test ] && [ ! -f "$KAOHE_ROOT/tests/browser/node_modules/axe-core/axe.min.js" ]; then
  echo "==> 安装 axe-core（无障碍检查）"
  # Versions are pinned in tests/browser/package.json (axe-core has no dependencies).
  npm install --silent --no-audit --no-fund --no-package-lock --prefix "$KAOHE_ROOT/tests/browser" >/dev/null
fi
export PATH="$KAOHE_VENV/bin:$PATH"
