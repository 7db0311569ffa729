"""PDF documents with correct Chinese text (reportlab's built-in STSong-Light CID font, which
needs no font file and extracts back to text)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from huzhu.core import association

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=24, alignment=1)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=12, wordWrap="CJK")
ISSUER = association.NAME
FACTS_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
    ]
)
GRID_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
)
PLAIN_STYLE = TableStyle(
    [
        *GRID_STYLE.getCommands(),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), SMALL.fontSize),
    ]
)
ROW_HEIGHT = 14  # points: one line of the small text with the table's default padding


def default_footer() -> str:
    """Every document's footer: who issues it and the service phones."""
    return f"{ISSUER} · 服务电话 {association.SERVICE_PHONES}"


@dataclass
class Document:
    title: str
    facts: Sequence[tuple[str, str]] = ()
    paragraphs: Sequence[str] = ()
    table_title: str = ""
    table: Sequence[Sequence[str]] = ()  # first row is the header
    # short one-line cells, possibly many rows (a roster): drawn as plain text from a new page,
    # one table per page
    plain_table: bool = False
    footer: str = field(default_factory=default_footer)


# Characters the font's Unicode map (UniGB-UCS2-H) lacks, drawn as an empty box or "?" by
# readers, and the GB character that stands for them: the middle dot of the documents' titles
# and footers and of minority names (阿依古丽·买买提) is the katakana middle dot in GB 2312.
SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb"})


def _glyphs(text: str) -> str:
    return text.translate(SUBSTITUTES)


def _escape(text: str) -> str:
    return _glyphs(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(doc: Document) -> bytes:
    buffer = io.BytesIO()
    margin = 18 * mm
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=doc.title,
        author=ISSUER,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    story: list[Flowable] = [Paragraph(_escape(doc.title), TITLE), Spacer(1, 6 * mm)]
    if doc.facts:
        rows = [[Paragraph(_escape(k), BODY), Paragraph(_escape(v), BODY)] for k, v in doc.facts]
        facts = Table(rows, colWidths=[40 * mm, 134 * mm])
        facts.setStyle(FACTS_STYLE)
        story += [facts, Spacer(1, 5 * mm)]
    story += [Paragraph(_escape(p), BODY) for p in doc.paragraphs]
    pages = _table_pages(doc, template) if doc.table and doc.plain_table else None
    if pages is not None:
        story += pages
    elif doc.table:
        story += [Spacer(1, 5 * mm), Paragraph(_escape(doc.table_title), BODY), Spacer(1, 2 * mm)]
        body = [[Paragraph(_escape(str(c)), SMALL) for c in row] for row in doc.table]
        grid = Table(body, repeatRows=1)
        grid.setStyle(GRID_STYLE)
        story.append(grid)

    def footer(canvas: Any, document: Any) -> None:
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, _glyphs(f"{doc.footer} · 第 {canvas.getPageNumber()} 页")
        )

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _table_pages(doc: Document, template: SimpleDocTemplate) -> list[Flowable] | None:
    """A table of one-line cells, one table per page (each with the header row), or None when
    its columns would not fit across the page. Laid out as one table, reportlab re-measured
    all remaining rows at every page break: a 10,000-row roster annex took 10 s."""
    header, *rows = [[_glyphs(str(cell)) for cell in row] for row in doc.table]
    size = SMALL.fontSize
    widths = [
        max(pdfmetrics.stringWidth(row[i], FONT, size) for row in [header, *rows]) + 12
        for i in range(len(header))
    ]
    if sum(widths) > template.width:
        return None
    usable = template.height - 12  # the frame's own padding
    title_height = BODY.leading + 2 * mm
    first = int((usable - title_height) // ROW_HEIGHT) - 2  # the header row and a row to spare
    per_page = int(usable // ROW_HEIGHT) - 2
    story: list[Flowable] = [PageBreak(), Paragraph(_escape(doc.table_title), BODY)]
    story.append(Spacer(1, 2 * mm))
    start, count = 0, first
    while True:
        chunk = [header, *rows[start : start + count]]
        table = Table(chunk, colWidths=widths, rowHeights=[ROW_HEIGHT] * len(chunk))
        table.setStyle(PLAIN_STYLE)
        story.append(table)
        start, count = start + count, per_page
        if start >= len(rows):
            return story
        story.append(PageBreak())
