"""Reading an upload for its checks: never more than one byte past the caller's size limit, so
a huge file is refused by the usual size check ("文件超过 20 MB") without being held whole in
a server process's memory (Django has already spooled it to a temporary file)."""

from typing import IO


def read_bounded(upload: IO[bytes], limit: int) -> bytes:
    return upload.read(limit + 1)
