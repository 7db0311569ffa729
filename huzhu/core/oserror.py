"""Why a file could not be read or written, in Chinese (the system's strerror is English)."""

import errno

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
