"""A paper's pages photographed on a phone are sent as one upload and kept as one PDF
(huzhu.claims.pictures): in the order of their names, upright, shrunk, a page each."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from huzhu.claims import pictures
from huzhu.claims.models import Claim
from huzhu.claims.tests.journeys import PDF
from huzhu.claims.tests.test_views_api import enrolled as enrolled  # the fixture
from huzhu.claims.tests.test_views_api import file_claim
from huzhu.claims.uploads import UploadRefused
from huzhu.core.models import AuditEntry

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


def photo(size: tuple[int, int], kind: str = "JPEG", turned: int = 0, alpha: bool = False) -> bytes:
    """A picture of `size` pixels as stored; `turned` is the camera's EXIF orientation."""
    picture = Image.new("RGBA" if alpha else "RGB", size, (200, 30, 30, 90) if alpha else "red")
    out = io.BytesIO()
    if turned:
        exif = Image.Exif()
        exif[0x0112] = turned
        picture.save(out, kind, exif=exif)
    else:
        picture.save(out, kind)
    return out.getvalue()


def pages(data: bytes) -> list[tuple[float, float]]:
    return [
        (float(p.mediabox.width), float(p.mediabox.height))
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def test_pictures_become_one_pdf_a_page_each_upright_and_shrunk():
    combined = pictures.combine(
        [
            photo((300, 200), turned=6),  # taken holding the phone upright: a portrait page
            photo((120, 90), "PNG", alpha=True),  # a screenshot with transparency
            photo((4000, 3000)),  # a phone's full size
        ]
    )
    assert combined.startswith(b"%PDF-")
    portrait, landscape = (595.28, 841.89), (841.89, 595.28)
    shown = [(round(w, 2), round(h, 2)) for w, h in pages(combined)]
    assert shown == [portrait, landscape, landscape]
    images = [page.images[0].image for page in PdfReader(io.BytesIO(combined)).pages]
    assert images[0].size == (200, 300)  # turned by the camera's orientation
    assert images[1].getpixel((5, 5))[1] > 100  # the transparent red on white paper: pink
    assert max(images[2].size) == pictures.LONG_SIDE
    assert len(combined) < 1_000_000


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ([photo((50, 50)), PDF], "第 2 个文件是 PDF：多选时只能选照片"),
        ([b"\xff\xd8\xff\xe0 cut off", photo((50, 50))], "第 1 个文件无法作为图片打开"),
        ([photo((50, 50)), HEIC], "第 2 个文件：这是手机拍摄的 HEIC 格式照片"),
        ([photo((50, 50)), b"MZ\x90\x00"], "第 2 个文件：只接受 PDF、JPG、PNG"),
        ([photo((50, 50)), b""], "第 2 个文件为空"),
        ([photo((8000, 6000), "PNG")], "第 1 个文件像素过多，请缩小后上传"),
        ([photo((20, 20))] * 31, "一次最多合并 30 张照片（这次选了 31 张）：页数更多的材料"),
    ],
)
def test_what_cannot_be_combined_is_refused_naming_the_file(files, said):
    with pytest.raises(UploadRefused, match=said.replace("（", r"\（").replace("）", r"\）")):
        pictures.combine(files)


def test_photos_are_taken_in_the_order_of_their_names():
    names = ["IMG_10.jpg", "img_2.JPG", "IMG_1.jpg", "mmexport1701.jpg"]
    assert [names[i] for i in pictures.natural_order(names)] == [
        "IMG_1.jpg",
        "img_2.JPG",
        "IMG_10.jpg",
        "mmexport1701.jpg",
    ]


def test_an_officer_sends_a_papers_photos_at_once_and_staff_open_one_pdf(
    enrolled, people, login, settings
):
    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    claim = Claim.objects.get()
    url = f"/claims/{claim.number}/documents/medical_record/"
    chosen = [
        SimpleUploadedFile("IMG_10.jpg", photo((90, 60))),  # the second page, landscape
        SimpleUploadedFile("IMG_9.jpg", photo((60, 90))),  # the first page, portrait
    ]
    page = officer.post(url, {"file": chosen}, follow=True).content.decode()
    assert "材料已上传：2 张照片已按文件名顺序合并为一份 PDF" in page
    document = claim.documents.get(item="medical_record")
    assert document.received and document.content_type == "application/pdf"
    assert document.original_name == "IMG_9.jpg 等 2 张照片（已合并为 PDF）"
    opened = login(people.registrar).get(f"/claims/{claim.number}/documents/medical_record/file")
    kept = b"".join(opened.streaming_content) if opened.streaming else opened.content
    assert [w < h for w, h in pages(kept)] == [True, False]
    entry = AuditEntry.objects.get(action="claims.document.received", target_code=claim.number)
    assert entry.after["file"] == "IMG_9.jpg 等 2 张照片（已合并为 PDF）"


def test_photos_with_a_pdf_among_them_change_nothing(enrolled, people, login, settings):
    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    claim = Claim.objects.get()
    chosen = [SimpleUploadedFile("a.jpg", photo((60, 90))), SimpleUploadedFile("b.pdf", PDF)]
    url = f"/claims/{claim.number}/documents/medical_record/"
    page = officer.post(url, {"file": chosen}, follow=True).content.decode()
    assert "第 2 个文件是 PDF：多选时只能选照片（JPG、PNG）" in page
    assert "已是 PDF 的材料请单独上传；本次未上传" in page
    many = [SimpleUploadedFile(f"IMG_{i}.jpg", photo((20, 20))) for i in range(31)]
    page = officer.post(url, {"file": many}, follow=True).content.decode()
    assert "一次最多合并 30 张照片（这次选了 31 张）" in page
    assert not claim.documents.filter(received=True).exists()
    stored = Path(settings.MEDIA_ROOT) / "claims" / claim.number
    assert not stored.exists() or not any(stored.iterdir())
