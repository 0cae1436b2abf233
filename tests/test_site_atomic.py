"""The all-or-nothing swap's first step (builder/site/atomic.py): can ``site/`` be replaced?"""

from __future__ import annotations

import os
import subprocess

import pytest

from builder.site.atomic import AtomicSite, StagingError


def _lock(folder):
    """Make ``folder`` unwritable for this user (immutable for root); returns the undo, or skips."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available here")
        return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)
    os.chmod(folder, 0o555)
    return lambda: os.chmod(folder, 0o755)


def test_a_folder_deep_in_site_that_cannot_be_written_stops_before_anything_is_built(tmp_path):
    site = tmp_path / "site"
    deep = site / "luohe-2022" / "wuyang"
    deep.mkdir(parents=True)
    (deep / "index.html").write_text("x", encoding="utf-8")
    AtomicSite(site).check_writable()  # writable: no error
    undo = _lock(deep)
    try:
        with pytest.raises(StagingError) as err:
            AtomicSite(site).check_writable()
    finally:
        undo()
    assert "wuyang" in str(err.value) and "只读" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no probe file, no staging folder left
    assert sorted(p.name for p in deep.iterdir()) == ["index.html"]


def test_a_link_to_a_locked_folder_elsewhere_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "link").symlink_to(elsewhere, target_is_directory=True)
    undo = _lock(elsewhere)
    try:
        AtomicSite(site).check_writable()  # the link is replaced with site/, not written through
    finally:
        undo()
