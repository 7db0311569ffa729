"""Claim documents on disk: checked by content (PDF, JPEG, PNG), at most 20 MB, stored outside
the static root under MEDIA_ROOT/claims/, read back only through an access-checked view."""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_BYTES = 20 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class Stored:
    path: str  # relative to MEDIA_ROOT
    content_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> tuple[str, str]:
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    raise UploadRefused("只接受 PDF、JPG、PNG 文件（按文件内容判断，改扩展名无效）")


def store(claim_number: str, data: bytes) -> Stored:
    if not data:
        raise UploadRefused("文件为空")
    if len(data) > MAX_BYTES:
        raise UploadRefused("文件超过 20 MB，请压缩或分页后上传")
    content_type, extension = sniff(data)
    relative = Path("claims") / claim_number / f"{secrets.token_hex(12)}.{extension}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Stored(str(relative), content_type, len(data), hashlib.sha256(data).hexdigest())


def read(relative: str) -> bytes:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise UploadRefused("invalid path")
    return path.read_bytes()
