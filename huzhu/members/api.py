"""POST /api/v1/units/{code}/roster, GET /api/v1/units/{code}/members and
GET /api/v1/members/{code}, scoped like the pages."""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from huzhu.accounts.models import user_of
from huzhu.claims.engine import cover_ended
from huzhu.contracts.models import ContractLine
from huzhu.core.api_errors import ApiError
from huzhu.core.pagination import BoundedLimitOffset
from huzhu.core.uploaded import read_bounded
from huzhu.members import spreadsheet
from huzhu.members.access import get_member_for, require_roster_manager
from huzhu.members.actions import import_roster
from huzhu.members.models import Membership
from huzhu.members.schemas import CoverageOut, ImportOut, MemberOut, RosterMemberOut
from huzhu.organizations.access import get_unit_for
from huzhu.rules.adjudication import CoverEnd

router = Router(tags=["职工与名册"])


@router.post("/units/{code}/roster", response=ImportOut, summary="导入单位职工名册")
def upload_roster(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    consent_confirmed: Form[bool],
    effective: Form[date | None] = None,
    accept_valid: Form[bool] = False,
    dry_run: Form[bool] = False,
    replace: Form[bool] = False,
) -> ImportOut:
    """Same checks and report as `huzhu import-roster`. All-or-nothing unless `accept_valid`;
    `consent_confirmed` must be true: the unit holds each worker's signed consent (E-4).
    `replace`: the file is the whole roster, the unit's workers it does not list leave it (every
    row must pass)."""
    user = user_of(request)
    unit = get_unit_for(user, code)
    require_roster_manager(user, unit)
    if not consent_confirmed:
        raise ApiError(422, "consent_required", "请确认本单位已取得每位职工的书面单独同意")
    report = import_roster(
        unit,
        read_bounded(file, spreadsheet.MAX_BYTES),
        actor=user,
        effective=effective,
        accept_valid=accept_valid,
        dry_run=dry_run,
        annotate=False,  # the API answers with the JSON report only
        replace=replace,
    )
    return ImportOut(**report.as_json())


@router.get(
    "/units/{code}/members",
    response=list[RosterMemberOut],
    summary="单位当前名册（号码已脱敏）",
)
@paginate(BoundedLimitOffset)
def list_roster(request: HttpRequest, code: str) -> QuerySet[Membership]:
    """The unit's current roster in the order of the roster page (name, then entry): the member
    codes a quota application or a claim names. No search by ID number here: it would put the
    number into the URL; GET /members/{code} gives one worker's detail."""
    unit = get_unit_for(user_of(request), code)
    return (
        Membership.objects.filter(unit=unit, left__isnull=True)
        .select_related("member")
        .order_by("member__name", "pk")
    )


@router.get("/members/{code}", response=MemberOut, summary="职工信息（号码已脱敏）")
def get_member(request: HttpRequest, code: str) -> MemberOut:
    member = get_member_for(user_of(request), code)
    current = member.current_membership
    lines = ContractLine.objects.filter(member=member).select_related("contract__unit")
    ended = cover_ended(member.pk)  # P-7
    return MemberOut(
        code=member.code,
        name=member.name,
        id_number=member.masked_id,
        birth_date=member.birth_date,
        sex=member.sex,
        age=member.age,
        mobile=member.mobile,
        bank_card=member.masked_card,
        status=member.status,
        tags=list(member.tags),
        consent_version=member.consent_version,
        consent_date=member.consent_date,
        consent_withdrawn=member.consent_withdrawn,
        unit=current.unit.code if current else None,
        coverage=[_coverage(line, ended) for line in lines],
    )


def _coverage(line: ContractLine, ended: dict[str, tuple[CoverEnd, date]]) -> CoverageOut:
    contract = line.contract
    stopped, since = ended.get(contract.contract_no or "", ("", None))
    return CoverageOut(
        contract_no=contract.contract_no,
        unit=contract.unit.code,
        effective=contract.effective,
        end=contract.end,
        shares=line.shares,
        state=contract.state,
        cover_ended=stopped,
        cover_ended_on=since,
    )
