"""Photos of a paper's pages, taken on a phone, as one PDF: a checklist item holds one file
(C-3), and a medical record of twelve pages photographed page by page could not be sent
without a computer to make the PDF. Each photo becomes an A4 page (turned by the camera's
orientation, shrunk to a legible size, in the order of the file names, which a phone numbers
as it shoots); nothing but JPEG and PNG is taken, checked by content as every upload is."""

import io
import re
import warnings
from collections.abc import Sequence

from PIL import Image, ImageOps
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from huzhu.claims.uploads import MAX_BYTES, UploadRefused, sniff

MAX_PICTURES = 30
LONG_SIDE = 2000  # pixels: a page of small print stays legible; a phone's 4000 shrinks to it
QUALITY = 85
MARGIN = 8 * mm
# a PNG is decoded whole (a JPEG at a fraction of its size): 40 million pixels take 160 MB
MAX_PNG_PIXELS = 40_000_000
# what a file that is no picture, a cut one or a decompression bomb raises while it is read
UNREADABLE = (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning)


def natural_order(names: Sequence[str]) -> list[int]:
    """Indexes of `names` in natural order: IMG_2 before IMG_10."""

    def key(index: int) -> list[object]:
        parts = re.split(r"(\d+)", names[index].lower())
        return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts]

    return sorted(range(len(names)), key=key)


def check_count(count: int) -> None:
    """Refused before any photo is read: at most MAX_PICTURES."""
    if count > MAX_PICTURES:
        raise UploadRefused(
            f"一次最多合并 {MAX_PICTURES} 张照片（这次选了 {count} 张）：页数更多的材料，"
            "请先合并成一个 PDF 再上传"
        )


def combine(pictures: Sequence[bytes]) -> bytes:
    """The pictures, in the order given, as one PDF of a page each. UploadRefused, naming the
    picture (第 2 个文件), for anything but a JPEG or PNG that opens, or too many or too much."""
    check_count(len(pictures))
    pages = [_page(index, data) for index, data in enumerate(pictures, start=1)]
    out = io.BytesIO()
    document = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    document.setTitle("申请材料（照片合并）")
    for jpeg, (width, height) in pages:
        size = landscape(A4) if width > height else A4
        document.setPageSize(size)
        scale = min((size[0] - 2 * MARGIN) / width, (size[1] - 2 * MARGIN) / height)
        shown = (width * scale, height * scale)
        x, y = (size[0] - shown[0]) / 2, (size[1] - shown[1]) / 2
        document.drawImage(ImageReader(io.BytesIO(jpeg)), x, y, *shown)
        document.showPage()
    document.save()
    combined = out.getvalue()
    if len(combined) > MAX_BYTES:
        raise UploadRefused(
            "合并后的文件超过 20 MB：请先把这些照片合并成一个不超过 20 MB 的 PDF 再上传"
        )
    return combined


def _page(index: int, data: bytes) -> tuple[bytes, tuple[int, int]]:
    """One picture as an upright JPEG of at most LONG_SIDE pixels, and its size."""
    if not data:
        raise UploadRefused(f"第 {index} 个文件为空")
    if len(data) > MAX_BYTES:
        raise UploadRefused(f"第 {index} 个文件超过 20 MB")
    try:
        content_type, _ = sniff(data)
    except UploadRefused as exc:
        raise UploadRefused(f"第 {index} 个文件：{exc}") from exc
    if content_type == "application/pdf":
        raise UploadRefused(
            f"第 {index} 个文件是 PDF：多选时只能选照片（JPG、PNG），合并为一个 PDF；"
            "已是 PDF 的材料请单独上传"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as opened:
                if opened.format != "JPEG" and opened.width * opened.height > MAX_PNG_PIXELS:
                    raise UploadRefused(f"第 {index} 个文件像素过多，请缩小后上传")
                opened.draft("RGB", (LONG_SIDE, LONG_SIDE))  # a JPEG decodes at a smaller size
                picture = ImageOps.exif_transpose(opened)
                picture.thumbnail((LONG_SIDE, LONG_SIDE))
                if picture.mode in ("RGBA", "LA", "P"):  # transparency shows on white paper
                    picture = picture.convert("RGBA")
                    paper = Image.new("RGB", picture.size, "white")
                    paper.paste(picture, mask=picture.getchannel("A"))
                    picture = paper
                picture = picture.convert("RGB")
                out = io.BytesIO()
                picture.save(out, "JPEG", quality=QUALITY, optimize=True)
                return out.getvalue(), picture.size
    except UploadRefused:  # a ValueError too, said as it is
        raise
    except UNREADABLE as exc:
        raise UploadRefused(f"第 {index} 个文件无法作为图片打开（文件可能已损坏）") from exc
