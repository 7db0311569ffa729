"""GET /api/v1/quota/current and POST /api/v1/quota/applications (issue 6)."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema

from huzhu.accounts.models import user_of
from huzhu.contracts.access import require_applicant
from huzhu.core import clock
from huzhu.core.api_errors import ApiError
from huzhu.organizations.access import get_unit_for
from huzhu.quota.actions import NotOnRoster, apply_for_free_shares
from huzhu.quota.models import QuotaPeriod

router = Router(tags=["普惠名额"])


class PeriodOut(Schema):
    year: int
    period: int
    opens: date
    closes: date
    effective_quota: int
    granted: int
    remaining: int
    support: str = Field(
        "", description="线上申请技术支持的电话与联系人（普惠年度中设置；未设置时为空字符串）"
    )


class ApplicationIn(Schema):
    unit: str
    members: str | list[str] = Field(
        "all_eligible",
        description='"all_eligible"（名册上全部符合条件的职工）或职工编号列表；列表中的编号须都在'
        "本单位当前名册上，否则整份申请不受理（422，details 列出这些编号）",
    )


class LeftOut(Schema):
    member: str = Field(description="职工编号")
    reason: str = Field(description="不能获赠的原因（年龄、在职状态、每人每年一份、每人最多3份）")


class ApplicationOut(Schema):
    status: str
    granted: int
    reason: str | None
    message: str
    contract_no: str | None
    period: int | None
    left_out: list[LeftOut] = Field(
        default_factory=list,
        description="members 列表中不能获赠的职工：其余职工照常申请，这些职工未计入",
    )


@router.get("/quota/current", response=PeriodOut | None, summary="当前受理中的期次与剩余名额")
def current(request: HttpRequest) -> PeriodOut | None:
    today = clock.today()
    period = (
        QuotaPeriod.objects.select_related("programme")
        .filter(opens__lte=today, closes__gte=today)
        .first()
    )
    if period is None:
        return None
    ledger = period.ledger_now()  # before its first application too
    return PeriodOut(
        year=period.programme.year,
        period=period.no,
        opens=period.opens,
        closes=period.closes,
        effective_quota=ledger.effective_quota,
        granted=ledger.granted,
        remaining=ledger.remaining,
        support=period.programme.support,
    )


@router.post("/quota/applications", response=ApplicationOut, summary="申请普惠名额（先到先得）")
def apply(request: HttpRequest, body: ApplicationIn) -> ApplicationOut:
    user = user_of(request)
    unit = get_unit_for(user, body.unit)
    require_applicant(user, unit.pk)
    if isinstance(body.members, str) and body.members != "all_eligible":
        raise ApiError(422, "invalid_input", 'members 应为 "all_eligible" 或职工编号列表')
    chosen = None if isinstance(body.members, str) else list(body.members)
    if chosen == []:
        raise ApiError(422, "invalid_input", 'members 为空：请列出职工编号，或用 "all_eligible"')
    try:
        application = apply_for_free_shares(unit, chosen, actor=user)
    except NotOnRoster as exc:
        raise ApiError(
            422, "invalid_input", str(exc), details=[{"field": "members", "codes": exc.codes}]
        ) from exc
    return ApplicationOut(
        status=application.status,
        granted=application.granted,
        reason=application.reason or None,
        message=application.message,
        contract_no=application.contract.contract_no if application.contract else None,
        period=application.period.no if application.period else None,
        left_out=[LeftOut(member=code, reason=why) for code, why in application.left_out],
    )
