import base64
import hmac

import pytest
from cryptography.exceptions import InvalidTag

from huzhu.core import crypto
from huzhu.core.fields import EncryptedTextField

KEY_1 = base64.urlsafe_b64encode(bytes(range(32))).decode()
KEY_2 = base64.urlsafe_b64encode(bytes(range(1, 33))).decode()


@pytest.fixture
def key(settings):
    settings.FIELD_KEY = KEY_1
    settings.FIELD_KEY_PREVIOUS = ""


def test_round_trip_and_fresh_nonce(key):
    first = crypto.encrypt("370102197003071234")
    second = crypto.encrypt("370102197003071234")
    assert first != second
    assert "370102197003071234" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "370102197003071234"


def test_tampered_ciphertext_is_refused(key):
    token = crypto.encrypt("6222020200112233445")
    key_id, body = token.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(f"{key_id}:{base64.b64encode(bytes(raw)).decode()}")


def test_keyed_hash_is_stable_and_separated_by_purpose(key):
    one = crypto.keyed_hash("370102197003071234", "id_number")
    assert one == crypto.keyed_hash("370102197003071234", "id_number")
    assert one != crypto.keyed_hash("370102197003071234", "bank_card")
    assert one != crypto.keyed_hash("370102197003071235", "id_number")
    assert len(one) == 64


def test_keyed_hash_is_hmac_sha256_of_purpose_and_value(key):
    # the precomputed pad states must give exactly the standard HMAC
    ring = crypto._current()
    for value in ("370102197003071234", "", "王" * 40):
        message = b"id_number\x00" + value.encode()
        expected = hmac.digest(ring.hmac_key, message, "sha256").hex()
        assert crypto.keyed_hash(value, "id_number") == expected


def test_keyed_hash_depends_on_the_key(settings, key):
    before = crypto.keyed_hash("x", "id_number")
    settings.FIELD_KEY = KEY_2
    assert crypto.keyed_hash("x", "id_number") != before


def test_previous_key_still_decrypts_after_rotation(settings, key):
    old = crypto.encrypt("secret")
    old_id = crypto.key_id_of(old)
    settings.FIELD_KEY = KEY_2
    settings.FIELD_KEY_PREVIOUS = KEY_1
    assert crypto.current_key_id() != old_id
    assert crypto.decrypt(old) == "secret"
    assert crypto.key_id_of(crypto.encrypt("secret")) == crypto.current_key_id()


def test_unknown_key_is_a_clear_error(settings, key):
    token = crypto.encrypt("secret")
    settings.FIELD_KEY = KEY_2
    with pytest.raises(crypto.FieldKeyError, match="未知的字段密钥"):
        crypto.decrypt(token)


@pytest.mark.parametrize("bad", ["not base64 !!", base64.urlsafe_b64encode(b"short").decode()])
def test_unusable_key_is_refused(settings, bad):
    settings.FIELD_KEY = bad
    with pytest.raises(crypto.FieldKeyError):
        crypto.encrypt("x")


def test_encrypted_field_seals_on_the_way_in_and_opens_on_the_way_out(key):
    field = EncryptedTextField()
    stored = field.get_prep_value("6222020200112233445")
    assert stored.startswith(crypto.current_key_id() + ":")
    assert field.from_db_value(stored, None, None) == "6222020200112233445"
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, None) is None
