"""Uploaded rosters kept between the check and the confirmation (outside the static root)."""

import secrets
from pathlib import Path

from django.conf import settings

from huzhu.organizations.models import Unit


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(unit: Unit, data: bytes, report: bytes | None) -> str:
    token = secrets.token_urlsafe(16)
    (_folder() / f"{unit.code}-{token}.upload").write_bytes(data)
    if report is not None:
        (_folder() / f"{unit.code}-{token}.report.xlsx").write_bytes(report)
    return token


def _path(unit: Unit, token: str, suffix: str) -> Path | None:
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _folder() / f"{unit.code}-{token}{suffix}"
    return path if path.exists() else None


def upload(unit: Unit, token: str) -> bytes | None:
    path = _path(unit, token, ".upload")
    return path.read_bytes() if path else None


def report(unit: Unit, token: str) -> bytes | None:
    path = _path(unit, token, ".report.xlsx")
    return path.read_bytes() if path else None


def discard(unit: Unit, token: str) -> None:
    for suffix in (".upload", ".report.xlsx"):
        path = _path(unit, token, suffix)
        if path:
            path.unlink()
