"""The day field of every page's form: the browser's picker, or the day typed as people write it."""

from datetime import date

from django import forms

from huzhu.core.forms import DayField


class _Form(forms.Form):
    day = DayField(required=False)


def test_a_typed_day_is_read_and_a_bad_one_says_how_to_write_it():
    """Where a browser shows no date picker (the compatibility mode of the 360 and QQ browsers)
    people type 2026年11月30日 or 2026.11.30: before, those were refused with Django's “输入一个
    有效的日期”, which does not say what is wanted."""
    for typed in ("2026-11-30", "2026年11月30日", "2026.11.30", "20261130"):
        form = _Form({"day": typed})
        assert form.is_valid() and form.cleaned_data["day"] == date(2026, 11, 30), typed
    empty = _Form({"day": ""})
    assert empty.is_valid() and empty.cleaned_data["day"] is None
    refused = _Form({"day": "30/11/2026"})
    assert not refused.is_valid()
    assert refused.errors["day"] == [
        "日期应写作 2026-11-30，也可写 2026/11/30、2026.11.30、2026年11月30日 或 20261130"
    ]
    # the picker is shown, and a stored day is put back into it in its own form
    html = str(_Form(initial={"day": date(2026, 1, 3)})["day"])
    assert 'type="date"' in html and 'value="2026-01-03"' in html


def test_boxes_about_another_person_get_no_autofill_and_the_right_keyboard(people, db):
    """The officer's browser offered his own name, phone or card in a worker's or a trustee's
    boxes, and a phone's keyboard capitalised and “corrected” numbers typed there."""
    from huzhu.claims.forms import ClaimForm
    from huzhu.members.forms import MemberEditForm
    from huzhu.organizations.forms import UnitForm

    claim = ClaimForm(user=people.officer_a)
    worker = MemberEditForm()
    unit = UnitForm(user=people.registrar)
    boxes = {
        "trustee_name": (claim, {}),
        "trustee_id_number": (claim, {"autocapitalize": "characters"}),
        "trustee_card": (claim, {"inputmode": "numeric"}),
        "name": (worker, {}),
        "mobile": (worker, {"inputmode": "tel"}),
        "bank_card": (worker, {"inputmode": "numeric"}),
        "contact_phone": (unit, {"inputmode": "tel"}),
    }
    for name, (form, more) in boxes.items():
        html = str(form[name])
        wanted = {"autocomplete": "off", "autocorrect": "off", "spellcheck": "false"} | more
        for attribute, value in wanted.items():
            assert f'{attribute}="{value}"' in html, (name, attribute, html)
