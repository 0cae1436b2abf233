# Sourced by scripts/bootstrap.sh and scripts/lock.sh: pip without warnings about local mirrors.
# A pip configuration (pip.conf, PIP_* variables) may name local package folders. pip prints
# "WARNING: Location … is ignored" for a folder that is missing and, for a local file:// index,
# for every project that index lacks. Keep the find-links folders that exist and no local index
# (PyPI has every pinned release); an environment variable overrides pip.conf.
_kaohe_find_links() {
  local out=() loc
  for loc in $(python3 -m pip config get global.find-links 2>/dev/null; printenv PIP_FIND_LINKS || true); do
    case " ${out[*]:-} " in *" $loc "*) continue ;; esac
    case "$loc" in
      http://*|https://*) out+=("$loc") ;;
      *) [ -d "${loc#file://}" ] && out+=("$loc") ;;
    esac
  done
  echo "${out[*]:-}"
}
_kaohe_index_urls() {
  local out=() loc
  for loc in $(python3 -m pip config get global.extra-index-url 2>/dev/null; printenv PIP_EXTRA_INDEX_URL || true); do
    case "$loc" in http://*|https://*) out+=("$loc") ;; esac
  done
  echo "${out[*]:-}"
}
# An empty variable does not override pip.conf; a blank one (" ") means "none".
PIP_FIND_LINKS="$(_kaohe_find_links)"; PIP_FIND_LINKS="${PIP_FIND_LINKS:- }"
PIP_EXTRA_INDEX_URL="$(_kaohe_index_urls)"; PIP_EXTRA_INDEX_URL="${PIP_EXTRA_INDEX_URL:- }"
export PIP_FIND_LINKS PIP_EXTRA_INDEX_URL
