"""Files the server writes: the reason in Chinese, nothing half-written left behind."""

import errno
from pathlib import Path

import pytest

from huzhu.core.oserror import why, write_whole


def test_a_write_the_disk_refuses_leaves_no_half_written_file(tmp_path):
    """A full disk (the kernel's /dev/full, reached through a link that stands for the file)
    is ENOSPC: the file is removed, the error raised for the caller to say in Chinese."""
    target = tmp_path / "kept" / "upload.bin"
    target.parent.mkdir()
    target.symlink_to("/dev/full")
    with pytest.raises(OSError, match="No space left") as refused:
        write_whole(target, b"x" * 100_000)
    assert refused.value.errno == errno.ENOSPC and why(refused.value) == "磁盘空间不足"
    assert not target.is_symlink() and not target.exists()
    assert Path("/dev/full").exists()  # the link went, not what it pointed to


def test_a_file_is_written_whole_with_its_folder(tmp_path):
    target = tmp_path / "a" / "b" / "file.bin"
    write_whole(target, b"sealed")
    assert target.read_bytes() == b"sealed"
