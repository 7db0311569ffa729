from datetime import date

from django import forms

from huzhu.contracts.actions import EnrolmentFacts
from huzhu.contracts.models import FundingSource
from huzhu.core.forms import DayField


class EnrolmentForm(forms.Form):
    funding_source = forms.ChoiceField(
        label="会费来源", choices=[("", "请选择")] + list(FundingSource.choices)
    )
    requested_start = DayField(
        label="申请生效日",
        required=False,
        help_text="不填则于互济会确认收到会费之日生效",
    )

    def facts(self) -> EnrolmentFacts:
        start: date | None = self.cleaned_data["requested_start"]
        return EnrolmentFacts(self.cleaned_data["funding_source"], start)


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
