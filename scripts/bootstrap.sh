#!/usr/bin/env bash
# Shared set-up for build.sh and test.sh: Debian packages, a virtualenv, the Python package.
# Usage: source scripts/bootstrap.sh [build|test]
set -euo pipefail

KAOHE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAOHE_VENV="${KAOHE_VENV:-$KAOHE_ROOT/.venv}"
purpose="${1:-build}"

# Debian packages: WeasyPrint's libraries, the CJK fonts for the PDFs and the site,
# Node (npm: Pyodide for the checker page; axe-core for the tests), and for the tests poppler
# (pdftoppm/pdffonts), Chromium and LibreOffice (Writer, Calc).
apt_needed=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fontconfig
            fonts-noto-cjk texlive-lang-chinese)
command -v npm >/dev/null 2>&1 || apt_needed+=(nodejs npm)
if [ "$purpose" = test ]; then
  apt_needed+=(poppler-utils chromium libreoffice-writer libreoffice-calc)
fi
missing=()
for pkg in "${apt_needed[@]}"; do
  # python3-venv is only needed when the interpreter lacks a working venv module.
  if [ "$pkg" = python3-venv ] && python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then continue; fi
  # Unpacked and usable counts as installed: "triggers-pending"/"triggers-awaited" only mean that
  # dpkg will run a trigger (e.g. fc-cache) later; "half-configured" packages are already on disk.
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
    | grep -Eq "^install ok (installed|triggers-pending|triggers-awaited|half-configured)$" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt job (e.g. a fresh machine's first updates) may hold apt's locks: wait for it
    # (DPkg::Lock::Timeout covers dpkg's lock; a locked package list is retried here), up to 10 minutes.
    apt_log="$(mktemp)"
    _kaohe_apt() {
      local started=$SECONDS said=""
      while :; do
        if apt-get -o DPkg::Lock::Timeout=600 "$@" >>"$apt_log" 2>&1; then return 0; fi
        grep -q "Could not get lock\|Unable to acquire\|Unable to lock" "$apt_log" || return 1
        [ $((SECONDS - started)) -ge "${KAOHE_APT_WAIT:-600}" ] && return 1
        [ -n "$said" ] || { echo "==> 另一个软件包安装任务正在运行，等待它结束（最多 10 分钟）……"; said=1; }
        : >"$apt_log"
        sleep "${KAOHE_APT_POLL:-5}"
      done
    }
    if ! _kaohe_apt update -qq || ! _kaohe_apt install -y -qq --no-install-recommends "${missing[@]}"; then
      echo "安装系统软件包失败：${missing[*]}。" >&2
      if grep -q "Could not get lock\|Unable to acquire\|Unable to lock" "$apt_log"; then
        echo "另一个软件包安装任务 10 分钟内没有结束。请等它结束后重新运行本命令。" >&2
      else
        echo "apt-get 的输出如下，请检查网络或软件源后重新运行本命令：" >&2
        cat "$apt_log" >&2
      fi
      rm -f "$apt_log"
      exit 1
    fi
    rm -f "$apt_log"
  else
    echo "缺少系统软件包：${missing[*]}" >&2
    echo "请以管理员身份运行：sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

source "$KAOHE_ROOT/scripts/pip-env.sh"

if [ ! -x "$KAOHE_VENV/bin/python" ]; then
  echo "==> 创建虚拟环境 $KAOHE_VENV"
  python3 -m venv "$KAOHE_VENV"
fi
# Python packages: exactly the versions of the lock file (scripts/lock.sh makes it from
# pyproject.toml), then kaohe itself without resolving anything again.
lock="$KAOHE_ROOT/lock/requirements.txt"
[ "$purpose" = test ] && lock="$KAOHE_ROOT/lock/requirements-test.txt"
stamp="$KAOHE_VENV/.kaohe-installed-$purpose"
if [ ! -f "$stamp" ] || [ "$KAOHE_ROOT/pyproject.toml" -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  echo "==> 安装 Python 依赖（按 ${lock#"$KAOHE_ROOT"/} 的确切版本）"
  "$KAOHE_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$lock"
  "$KAOHE_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$KAOHE_ROOT"
  touch "$stamp"
fi

if [ "$purpose" = test ] && [ ! -f "$KAOHE_ROOT/tests/browser/node_modules/axe-core/axe.min.js" ]; then
  echo "==> 安装 axe-core（无障碍检查）"
  # Versions are pinned in tests/browser/package.json (axe-core has no dependencies).
  npm install --silent --no-audit --no-fund --no-package-lock --prefix "$KAOHE_ROOT/tests/browser" >/dev/null
fi
checkpage="$KAOHE_ROOT/builder/checkpage"
if [ ! -f "$checkpage/node_modules/.package-lock.json" ] || [ "$checkpage/package-lock.json" -nt "$checkpage/node_modules/.package-lock.json" ]; then
  echo "==> 安装 Pyodide（检查自评报告页面在浏览器中运行的 Python）"
  # The exact version is pinned in builder/checkpage/package.json and package-lock.json.
  npm ci --silent --no-audit --no-fund --prefix "$checkpage" >/dev/null
fi
if [ ! -f "$checkpage/node_modules/.kaohe/python_stdlib.json" ] || [ "$checkpage/node_modules/.package-lock.json" -nt "$checkpage/node_modules/.kaohe/python_stdlib.json" ]; then
  echo "==> 预编译 Pyodide 的 Python 标准库（检查页面打开更快）"
  node "$checkpage/precompile.mjs" >/dev/null
fi
export PATH="$KAOHE_VENV/bin:$PATH"
