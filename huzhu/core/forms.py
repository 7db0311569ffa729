"""Form fields the pages share."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from huzhu.rules.dates import DAY_FORMATS, read_day

# what a browser and a phone's keyboard should do in a box about another person (a worker, a
# trustee): not offer the officer's own name, phone or card from his autofill, not capitalise
# or correct; an ID number in capitals (its check character X), numbers on a number pad
SOMEONE_ELSE = {"autocomplete": "off", "autocorrect": "off", "spellcheck": "false"}
ID_NUMBER = SOMEONE_ELSE | {"autocapitalize": "characters"}
CARD_NUMBER = SOMEONE_ELSE | {"inputmode": "numeric"}
PHONE_NUMBER = SOMEONE_ELSE | {"inputmode": "tel"}


class DayField(forms.DateField):
    """A day, shown with the browser's date picker (`type="date"`, which sends 2026-11-30).
    Where a browser has no picker (older ones, the compatibility mode of the 360 and QQ
    browsers common in offices) the box is plain text, and people type the day as they write
    it: 2026/11/30, 2026.11.30, 2026年11月30日, 20261130. Those are read too; before, only the
    picker's form and 2026/11/30 were, and anything else got Django's “输入一个有效的日期”."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": f"日期应写作 {DAY_FORMATS}"}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        day = read_day(str(value))
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day
