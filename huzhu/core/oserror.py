"""Why a file could not be read or written, in Chinese (the system's strerror is English)."""

import contextlib
import errno
import logging
from pathlib import Path

REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EEXIST: "已有同名文件",
    errno.ENOTDIR: "路径中有同名文件",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
}


def why(exc: OSError) -> str:
    return REASONS.get(exc.errno or 0, exc.strerror or str(exc))


log = logging.getLogger(__name__)


def write_whole(path: Path, data: bytes) -> None:
    """Write a file the server keeps (an upload, sealed): its folder made as needed. When the
    disk refuses (full, read-only, a file where a folder should be), the half-written file is
    removed, the reason logged for the operator, and the OSError raised for the caller to
    say in Chinese (`why`): before, the user saw a server error and the part was left behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        log.error("could not write %s: %s", path, exc)
        raise
