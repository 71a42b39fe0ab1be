"""Output files: atomic, never replacing what they must not, no temporary file left."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tradepivot.boundary import journal
from tradepivot.errors import OutputPathError
from tradepivot.outputs import atomic_output, check_target, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_replace_atomically_and_keep_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_text(target, "one")
    target.chmod(0o640)
    with journal() as changes:
        write_text(target, "two")
    assert target.read_text() == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert changes.kept == [str(target)]
    assert _leftovers(tmp_path) == []


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError), atomic_output(target) as tmp:
        tmp.write_text("half")
        _ = 1 / 0
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_read_only_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "ro.csv"
    target.write_text("keep")
    target.chmod(0o444)
    with pytest.raises(OutputPathError, match="read-only"):
        write_text(target, "new")
    assert target.read_text() == "keep"
    write_text(target, "new", force=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444  # still read-only afterwards


def test_folders_links_devices_pipes_sockets_and_empty_names_are_refused(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("x")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path, words in [
            (tmp_path, "folder"),
            (link, "symbolic link"),
            (Path("/dev/null"), "device"),
            (fifo, "pipe"),
            (sock_path, "socket"),
            (Path(), "no file name"),
        ]:
            for force in (False, True):
                with pytest.raises(OutputPathError, match=words):
                    write_text(path, "x", force=force)
    finally:
        server.close()
    assert real.read_text() == "x" and link.is_symlink()


def test_unwritable_places_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(OutputPathError):
        write_text(Path("/proc/self/out.csv"), "x")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputPathError, match="not a folder"):
        write_text(blocker / "out.csv", "x")


def test_a_killed_writers_temporary_file_is_swept(tmp_path: Path) -> None:
    target = tmp_path / "big.xlsx"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    stale = tmp_path / f".big.xlsx.tp-{dead}-0123abcd.tmp"
    stale.write_bytes(b"x" * 1000)
    alive = tmp_path / f".big.xlsx.tp-{os.getppid()}-0123abcd.tmp"
    alive.write_bytes(b"y")
    write_text(target, "z")
    assert not stale.exists()
    assert alive.exists()  # another live process may still be writing it


def test_check_target_is_silent_for_new_and_writable_files(tmp_path: Path) -> None:
    assert check_target(tmp_path / "new.csv") == tmp_path / "new.csv"
    (tmp_path / "w.csv").write_text("x")
    check_target(tmp_path / "w.csv")
