"""The only settings module. Everything that differs between machines comes from HUZHU_*
environment variables; secrets that are unset are generated once into var/ (git-ignored)."""

import base64
import errno
import logging
import os
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from huzhu.core.clients import parse_proxies
from huzhu.core.crypto import FieldKeyError, key_id_for
from huzhu.core.oserror import why

_T = TypeVar("_T")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUZHU_VAR_DIR", BASE_DIR / "var"))


def _refused(name: str, text: str, expected: str = "") -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{name}={text!r} 不是有效的取值{expected}（见 README 的“配置”一节）"
    )


def _setting(name: str, default: str, parse: Callable[[str], _T], ok: Callable[[_T], bool]) -> _T:
    """A setting from the environment, refused at start-up when out of range: a typo stops
    the start instead of meeting the first request (or, for a flag, quietly turning it off)."""
    text = os.environ.get(name, "").strip() or default
    try:
        value = parse(text)
        valid = ok(value)
    except (ValueError, ArithmeticError):  # a NaN compares with an InvalidOperation
        valid = False
    if not valid:
        raise _refused(name, text)
    return value


def _env_bool(name: str, default: bool) -> bool:
    """true/false (also 1/0, yes/no, on/off). Anything else stops the start: a mistyped
    HUZHU_REQUIRE_2FA=ture used to read as false and turn the second factor off."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if text.lower() in {"1", "true", "yes", "on"}:
        return True
    if text.lower() in {"0", "false", "no", "off"}:
        return False
    raise _refused(name, text, "：应为 true 或 false")


def _whole(name: str, default: int, low: int) -> int:
    """A whole number of at least `low` (seconds, minutes, attempts)."""
    return _setting(name, str(default), int, lambda v: v >= low)


# what link() says where the filesystem has no hard links (vfat: EPERM; others: not supported)
NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS}


def _create_once(path: Path, text: str) -> None:
    """Without hard links: the file itself created exclusively (one process wins, the others
    read the winner's), owner-only, written and flushed at once."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def _read_whole(path: Path) -> str:
    """The secret in the file; a file another process has created but not yet written (only
    where there are no hard links) is read again for up to a second."""
    for _ in range(50):
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.02)
    return text


def _secret(name: str, filename: str, make: str) -> str:
    """The secret from the environment, else from var/<filename>, generated there once: written
    owner-only under another name and linked into place, so that processes starting together
    (gunicorn's workers on a first start) all read the one whole key, where one could read the
    file another had created but not yet written. Where the folder has no hard links (a virtual
    machine's shared folder, FAT), the file itself is created exclusively and read until
    written: the start used to stop there with `没有权限`. A var/ that cannot be written stops
    the start with one line, where it was a traceback."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    try:
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            draft = VAR_DIR / f".{filename}.{os.getpid()}"
            draft.unlink(missing_ok=True)  # left by a process of the same number that died
            with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(make)
            try:
                os.link(draft, path)  # fails if another process got there first: its key stands
            except FileExistsError:
                pass
            except OSError as exc:  # a folder without hard links (a VM's shared folder, FAT)
                if exc.errno not in NO_HARD_LINKS:
                    raise
                _create_once(path, make)
            finally:
                draft.unlink()
        return _read_whole(path)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"无法在 {VAR_DIR} 生成或读取 {filename}：{why(exc)}（请让该目录可写，"
            f"或用 HUZHU_VAR_DIR 指定其他目录，或设置 {name}）"
        ) from None


SECRET_KEY = _secret("HUZHU_SECRET_KEY", "secret_key", secrets.token_urlsafe(50))
# 32 random bytes, urlsafe base64: AES-256-GCM for fields, HMAC subkey derived from it.
FIELD_KEY = _secret(
    "HUZHU_FIELD_KEY", "field_key", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
# Older field keys that can still decrypt (comma-separated), during a key rotation.
FIELD_KEY_PREVIOUS = os.environ.get("HUZHU_FIELD_KEY_PREVIOUS", "")
# The key of the look-up hashes; unset, the oldest field key serves (see huzhu/core/crypto.py).
HASH_KEY = os.environ.get("HUZHU_HASH_KEY", "")


def _check_keys() -> None:
    """Each configured key must be one, or the first page showing a masked number failed (and
    its message named HUZHU_FIELD_KEY whichever key was wrong). The key is never printed."""
    named = [("HUZHU_FIELD_KEY", FIELD_KEY), ("HUZHU_HASH_KEY", HASH_KEY)]
    named += [("HUZHU_FIELD_KEY_PREVIOUS", k) for k in FIELD_KEY_PREVIOUS.split(",")]
    for name, text in named:
        if not text.strip() and name != "HUZHU_FIELD_KEY":
            continue
        try:
            key_id_for(text)
        except FieldKeyError:
            raise ImproperlyConfigured(
                f"{name} 中有无效的密钥：应为 32 字节随机数的 base64 编码（见 README 的“配置”一节）"
            ) from None


_check_keys()
DEBUG = _env_bool("HUZHU_DEBUG", False)
# an empty value (HUZHU_ALLOWED_HOSTS=) is the default too: no host at all answered every
# request 400
ALLOWED_HOSTS = [
    h.strip()
    for h in (os.environ.get("HUZHU_ALLOWED_HOSTS", "").strip() or "127.0.0.1,localhost").split(",")
    if h.strip()
]
# The "today" and "now" of business code (huzhu.core.clock), to move time in demos and tests.


def _limit(name: str, default: str) -> tuple[int, int]:
    """A rate limit "COUNT/SECONDS" from HUZHU_LOOKUP_LIMIT_<NAME>; COUNT 0 turns it off."""

    def parse(text: str) -> tuple[int, int]:
        count, _, seconds = text.partition("/")
        return int(count), int(seconds or 60)

    return _setting(
        f"HUZHU_LOOKUP_LIMIT_{name.upper()}", default, parse, lambda v: min(v) >= 0 and v[1] > 0
    )


# Self-service look-up limits (SPEC W-2): per client address, per ID number, per app token.
LOOKUP_LIMITS = {
    "client": _limit("client", "5/60"),
    "id_number": _limit("id_number", "10/3600"),
    "app": _limit("app", "600/60"),
}


# The rulebook's settings and [interpretation] clauses (huzhu/core/product.py): E-3's 70%
# participation, P-6's renewal waiver, P-5's waiting period for death by illness.
def _participation_threshold() -> Decimal:
    return _setting("HUZHU_PARTICIPATION_THRESHOLD", "0.70", Decimal, lambda v: 0 < v <= 1)


def _death_illness_waiting_days() -> int:
    return _setting("HUZHU_DEATH_ILLNESS_WAITING_DAYS", "30", int, lambda v: 0 <= v <= 365)


PARTICIPATION_THRESHOLD = _participation_threshold()
RENEWAL_WAIVES_WAITING = _env_bool("HUZHU_RENEWAL_WAIVES_WAITING", True)
DEATH_ILLNESS_WAITING_DAYS = _death_illness_waiting_days()
# Reverse proxies whose X-Forwarded-For names the client (huzhu/core/clients.py).
TRUSTED_PROXIES = parse_proxies(os.environ.get("HUZHU_TRUSTED_PROXIES", ""))


def _clock(name: str, parse: Callable[[str], object]) -> str:
    """HUZHU_TODAY / HUZHU_NOW, read by huzhu.core.clock: checked here, as a bad one (2025-3-1)
    failed every request that asked the time."""
    text = os.environ.get(name, "").strip()
    if text:
        _setting(name, text, parse, lambda _: True)
    return text


HUZHU_TODAY = _clock("HUZHU_TODAY", date.fromisoformat)
HUZHU_NOW = _clock("HUZHU_NOW", datetime.fromisoformat)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huzhu.accounts.apps.LockoutConfig",  # django-axes, with Chinese names
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "chartjs",  # Chart.js for the statistics page, served as a static file
    "ninja",
    "huzhu.core",
    "huzhu.accounts",
    "huzhu.organizations",
    "huzhu.members",
    "huzhu.contracts",
    "huzhu.claims",
    "huzhu.payments",
    "huzhu.quota",
    "huzhu.lookup",
    "huzhu.stats",
    "huzhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "huzhu.core.caching.NoStoreMiddleware",  # after WhiteNoise: static files stay cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huzhu.core.sessions.BackgroundRequestMiddleware",  # polling is not activity
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "huzhu.core.nul.RefuseNulMiddleware",  # after the headers' middleware: its answer gets them
    "huzhu.core.methods.MethodNotAllowedMiddleware",  # likewise
    "huzhu.core.access.AccessRuleMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "huzhu.urls"
WSGI_APPLICATION = "huzhu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "huzhu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huzhu.core.context.navigation",
                "huzhu.core.context.product",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    """PostgreSQL, or SQLite: the two the app is built and tested on (its allocator's row locks
    and its imports' COPY are PostgreSQL's). Another scheme, or a typo in one, stops the start
    with its name only: the URL may hold a password."""
    url = os.environ.get("HUZHU_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'huzhu.sqlite3'}"
    engines = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
    try:
        config = dj_database_url.parse(
            url,
            conn_max_age=_whole("HUZHU_DB_CONN_MAX_AGE", 60, 0),
            # a kept connection is tested before a request uses it, so a database restart
            # costs no request an error
            conn_health_checks=True,
        )
        problem = None if config.get("ENGINE") in engines else "scheme"
    except dj_database_url.UnknownSchemeError:
        problem = "scheme"
    except ValueError:  # a port that is no number, say
        problem = "url"
    if problem is not None:
        scheme, found, _ = url.partition("://")
        what = " 不是有效的数据库地址"
        if found and problem == "scheme":
            what = f" 的数据库类型 {scheme!r} 不受支持"
        raise ImproperlyConfigured(
            f"HUZHU_DATABASE_URL{what}：应为 "
            "postgres://用户@主机:端口/库名 或 sqlite:///文件路径（见 README 的“配置”一节）"
        )
    return dict(config)


DATABASES = {"default": _database()}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures and refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out (django-axes): 5 failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = _whole("HUZHU_LOGIN_FAILURES", 5, 1)
AXES_COOLOFF_TIME = timedelta(minutes=_whole("HUZHU_LOCKOUT_MINUTES", 15, 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "huzhu.core.clients.client_address"  # the look-up limit's address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huzhu.accounts.views.locked_out"  # the lock's length in minutes
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # failures stay in the login history
AXES_VERBOSE = False
# Two-factor (django-otp TOTP) for staff and administrators; HUZHU_REQUIRE_2FA=false turns it off.
REQUIRE_2FA = _env_bool("HUZHU_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "济南市职工互助互济会"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "huzhu.accounts.passwords.CharacterClassValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "huzhu" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"  # uploads live outside the static root, served only via views

# Security. HUZHU_HTTPS=true in production behind TLS (see README, "huzhu check --deploy").
HTTPS = _env_bool("HUZHU_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session unused for 30 minutes ends (every request extends it).
SESSION_COOKIE_AGE = _whole("HUZHU_SESSION_IDLE_MINUTES", 30, 1) * 60
SESSION_SAVE_EVERY_REQUEST = True
# ... which, in this store, moves the expiry of an unchanged session without rewriting it
SESSION_ENGINE = "huzhu.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this origin's scripts and styles, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HUZHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
for _origin in CSRF_TRUSTED_ORIGINS:  # Django checks it only in `huzhu check`, not in gunicorn
    if not _origin.startswith(("http://", "https://")):
        raise _refused("HUZHU_CSRF_TRUSTED_ORIGINS", _origin, "：应以 https:// 或 http:// 开头")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": _setting(
            "HUZHU_LOG_LEVEL", "WARNING", str.upper, lambda v: v in logging.getLevelNamesMapping()
        ),
    },
}
