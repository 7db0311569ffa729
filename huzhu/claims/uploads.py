"""Claim documents on disk: checked by content (PDF, JPEG, PNG), at most 20 MB, sealed with the
field key (copies of ID and bank cards, medical records: brief rule 5), stored outside the static
root under MEDIA_ROOT/claims/, read back only through an access-checked view."""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from huzhu.core import crypto
from huzhu.core.oserror import why, write_whole

MAX_BYTES = 20 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


class UploadRefused(ValueError):
    pass


NOT_STORED = "服务器未能保存文件（{why}），本次未上传；请稍后重试，仍不成功请联系互济会"


@dataclass(frozen=True)
class Stored:
    path: str  # relative to MEDIA_ROOT
    content_type: str
    size: int
    sha256: str


# ISO media brands of HEIF pictures, the default format of iPhone photos
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def sniff(data: bytes) -> tuple[str, str]:
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:  # a phone's photo of the paper
        raise UploadRefused(
            "这是手机拍摄的 HEIC 格式照片，不能直接上传：请截图后上传，"
            "或在手机“设置—相机—格式”中选择“兼容性最佳”后重新拍摄"
        )
    raise UploadRefused("只接受 PDF、JPG、PNG 文件（按文件内容判断，改扩展名无效）")


def store(claim_number: str, data: bytes) -> Stored:
    if not data:
        raise UploadRefused("文件为空")
    if len(data) > MAX_BYTES:
        raise UploadRefused("文件超过 20 MB，请压缩或分页后上传")
    content_type, extension = sniff(data)
    relative = Path("claims") / claim_number / f"{secrets.token_hex(12)}.{extension}"
    try:
        write_whole(Path(settings.MEDIA_ROOT) / relative, crypto.seal_file(data))
    except OSError as exc:
        raise UploadRefused(NOT_STORED.format(why=why(exc))) from exc
    return Stored(str(relative), content_type, len(data), hashlib.sha256(data).hexdigest())


def path_of(relative: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise UploadRefused("invalid path")
    return path


def read(relative: str) -> bytes:
    """The document's bytes; UploadRefused when the file is gone, altered or under a key no
    longer configured."""
    try:
        return crypto.open_file(path_of(relative).read_bytes())
    except (OSError, crypto.FieldKeyError) as exc:
        raise UploadRefused("材料文件无法读取") from exc


def discard(relative: str) -> None:
    """Delete a document's file (replaced by a new upload, or never committed)."""
    if relative:
        path_of(relative).unlink(missing_ok=True)
