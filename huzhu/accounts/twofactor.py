"""Two-factor sign-in (TOTP, django-otp) for staff and administrators: after the password, a
six-digit code from an authenticator app; the first time, the app is enrolled with a QR code."""

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from huzhu.accounts import actions
from huzhu.accounts.models import Role, User

ROLES_2FA = (Role.STAFF, Role.ADMIN)
DEVICE_NAME = "身份验证器"


def required_for(user: Any) -> bool:
    return bool(settings.REQUIRE_2FA) and isinstance(user, User) and user.role in ROLES_2FA


def verified(request: HttpRequest) -> bool:
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled (one per user, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    text = buffer.getvalue().decode()
    return text[text.index("<svg") :]  # without the XML declaration, to sit inside HTML


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


WRONG = "验证码不正确或已过期，请输入身份验证器上当前显示的6位数字"
THROTTLED = "验证码错误次数较多，请稍等片刻再输入（每次错误后等待时间加倍）"


def _check(device: TOTPDevice, code: str) -> str | None:
    """None when the code is right; otherwise why not, in Chinese. After each wrong code
    django-otp makes the next attempt wait (1 s, 2 s, 4 s ...), against guessing."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return THROTTLED
    if not device.verify_token(code.strip().replace(" ", "")):
        return WRONG
    return None


def verify(request: HttpRequest, user: User, code: str) -> str | None:
    device = confirmed_device(user)
    if device is None:
        return WRONG
    problem = _check(device, code)
    if problem is None:
        otp_login(request, device)
    return problem


def enrol(request: HttpRequest, user: User, code: str) -> str | None:
    device = pending_device(user)
    problem = _check(device, code)
    if problem is not None:
        return problem
    actions.confirm_authenticator(user, device)
    otp_login(request, device)
    return None
