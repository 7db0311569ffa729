"""HTML input for units (E-2): every message in Chinese."""

from collections.abc import Mapping
from typing import Any

from django import forms

from huzhu.accounts.models import User
from huzhu.core.forms import PHONE_NUMBER
from huzhu.organizations.actions import UnitFacts
from huzhu.organizations.models import Union, Unit
from huzhu.rules.errors import RuleViolation
from huzhu.rules.identity import validate_credit_code, validate_phone, visible


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=150)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=40, help_text="18位，末位为校验位"
    )
    union = forms.ModelChoiceField(label="上级工会", queryset=Union.objects.none())
    member_count = forms.IntegerField(label="工会会员人数", min_value=1, max_value=1_000_000)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(
        label="联系电话", max_length=30, widget=forms.TextInput(attrs=PHONE_NUMBER)
    )
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        user: User | None,
        instance: Unit | None = None,
        registered: Mapping[str, str] | None = None,
        **kwargs: Any,
    ):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name) for name in Unit.AUDITED_FIELDS if name != "union"
            } | {"union": instance.union_id}
        super().__init__(*args, **kwargs)
        self.instance = instance
        # the codes already registered (code → unit name), when a file of units asked at once
        self.registered = registered
        # user None: the system (`huzhu import-units`), which may name every union
        unions = Union.objects.all() if user is None else Union.objects.for_user(user)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["union"].empty_label = "请选择上级工会"  # type: ignore[attr-defined]

    # text copied from a web page can carry zero-width characters: a unit so named would not
    # be found by the name typed
    def clean_name(self) -> str:
        return visible(str(self.cleaned_data["name"])).strip()

    def clean_contact_name(self) -> str:
        return visible(str(self.cleaned_data["contact_name"])).strip()

    def clean_credit_code(self) -> str:
        try:
            code = validate_credit_code(self.cleaned_data["credit_code"])
        except RuleViolation as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if self.registered is not None:
            taken = self.registered.get(code)
        else:
            clash = Unit.objects.filter(credit_code=code)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            taken = clash.values_list("name", flat=True).first()
        if taken is not None:
            raise forms.ValidationError(f"该统一社会信用代码已登记（{taken}）", code="taken")
        return code

    def clean_contact_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["contact_phone"])
        except RuleViolation as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc

    def facts(self) -> UnitFacts:
        return UnitFacts(**self.cleaned_data)


class UnitSheetForm(forms.Form):
    file = forms.FileField(
        label="单位表格（xlsx 或 csv）",
        error_messages={
            "required": "请选择要上传的单位表格",
            "empty": "文件为空，请选择填写好的表格",
        },
    )
