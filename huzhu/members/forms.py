from django import forms

from huzhu.core.forms import CARD_NUMBER, PHONE_NUMBER, SOMEONE_ELSE, DayField
from huzhu.members.models import NOTICE_VERSION
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN
from huzhu.rules.roster import SPECIAL_GROUPS


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件（xlsx 或 csv）")
    effective = DayField(
        label="预计生效日",
        required=False,
        help_text="用于核对年龄（18至60周岁）和每人3份上限；不填则按今天，本单位合同在保的按其终止日（续会生效日）",
    )
    consent = forms.BooleanField(
        label=(
            f"本单位已取得名册中每位职工签署的《个人信息处理告知同意书》（版本 {NOTICE_VERSION}）"
        ),
        error_messages={"required": "请确认已取得职工的书面单独同意"},
    )


class MemberEditForm(forms.Form):
    """修改职工信息: what a roster row says about a worker, but his ID number and status."""

    name = forms.CharField(
        label="姓名",
        max_length=50,
        error_messages={"required": "“姓名”不能为空"},
        widget=forms.TextInput(attrs=SOMEONE_ELSE),
    )
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        error_messages={"required": "“手机号码”不能为空"},
        widget=forms.TextInput(attrs=PHONE_NUMBER),
    )
    bank_card = forms.CharField(
        label="工商银行卡号",
        required=False,
        max_length=40,
        help_text="换卡时填写新卡号；不修改请留空",
        widget=forms.TextInput(attrs=CARD_NUMBER),
    )
    shares = forms.TypedChoiceField(
        label="计划份数",
        choices=[(n, f"{n} 份") for n in range(1, CRITICAL_ILLNESS_PLAN.max_shares + 1)],
        coerce=int,
        error_messages={"invalid_choice": "份数应为1至3的整数"},
    )
    tags = forms.MultipleChoiceField(
        label="人员类别",
        required=False,
        choices=[(g, g) for g in SPECIAL_GROUPS],
        widget=forms.CheckboxSelectMultiple,
    )

    def cells(self) -> dict[str, object]:
        """The answers as a roster row's cells, for the same checks as an import."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "mobile": data["mobile"],
            "bank_card": data["bank_card"],
            "shares": str(data["shares"]),
            "tags": "、".join(data["tags"]),
        }
