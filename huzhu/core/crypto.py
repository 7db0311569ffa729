"""Field encryption (AES-256-GCM) and keyed-hash look-up for personal data (SPEC E-4, brief 5).

A stored value is `<key id>:<base64(nonce | ciphertext | tag)>`. The key id lets a rotation find
rows still under an older key (settings.FIELD_KEY_PREVIOUS, from HUZHU_FIELD_KEY_PREVIOUS).
Look-ups never decrypt: they compare `keyed_hash(value, purpose)`, an HMAC-SHA256 under a
subkey derived from the hash key, so equal numbers can be found without storing them in clear.
The hash key is HUZHU_HASH_KEY when set, otherwise the oldest configured field key (the last of
HUZHU_FIELD_KEY_PREVIOUS, or the field key itself): rotating the field key therefore changes no
hash, and look-ups keep working while `huzhu rotate-field-key` re-encrypts (README).
"""

import base64
import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

if TYPE_CHECKING:
    from hashlib import _Hash

NONCE_BYTES = 12
FILE_MAGIC = b"huzhu-sealed-file:1\n"  # then the 8-character key id, the nonce, the ciphertext
KEY_ID_BYTES = 8


class FieldKeyError(ValueError):
    """The configured field key is unusable, or a value was sealed under an unknown key."""


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def _master(text: str) -> bytes:
    try:
        master = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as exc:
        raise FieldKeyError("HUZHU_FIELD_KEY 不是有效的 base64 编码") from exc
    if len(master) != 32:
        raise FieldKeyError("HUZHU_FIELD_KEY 必须是 32 字节密钥的 base64 编码")
    return master


def key_id_for(text: str) -> str:
    return hashlib.sha256(b"huzhu-key-id" + _master(text)).hexdigest()[:8]


@dataclass(frozen=True)
class Keyring:
    """The configured keys: the current key id, the AES keys by id and the HMAC key, with the
    HMAC's padded-key states precomputed (RFC 2104) so a hash costs two block updates."""

    current: str
    ciphers: dict[str, AESGCM]
    hmac_key: bytes
    _states: dict[str, tuple["_Hash", "_Hash"]] = field(default_factory=dict, compare=False)

    def hasher(self, purpose: str) -> tuple["_Hash", "_Hash"]:
        """(inner state with the purpose prefix already absorbed, outer state)."""
        states = self._states.get(purpose)
        if states is None:
            block = self.hmac_key.ljust(64, b"\0")  # the key is 32 bytes: shorter than a block
            inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
            inner.update(purpose.encode() + b"\x00")
            states = (inner, hashlib.sha256(bytes(b ^ 0x5C for b in block)))
            self._states[purpose] = states
        return states


@lru_cache(maxsize=8)
def _keyring(current: str, previous: str, hash_key: str) -> Keyring:
    """The keyring of the configured key strings."""
    keys = [current, *[p for p in previous.split(",") if p.strip()]]
    ciphers: dict[str, AESGCM] = {}
    for text in keys:
        ciphers[key_id_for(text)] = AESGCM(_derive(_master(text), b"huzhu field encryption"))
    hmac_key = _derive(_master(hash_key or keys[-1]), b"huzhu keyed hash")
    return Keyring(key_id_for(current), ciphers, hmac_key)


_ACTIVE: dict[str, Keyring] = {}  # the keyring of the current settings, once looked up
_KEY_SETTINGS = frozenset(("FIELD_KEY", "FIELD_KEY_PREVIOUS", "HASH_KEY"))


@receiver(setting_changed)
def _settings_changed(*, setting: str, **_: object) -> None:
    if setting in _KEY_SETTINGS:
        _ACTIVE.clear()


def _current() -> Keyring:
    # an import encrypts and hashes tens of thousands of values: read the settings once
    ring = _ACTIVE.get("ring")
    if ring is None:
        ring = _keyring(
            settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS, getattr(settings, "HASH_KEY", "")
        )
        _ACTIVE["ring"] = ring
    return ring


def new_key() -> str:
    """A fresh field key, as HUZHU_FIELD_KEY expects it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def encrypt(plaintext: str) -> str:
    ring = _current()
    key_id, ciphers = ring.current, ring.ciphers
    nonce = os.urandom(NONCE_BYTES)
    sealed = ciphers[key_id].encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    key_id, _, body = token.partition(":")
    cipher = _current().ciphers.get(key_id)
    if cipher is None:
        raise FieldKeyError(f"未知的字段密钥：{key_id}")
    raw = base64.b64decode(body.encode())
    return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode()


def seal_file(data: bytes) -> bytes:
    """A file's bytes sealed for the disk (claim documents, rosters kept between the check and
    the confirmation): they hold ID and card numbers too. The header is authenticated."""
    ring = _current()
    header = FILE_MAGIC + ring.current.encode()
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + ring.ciphers[ring.current].encrypt(nonce, data, header)


def file_key_id(blob: bytes) -> str | None:
    """The key a sealed file is under; None for a file written before files were sealed."""
    if not blob.startswith(FILE_MAGIC):
        return None
    return blob[len(FILE_MAGIC) : len(FILE_MAGIC) + KEY_ID_BYTES].decode("ascii", "replace")


def open_file(blob: bytes) -> bytes:
    """The bytes of a sealed file (a file written before sealing is returned as it is).
    FieldKeyError when the key is unknown or the file was altered."""
    key_id = file_key_id(blob)
    if key_id is None:
        return blob
    cipher = _current().ciphers.get(key_id)
    if cipher is None:
        raise FieldKeyError(f"未知的字段密钥：{key_id}")
    start = len(FILE_MAGIC) + KEY_ID_BYTES
    header, nonce, sealed = (
        blob[:start],
        blob[start : start + NONCE_BYTES],
        blob[start + NONCE_BYTES :],
    )
    try:
        return cipher.decrypt(nonce, sealed, header)
    except InvalidTag as exc:
        raise FieldKeyError("文件已损坏或被改动") from exc


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def current_key_id() -> str:
    return _current().current


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of `purpose`, a zero byte and a normalised value; `purpose` separates ID
    numbers from card numbers."""
    inner_state, outer_state = _current().hasher(purpose)
    inner = inner_state.copy()
    inner.update(value.encode())
    outer = outer_state.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def known_key_ids() -> set[str]:
    """Ids of every configured field key (current and previous)."""
    return set(_current().ciphers)
