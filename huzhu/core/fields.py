"""EncryptedTextField: stored sealed by huzhu.core.crypto, read back in clear in Python.
Pair it with a `<name>_hash` CharField filled from crypto.keyed_hash for look-ups."""

from typing import Any

from django.db import models

from huzhu.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest (AES-GCM)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
