"""builder/files.py: files are never seen half-written; staged files appear together or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from builder.files import StagedFiles, file_digest, file_sha256, sha256, write_atomic


def _mode(p):
    return stat.S_IMODE(p.stat().st_mode)


def test_write_atomic_makes_folders_an_ordinary_readable_file_and_no_leftovers(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a" / "b" / "x.pdf", b"one")
        write_atomic(tmp_path / "a" / "b" / "x.pdf", b"two", durable=False)
    finally:
        os.umask(old)
    target = tmp_path / "a" / "b" / "x.pdf"
    assert target.read_bytes() == b"two" and _mode(target) == 0o644  # a web server must read it
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


def test_staged_files_appear_only_on_commit_in_order(tmp_path):
    (tmp_path / "keep.pdf").write_bytes(b"old")
    src = tmp_path / "src.bin"
    src.write_bytes(b"copied")
    staged = StagedFiles()
    staged.write(tmp_path / "r" / "a.pdf", b"A")
    staged.copy(src, tmp_path / "keep.pdf")
    staged.write(tmp_path / "r" / "a.pdf", b"A2")  # the last write of a path counts
    assert not (tmp_path / "r" / "a.pdf").exists() and (tmp_path / "keep.pdf").read_bytes() == b"old"
    assert staged.commit() == [tmp_path / "keep.pdf", tmp_path / "r" / "a.pdf"]
    assert (tmp_path / "r" / "a.pdf").read_bytes() == b"A2" and (tmp_path / "keep.pdf").read_bytes() == b"copied"
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["a.pdf"]


def test_staged_files_are_all_removed_when_the_run_fails(tmp_path):
    (tmp_path / "keep.pdf").write_bytes(b"old")
    with pytest.raises(RuntimeError), StagedFiles() as staged:
        staged.write(tmp_path / "keep.pdf", b"new")
        staged.write(tmp_path / "sub" / "b.pdf", b"B")
        raise RuntimeError("a document failed")
    assert (tmp_path / "keep.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["keep.pdf"]


def test_hashes(tmp_path):
    p = tmp_path / "f"
    p.write_bytes("质量".encode())
    assert sha256("质量") == sha256("质量".encode()) == file_sha256(p) == file_digest(p)
    assert file_digest(tmp_path / "nope") == "missing"
    with pytest.raises(OSError):
        file_sha256(tmp_path / "nope")


def test_staged_link_shares_the_file_and_falls_back_to_a_copy(tmp_path, monkeypatch):
    import errno

    src = tmp_path / "blob"
    src.write_bytes(b"%PDF cached")
    staged = StagedFiles()
    staged.link(src, tmp_path / "site" / "a.pdf")
    staged.commit()
    a = tmp_path / "site" / "a.pdf"
    assert a.read_bytes() == b"%PDF cached" and a.stat().st_ino == src.stat().st_ino  # no bytes copied

    def cross_device(*_a):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    staged.link(src, tmp_path / "site" / "b.pdf")
    staged.commit()
    b = tmp_path / "site" / "b.pdf"
    assert b.read_bytes() == b"%PDF cached" and b.stat().st_ino != src.stat().st_ino
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["a.pdf", "b.pdf"]
