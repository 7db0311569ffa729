"""Uploaded rosters kept between the check and the confirmation (outside the static root).
They hold every worker's ID and card number, so they are sealed with the field key like the
columns they become (brief rule 5), and a check never confirmed is forgotten after
KEEP_SECONDS (the unit uploads again)."""

import contextlib
import secrets
import time
from pathlib import Path

from django.conf import settings

from huzhu.core import crypto
from huzhu.core.oserror import why, write_whole
from huzhu.organizations.models import Unit

KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def forget_stale(now: float | None = None) -> int:
    """Delete kept files older than KEEP_SECONDS; returns how many."""
    limit = (time.time() if now is None else now) - KEEP_SECONDS
    removed = 0
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # taken or discarded meanwhile
            continue
    return removed


class NotKept(ValueError):
    """The server could not keep the upload for the confirmation (its disk), in Chinese."""


def keep(unit: Unit, data: bytes, report: bytes | None) -> str:
    """Keep a checked upload (and its annotated workbook) for the confirmation: its token.
    NotKept when the disk refuses, with neither file left behind."""
    token = secrets.token_urlsafe(16)
    try:
        forget_stale()
        write_whole(_folder() / f"{unit.code}-{token}.upload", crypto.seal_file(data))
        if report is not None:
            write_whole(_folder() / f"{unit.code}-{token}.report.xlsx", crypto.seal_file(report))
    except OSError as exc:
        with contextlib.suppress(OSError):  # the upload, when it was the report that failed
            discard(unit, token)
        raise NotKept(
            f"服务器未能暂存上传的名册（{why(exc)}），未导入任何数据；请稍后重试，"
            "仍不成功请联系互济会"
        ) from exc
    return token


def _path(unit: Unit, token: str, suffix: str) -> Path | None:
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _folder() / f"{unit.code}-{token}{suffix}"
    return path if path.exists() else None


def _opened(path: Path) -> bytes | None:
    try:
        return crypto.open_file(path.read_bytes())
    except (OSError, crypto.FieldKeyError):  # gone meanwhile, or altered
        return None


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
        return _opened(taken)
    finally:
        taken.unlink()


def report(unit: Unit, token: str) -> bytes | None:
    path = _path(unit, token, ".report.xlsx")
    return _opened(path) if path else None


def discard(unit: Unit, token: str) -> None:
    for suffix in (".upload", ".report.xlsx"):
        path = _path(unit, token, suffix)
        if path:
            path.unlink(missing_ok=True)
