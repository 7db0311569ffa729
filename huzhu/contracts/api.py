"""/api/v1/contracts: list, create, submit, confirm the fee, read; scoped like the pages."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from huzhu.accounts.models import user_of
from huzhu.contracts import actions
from huzhu.contracts.access import get_contract_for, require_applicant, require_fee_confirmer
from huzhu.contracts.models import Contract, ContractStatus, Funding
from huzhu.contracts.schemas import (
    CancelIn,
    ContractIn,
    ContractOut,
    ContractSummaryOut,
    FeeConfirmIn,
    LineOut,
    RenewalIn,
)
from huzhu.core import clock
from huzhu.core.api_errors import ApiError
from huzhu.core.pagination import BoundedLimitOffset, Built
from huzhu.organizations.access import get_unit_for

router = Router(tags=["保障合同"])


def _listed(contract: Contract, people: int) -> dict[str, Any]:
    """What the list gives of a contract; its own answer adds the roster."""
    return {
        "id": contract.public_id,
        "contract_no": contract.contract_no,
        "unit": contract.unit.code,
        "funding": contract.funding,
        "funding_source": contract.funding_source,
        "status": contract.state,  # as read today (K-4): expired the day after its end
        "requested_start": contract.requested_start,
        "effective": contract.effective,
        "end": contract.end,
        "total_shares": contract.total_shares,
        "fee": contract.fee,
        "previous": contract.previous.public_id if contract.previous else None,
        "people": people,
        "fee_reference": contract.fee_reference,
        "declaration": contract.declaration,
    }


def _out(contract: Contract) -> ContractOut:
    lines = list(contract.lines.select_related("member").order_by("member__name"))
    return ContractOut(
        **_listed(contract, len(lines)),
        lines=[
            LineOut(
                member=x.member.code,
                name=x.member.name,
                id_number=x.member.masked_id,
                shares=x.shares,
            )
            for x in lines
        ],
    )


@router.get("/contracts", response=list[ContractSummaryOut], summary="可见的合同列表（新的在前）")
@paginate(BoundedLimitOffset)
def list_contracts(
    request: HttpRequest,
    unit: str = "",
    status: ContractStatus | None = None,
    funding: Funding | None = None,
    q: str = "",
) -> Built[ContractSummaryOut]:
    """Contracts the token's account may see, newest first, without their rosters (each
    contract's own answer has them); `unit` limits to one unit, `status` to a state as read
    today (an active contract past its end date is `expired`, K-4), `funding` to paid or free
    contracts, and `q` finds them as the contract list does: by number or its start (PB25),
    or by the unit's name, code or credit code."""
    user = user_of(request)
    contracts = (
        Contract.objects.for_user(user)
        .select_related("unit", "previous")
        .annotate(people=Count("lines"))
        .order_by("-created_at", "-pk")
    )
    if unit:
        contracts = contracts.filter(unit=get_unit_for(user, unit))
    if status is not None:
        contracts = contracts.in_state(status, clock.today())
    if funding is not None:
        contracts = contracts.filter(funding=funding)
    contracts = contracts.search(q[:100])
    return Built(contracts, lambda c: ContractSummaryOut(**_listed(c, c.people)))


def _refused(exc: actions.ContractError) -> ApiError:
    return ApiError(409, "contract_refused", str(exc), details=exc.problems)


@router.post("/contracts", response={201: ContractOut}, summary="按当前名册创建入会申请（草稿）")
def create_contract(request: HttpRequest, body: ContractIn) -> Status[ContractOut]:
    user = user_of(request)
    unit = get_unit_for(user, body.unit)
    require_applicant(user, unit.pk)
    facts = actions.EnrolmentFacts(body.funding_source, body.requested_start)
    try:
        contract = actions.create_enrolment(unit, facts, actor=user)
    except actions.ContractError as exc:
        raise _refused(exc) from exc
    return Status(201, _out(contract))


@router.get("/contracts/{no}", response=ContractOut, summary="合同详情")
def get_contract(request: HttpRequest, no: str) -> ContractOut:
    return _out(get_contract_for(user_of(request), no))


@router.post(
    "/contracts/{no}/renew",
    response={201: ContractOut},
    summary="续会：按当前名册生成续会申请（草稿）",
)
def renew_contract(
    request: HttpRequest, no: str, body: RenewalIn | None = None
) -> Status[ContractOut]:
    """K-5: a renewal draft of an active contract from the unit's roster today (leavers gone,
    newcomers in, shares as planned); submitted by the contract's end date it takes effect on
    that date (K-6)."""
    user = user_of(request)
    contract = get_contract_for(user, no)
    require_applicant(user, contract.unit_id)
    source = (body.funding_source if body else "") or contract.funding_source or "union_funds"
    try:
        renewal = actions.start_renewal(contract, actions.EnrolmentFacts(source), actor=user)
    except actions.ContractError as exc:
        raise _refused(exc) from exc
    return Status(201, _out(renewal))


@router.post("/contracts/{no}/cancel", response=ContractOut, summary="撤销入会或续会申请")
def cancel_contract(request: HttpRequest, no: str, body: CancelIn) -> ContractOut:
    """K-4: a draft or a submitted application is cancelled with a reason; an active contract
    cannot be."""
    user = user_of(request)
    contract = get_contract_for(user, no)
    require_applicant(user, contract.unit_id)
    try:
        return _out(actions.cancel_contract(contract, actor=user, reason=body.reason))
    except actions.ContractError as exc:
        raise _refused(exc) from exc


@router.post("/contracts/{no}/submit", response=ContractOut, summary="提交入会申请")
def submit_contract(request: HttpRequest, no: str) -> ContractOut:
    """Draft → submitted, checked again (E-3, E-4, E-5, P-2). Submitting is the unit's
    declaration for its roster (E-5: 名单所列职工均在职在岗、身体健康、能正常工作); its words
    are kept with the contract (`declaration`), as when the page's box is ticked."""
    user = user_of(request)
    contract = get_contract_for(user, no)
    require_applicant(user, contract.unit_id)
    try:
        return _out(actions.submit_contract(contract, actor=user))
    except actions.ContractError as exc:
        raise _refused(exc) from exc


@router.post("/contracts/{no}/confirm-fee", response=ContractOut, summary="确认已收会费，合同生效")
def confirm_fee(request: HttpRequest, no: str, body: FeeConfirmIn | None = None) -> ContractOut:
    user = user_of(request)
    contract = get_contract_for(user, no)
    require_fee_confirmer(user)
    reference = body.reference if body is not None else ""
    try:
        return _out(actions.confirm_fee(contract, actor=user, reference=reference))
    except actions.ContractError as exc:
        raise _refused(exc) from exc
