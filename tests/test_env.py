"""The environment switches are read one way everywhere (builder/env.py)."""

from __future__ import annotations

import pytest

from builder import env
from builder.buildcache import BuildCache


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), (" YES ", True), ("on", True),
                                             ("0", False), ("false", False), ("No", False), ("off", False),
                                             ("", None), ("maybe", None)])
def test_a_switch_is_on_off_or_not_given(monkeypatch, value, expected):
    monkeypatch.setenv("KAOHE_X", value)
    assert env.flag("KAOHE_X") is expected
    assert env.enabled("KAOHE_X", True) is (True if expected is None else expected)


@pytest.mark.parametrize("value, on", [("1", False), ("0", True), ("false", True), ("", True), ("yes", False)])
def test_kaohe_no_cache_0_means_the_cache_is_on(monkeypatch, tmp_path, value, on):
    monkeypatch.setenv("KAOHE_NO_CACHE", value)
    assert env.cache_enabled() is on
    assert BuildCache(tmp_path).enabled is on


def test_every_module_reads_switches_through_env():
    import re
    from pathlib import Path

    root = Path(env.__file__).parent
    # builder/pdf/ (SOURCE_DATE_EPOCH, KAOHE_PRINT_FONTS, CI) and the checker's KAOHE_DEBUG belong to other
    # helpers' modules for now; the site, the cache and the command line read switches through env only.
    for path in [*root.glob("site/*.py"), *root.glob("cli/*.py"), root / "buildcache.py", root / "checker" / "cache.py"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"os\.environ|getenv", text), path
