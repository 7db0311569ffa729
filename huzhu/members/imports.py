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


def take(unit: Unit, token: str) -> bytes | None:
    """The upload, claimed for one import: it is moved aside first (a rename happens once), so
    a second click on the confirmation while the first import runs finds nothing to import."""
    path = _path(unit, token, ".upload")
    if path is None:
        return None
    taken = path.with_suffix(f".taken-{secrets.token_hex(4)}")
    try:
        path.rename(taken)
    except FileNotFoundError:  # another request claimed it between the check and the rename
        return None
    try:
        return taken.read_bytes()
    finally:
        taken.unlink()


def report(unit: Unit, token: str) -> bytes | None:
    path = _path(unit, token, ".report.xlsx")
    return path.read_bytes() if path else None


def discard(unit: Unit, token: str) -> None:
    for suffix in (".upload", ".report.xlsx"):
        path = _path(unit, token, suffix)
        if path:
            path.unlink()
