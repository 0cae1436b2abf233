"""The all-or-nothing swap's first step (builder/site/atomic.py): can ``site/`` be replaced?"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.site.atomic import AtomicSite, StagingError

REPO = Path(__file__).resolve().parent.parent


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


def _kaohe_build(root, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    e.update({"CI": "true", **(env or {})})
    return subprocess.run([sys.executable, "-m", "builder", "build", "-q", "--no-pdfs"], cwd=root, env=e,
                          capture_output=True, text=True, timeout=300)


def test_the_replaced_site_is_removed_by_the_next_build_and_nothing_is_left_beside_site(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    generate.generate(2, tmp_path)
    trash = tmp_path / ".cache" / "kaohe" / "build" / "trash"
    for n in range(3):
        p = _kaohe_build(tmp_path)
        assert p.returncode == 0, p.stderr
        assert [x.name for x in tmp_path.iterdir() if ".kaohe-" in x.name] == []
        kept = sorted(trash.iterdir()) if trash.exists() else []
        assert len(kept) == (0 if n == 0 else 1)  # the site the build replaced; the one before is gone
        if kept:
            assert (kept[0] / "index.html").is_file()
    assert (tmp_path / "site" / "index.html").is_file()
    p = _kaohe_build(tmp_path, {"KAOHE_NO_CACHE": "1"})  # no cache: the replaced site is removed at once
    assert p.returncode == 0, p.stderr
    assert [x.name for x in tmp_path.iterdir() if ".kaohe-" in x.name] == []


def test_a_trash_folder_linked_elsewhere_is_never_emptied(tmp_path):
    from builder.site.atomic import empty_trash

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "site-1-2").mkdir(parents=True)
    (elsewhere / "site-1-2" / "precious.txt").write_text("x", encoding="utf-8")
    (elsewhere / "notes").mkdir()
    trash = tmp_path / "cache" / "trash"
    trash.parent.mkdir()
    trash.symlink_to(elsewhere, target_is_directory=True)
    child = empty_trash(trash)
    if child is not None:
        child.result()
    assert (elsewhere / "site-1-2" / "precious.txt").is_file() and (elsewhere / "notes").is_dir()
    site = AtomicSite(tmp_path / "site", trash)
    old = tmp_path / "old-site"
    old.mkdir()
    site.discard(old)  # not moved through the link: removed where it is
    assert not old.exists() and sorted(p.name for p in elsewhere.iterdir()) == ["notes", "site-1-2"]


def test_only_what_discard_put_there_is_emptied_from_the_trash(tmp_path):
    from builder.site.atomic import empty_trash

    trash = tmp_path / "trash"
    (trash / "site-12-34").mkdir(parents=True)
    (trash / "other").mkdir()
    (trash / "site-12-34" / "f").write_text("x", encoding="utf-8")
    child = empty_trash(trash)
    if child is not None:
        child.result()
    assert sorted(p.name for p in trash.iterdir()) == ["other"]
