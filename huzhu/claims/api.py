"""/api/v1/claims: list, file, attach documents, act, read — scoped like the pages."""

from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from huzhu.accounts.models import User, user_of
from huzhu.claims import actions, engine, uploads
from huzhu.claims.access import can_file, get_claim_for, require_filer
from huzhu.claims.facts import OPTIONAL_FACTS, ClaimFacts
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.claims.twins import same_event
from huzhu.claims.workflow import TRANSITIONS
from huzhu.core.api_errors import ApiError
from huzhu.core.audit import actor_name
from huzhu.core.audit_labels import action_label
from huzhu.core.pagination import BoundedLimitOffset, Built
from huzhu.core.uploaded import read_bounded
from huzhu.members.access import get_member_for
from huzhu.organizations.access import get_unit_for

router = Router(tags=["救助申请"])


class ClaimIn(Schema):
    member: str
    kind: str
    event_date: date
    known_date: date | None = None
    first_diagnosed: date | None = None
    disease: str = ""
    disability_grade: int | None = None
    accident_id: str = ""
    circumstance: str = ""
    hospital: str = ""
    admitted: date | None = None
    discharged: date | None = None
    description: str = ""
    trustee_name: str = ""
    trustee_id_number: str = ""
    trustee_card: str = ""
    trustee_relation: str = ""


class CorrectionIn(Schema):
    """The facts to correct on a returned claim; those left out stay as they are."""

    event_date: date | None = None
    known_date: date | None = None
    first_diagnosed: date | None = None
    disease: str | None = None
    disability_grade: int | None = None
    accident_id: str | None = None
    circumstance: str | None = None
    hospital: str | None = None
    admitted: date | None = None
    discharged: date | None = None
    description: str | None = None
    trustee_name: str | None = None
    trustee_id_number: str | None = None
    trustee_card: str | None = None
    trustee_relation: str | None = None


class ActionIn(Schema):
    reason: str = ""
    accept: bool = True
    amount: Decimal | None = None


class DocumentOut(Schema):
    item: str
    label: str
    required: bool
    received: bool


class StepOut(Schema):
    at: str
    actor: str
    action: str
    label: str = Field(description="该步骤的中文名称，如“查验登记”")


class ClaimSummaryOut(Schema):
    """A claim as the list gives it (its own answer has the decision, papers and steps)."""

    number: str
    member: str
    unit: str
    kind: str
    event_date: date
    submitted_at: datetime
    status: str
    amount: Decimal | None
    due_date: date | None
    due_provisional: bool


class ClaimOut(ClaimSummaryOut):
    proposed_amount: Decimal | None
    return_reason: str = Field(description="退回原因（已退回时）")
    reject_reason: str = Field(description="不予救助理由")
    withdraw_reason: str = Field(description="撤回原因（已撤回时）")
    same_event: list[str] = Field(
        description="该职工同一事件的其他申请编号（疑似重复，C-6；已撤回的不列）"
    )
    decision: dict[str, Any] | None
    unpayable: list[dict[str, Any]] | None = Field(
        description="登记前规则引擎预判不予给付时的原因（附录A denials；空列表表示该职工没有"
        "已生效的合同）；会给付、已登记或无权办理时为 null。最终以病案审核为准（C-4）"
    )
    documents: list[DocumentOut]
    timeline: list[StepOut]


def _listed(claim: Claim) -> dict[str, Any]:
    """What the list gives of a claim; its own answer gives this and more."""
    return {
        "number": claim.number,
        "member": claim.member.code,
        "unit": claim.unit.code,
        "kind": claim.kind,
        "event_date": claim.event_date,
        "submitted_at": claim.submitted_at,
        "status": claim.status,
        "amount": claim.amount,
        "due_date": claim.due_date,
        "due_provisional": claim.due_provisional,
    }


def _out(claim: Claim, user: User) -> ClaimOut:
    steps = actions.steps(claim)
    precheck = engine.unpayable(claim) if can_file(user, claim) else None
    return ClaimOut(
        **_listed(claim),
        proposed_amount=claim.proposed_amount,
        return_reason=claim.return_reason,
        reject_reason=claim.reject_reason,
        withdraw_reason=claim.withdraw_reason,
        same_event=[twin.number for twin in same_event(claim)],
        decision=claim.decision,
        unpayable=precheck["denials"] if precheck is not None else None,
        documents=[
            DocumentOut(item=d.item, label=d.label, required=d.required, received=d.received)
            for d in claim.documents.order_by("pk")
        ],
        timeline=[
            StepOut(
                at=s.at.isoformat(),
                actor=actor_name(s, user),
                action=s.action,
                label=action_label(s.action),
            )
            for s in steps
        ],
    )


def _refused(exc: actions.ClaimError) -> ApiError:
    return ApiError(409, "claim_refused", str(exc), details=exc.problems)


@router.post("/claims", response={201: ClaimOut}, summary="提交救助申请")
def create_claim(request: HttpRequest, body: ClaimIn) -> Status[ClaimOut]:
    user = user_of(request)
    if not can_file(user):
        raise PermissionDenied("只有基层工会经办人或互济会工作人员可以提交救助申请")
    member = get_member_for(user, body.member)
    facts = ClaimFacts(**body.dict(exclude={"member"}))
    try:
        claim = actions.submit_claim(member, facts, actor=user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc
    return Status(201, _out(claim, user))


@router.get("/claims", response=list[ClaimSummaryOut], summary="可见的救助申请列表（新的在前）")
@paginate(BoundedLimitOffset)
def list_claims(
    request: HttpRequest, unit: str = "", member: str = "", status: ClaimStatus | None = None
) -> Built[ClaimSummaryOut]:
    """Claims the token's account may see, newest first: a unit officer his unit's, a
    coordinating union its subtree's, staff all. `unit` limits to one unit, `member` to one
    member (by code), `status` to one state."""
    user = user_of(request)
    claims = (
        Claim.objects.for_user(user)
        .select_related("member", "unit")
        .order_by("-submitted_at", "-pk")
    )
    if unit:
        claims = claims.filter(unit=get_unit_for(user, unit))
    if member:
        claims = claims.filter(member__code=member)
    if status is not None:
        claims = claims.filter(status=status)
    return Built(claims, _summary)


def _summary(claim: Claim) -> ClaimSummaryOut:
    return ClaimSummaryOut(**_listed(claim))


@router.get("/claims/{number}", response=ClaimOut, summary="救助申请详情（含裁定与办理记录）")
def get_claim(request: HttpRequest, number: str) -> ClaimOut:
    user = user_of(request)
    return _out(get_claim_for(user, number), user)


@router.post("/claims/{number}/documents", response=ClaimOut, summary="上传申请材料")
def upload_document(
    request: HttpRequest, number: str, item: Form[str], file: File[UploadedFile]
) -> ClaimOut:
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "上传材料")
    try:
        data = read_bounded(file, uploads.MAX_BYTES)
        actions.attach_document(claim, item, data, file.name or "", actor=user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc
    return _out(claim, user)


@router.post(
    "/claims/{number}/documents/{item}/confirm",
    response=ClaimOut,
    summary="确认申请表已写明的事项（如事故经过）",
)
def confirm_statement(request: HttpRequest, number: str, item: str) -> ClaimOut:
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "确认材料")
    try:
        actions.confirm_statement(claim, item, actor=user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc
    return _out(claim, user)


@router.post(
    "/claims/{number}/documents/{item}/paper",
    response=ClaimOut,
    summary="登记窗口收到某项材料的纸质原件（登记职责，无须上传）",
)
def receive_paper(request: HttpRequest, number: str, item: str) -> ClaimOut:
    user = user_of(request)
    claim = get_claim_for(user, number)
    try:
        actions.receive_paper(claim, item, actor=user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc
    return _out(claim, user)


@router.post(
    "/claims/{number}/resubmit",
    response=ClaimOut,
    summary="更正并重新提交被退回的申请（只填写要更正的项）",
)
def resubmit(request: HttpRequest, number: str, body: CorrectionIn) -> ClaimOut:
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "更正并重新提交")
    given = body.dict(exclude_unset=True)
    facts = None
    if given:
        names = [f.name for f in fields(ClaimFacts) if f.name != "kind"]
        current = {name: getattr(claim, name) for name in names}
        # a field sent as null clears an optional date or grade; text fields cannot be null
        text = {k: v for k, v in given.items() if v is not None or k in OPTIONAL_FACTS}
        facts = ClaimFacts(kind=claim.kind, **(current | text))
    try:
        return _out(actions.resubmit_claim(claim, facts, actor=user), user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc


@router.post(
    "/claims/{number}/actions/{action}",
    response=ClaimOut,
    summary="办理：登记/退回/审核/审批/不予救助/归档；申请单位撤回（withdraw，须填原因）",
)
def act(request: HttpRequest, number: str, action: str, body: ActionIn) -> ClaimOut:
    user = user_of(request)
    claim = get_claim_for(user, number)
    steps = {
        "register": lambda: actions.register_claim(claim, actor=user),
        "return": lambda: actions.return_claim(claim, actor=user, reason=body.reason),
        "review": lambda: actions.review_claim(
            claim, actor=user, accept=body.accept, amount=body.amount, reason=body.reason
        ),
        "approve": lambda: actions.approve_claim(claim, actor=user),
        "reject": lambda: actions.reject_claim(claim, actor=user, reason=body.reason),
        "archive": lambda: actions.archive_claim(claim, actor=user),
        "withdraw": lambda: actions.withdraw_claim(claim, actor=user, reason=body.reason),
    }
    if action not in steps or action not in TRANSITIONS:
        raise ApiError(404, "not_found", f"没有该操作：{action}")
    try:
        return _out(steps[action](), user)
    except actions.ClaimError as exc:
        raise _refused(exc) from exc
