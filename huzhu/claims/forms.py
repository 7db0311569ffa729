from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.db.models import Case, Value, When
from django.forms.models import ModelChoiceIterator

from huzhu.accounts.models import User
from huzhu.claims.facts import OPTIONAL_FACTS, ClaimFacts
from huzhu.claims.models import KIND_CHOICES, Circumstance, Claim
from huzhu.core.forms import CARD_NUMBER, ID_NUMBER, SOMEONE_ELSE, DayField
from huzhu.members.models import Member, MemberQuerySet
from huzhu.rules.identity import mask_card, mask_id
from huzhu.rules.product import DISEASES

MEMBER_CHOICES = 200  # listed at most; the search finds the others


class _FirstMembers(ModelChoiceIterator):
    """The first MEMBER_CHOICES members only: staff see every member of the city, and the page
    listed them all. Any member of the queryset is still accepted (a search result, a link).
    One more is read to learn whether the list was cut (no separate count): the page says so
    after the list."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        members = list(self.queryset[: MEMBER_CHOICES + 1])
        cast("MemberField", self.field).listed_all = len(members) <= MEMBER_CHOICES
        for member in members[:MEMBER_CHOICES]:
            yield self.choice(member)


class MemberField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _FirstMembers
    listed_all = True  # until the list is drawn


class ClaimForm(forms.Form):
    member = MemberField(label="被保障人", queryset=Member.objects.none())
    kind = forms.ChoiceField(label="救助类型", choices=[("", "请选择")] + KIND_CHOICES)
    event_date = DayField(label="事件日期（首次确诊日 / 事故日 / 身故日）")
    known_date = DayField(label="知道事件的日期（默认同事件日期）", required=False)
    first_diagnosed = DayField(label="该疾病首次确诊日期（默认同事件日期）", required=False)
    disease = forms.CharField(
        label="重大疾病（输入名称或代码查找，如“尿毒症”“CI04”）",
        required=False,
        widget=forms.TextInput(attrs={"list": "disease-list", "autocomplete": "off"}),
    )
    disability_grade = forms.IntegerField(label="伤残等级（1-10级）", required=False)
    circumstance = forms.ChoiceField(
        label="事故情形", required=False, choices=[("", "（非意外）")] + list(Circumstance.choices)
    )
    accident_id = forms.CharField(label="事故标识（同一事故多次住院请填相同标识）", required=False)
    hospital = forms.CharField(label="医院", required=False)
    admitted = DayField(label="入院日期", required=False)
    discharged = DayField(label="出院日期", required=False)
    description = forms.CharField(
        label="经过说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trustee_name = forms.CharField(
        label="受托人姓名（身故）", required=False, widget=forms.TextInput(attrs=SOMEONE_ELSE)
    )
    trustee_id_number = forms.CharField(
        label="受托人身份证号码", required=False, widget=forms.TextInput(attrs=ID_NUMBER)
    )
    trustee_card = forms.CharField(
        label="受托人工商银行卡号", required=False, widget=forms.TextInput(attrs=CARD_NUMBER)
    )
    trustee_relation = forms.CharField(label="与被保障人关系", required=False)

    def __init__(self, *args: Any, user: User, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kinds in SHOWN_FOR.items():  # the page shows each only for these types
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)
        # staff at the window file for anyone; a unit officer for the workers on his roster and
        # those who left it (P-12: claims may come later), unless they are on another unit's
        # roster now (that unit files, C-2: actions.filing_unit says which)
        members = find_members(Member.objects.for_user(user), search)
        chosen = self.data.get("member") or self.initial.get("member")
        if str(chosen or "").isdigit():  # the chosen one first, so the short list shows it
            first = Case(When(pk=int(str(chosen)), then=Value(0)), default=Value(1))
            members = members.order_by(first, "name")
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.member_choices = MEMBER_CHOICES
        self.fields["member"].empty_label = "请选择职工"  # type: ignore[attr-defined]

    def clean_disease(self) -> str:
        """A code, a code with its name (as the list offers it), or a unique part of a name."""
        text = str(self.cleaned_data.get("disease") or "").strip()
        if not text:
            return ""
        code = text.split()[0].upper()
        if code in DISEASES:
            return code
        found = [c for c, d in DISEASES.items() if text in d.name]
        if len(found) == 1:
            return found[0]
        raise forms.ValidationError(
            "请从列表中选择34类重大疾病之一"
            if not found
            else f"“{text}”对应多种疾病，请从列表中选择"
        )

    def facts(self) -> ClaimFacts:
        data = {k: v for k, v in self.cleaned_data.items() if k != "member"}
        for name, value in data.items():
            if value is None and name not in OPTIONAL_FACTS:
                data[name] = ""
        return ClaimFacts(**data)


class CorrectionForm(ClaimForm):
    """A returned claim's facts, corrected before it is submitted again (C-4): the member and the
    type stay; the trustee's numbers are not shown again in full and, left empty, stay."""

    def __init__(self, *args: Any, claim: Claim, user: User, **kwargs: Any) -> None:
        initial = {name: getattr(claim, name) for name in CORRECTABLE}
        disease = DISEASES.get(claim.disease)
        initial["disease"] = f"{claim.disease} {disease.name}" if disease else ""
        initial["kind"] = claim.kind
        if claim.known_date == claim.event_date:  # the default: it follows a corrected event date
            initial["known_date"] = None
        super().__init__(*args, user=user, initial=initial, **kwargs)
        del self.fields["member"]
        self.fields["kind"].disabled = True
        for name, masked in (
            ("trustee_id_number", mask_id(str(claim.trustee_id_number or ""))),
            ("trustee_card", mask_card(str(claim.trustee_card or ""))),
        ):
            if claim.is_death:
                self.fields[name].widget.attrs["placeholder"] = f"现为 {masked}，不修改请留空"


CORRECTABLE = [
    "event_date",
    "known_date",
    "first_diagnosed",
    "disability_grade",
    "accident_id",
    "circumstance",
    "hospital",
    "admitted",
    "discharged",
    "description",
    "trustee_name",
    "trustee_relation",
]


ILLNESS = ("critical_illness", "death_illness")
ACCIDENTS = ("accident_hospitalization", "death_accident", "disability_accident")
IN_HOSPITAL = ("critical_illness", "accident_hospitalization", "disability_accident")
DEATHS = ("death_illness", "death_accident")
# the facts that belong to some claim types only (C-1, C-2, P-8, P-10); the others apply to all
SHOWN_FOR: dict[str, tuple[str, ...]] = {
    "first_diagnosed": ILLNESS,
    "disease": ("critical_illness",),
    "disability_grade": ("disability_accident",),
    "circumstance": ACCIDENTS,
    "accident_id": ACCIDENTS,
    "hospital": IN_HOSPITAL,
    "admitted": IN_HOSPITAL,
    "discharged": IN_HOSPITAL,
    "trustee_name": DEATHS,
    "trustee_id_number": DEATHS,
    "trustee_card": DEATHS,
    "trustee_relation": DEATHS,
}


def find_members(members: MemberQuerySet, search: str) -> MemberQuerySet:
    """At the service window: by ID number (through its keyed hash), member code or name."""
    return members.search(search).order_by("name")
