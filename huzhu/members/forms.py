from django import forms

from huzhu.members.models import NOTICE_VERSION


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件（xlsx 或 csv）")
    effective = forms.DateField(
        label="预计生效日",
        required=False,
        help_text="用于核对年龄（18至60周岁）和每人3份上限；不填则按今天，本单位合同在保的按其终止日（续会生效日）",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    consent = forms.BooleanField(
        label=(
            f"本单位已取得名册中每位职工签署的《个人信息处理告知同意书》（版本 {NOTICE_VERSION}）"
        ),
        error_messages={"required": "请确认已取得职工的书面单独同意"},
    )
