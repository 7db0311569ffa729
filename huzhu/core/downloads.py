"""File responses: one place for content types and Content-Disposition (RFC 6266, so Chinese
file names survive)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def file_response(data: bytes, filename: str, content_type: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return file_response(data, filename, XLSX, inline=False)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    return file_response(data, filename, PDF, inline=True)
