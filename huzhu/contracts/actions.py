"""Every write to contracts (SPEC §4): enrolment, submission, fee confirmation with its number,
cancellation and renewal. Each runs in one transaction and writes its audit entry."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from huzhu.contracts import workflow
from huzhu.contracts.holdings import holdings_of
from huzhu.contracts.models import (
    Contract,
    ContractLine,
    ContractStatus,
    Funding,
    FundingSource,
    NumberSequence,
)
from huzhu.core import audit, clock
from huzhu.core.bulk import insert_rows
from huzhu.core.errors import StepRefused
from huzhu.core.product import current_plan
from huzhu.members.models import Member, Membership
from huzhu.organizations.models import Unit
from huzhu.rules.dates import add_years, contract_end, paid_effective
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, Plan
from huzhu.rules.roster import participation_problem, peak_shares


class ContractError(StepRefused):
    """A refused contract step."""


@dataclass(frozen=True)
class EnrolmentFacts:
    funding_source: str
    requested_start: date | None = None


def _snapshot(contract: Contract) -> dict[str, Any]:
    return audit.snapshot(contract, Contract.AUDITED_FIELDS)


def _lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("unit__union")
        .get(pk=contract.pk)
    )


def create_enrolment(
    unit: Unit, facts: EnrolmentFacts, *, actor: Any, previous: Contract | None = None
) -> Contract:
    """A draft contract (K-1) for the unit's current roster with the planned shares. For a
    renewal (K-5) the roster starts from today's roster: leavers are gone, newcomers are in and
    changed shares apply."""
    if facts.funding_source not in FundingSource.values:
        raise ContractError(["请选择会费来源（五种方式之一）"])
    if facts.requested_start is not None and facts.requested_start < clock.today():
        raise ContractError(["申请生效日不能早于今天"])
    if facts.requested_start is not None and facts.requested_start > add_years(clock.today(), 1):
        raise ContractError(["申请生效日不能晚于一年以后"])  # a typo (9999) broke the end date
    with transaction.atomic(durable=True):
        # one application at a time per unit: a second click must not make a second draft
        Unit.objects.select_for_update(no_key=True).get(pk=unit.pk)
        if previous is not None:  # K-5: one renewal per contract
            renewal = previous.renewals.exclude(status=ContractStatus.CANCELLED).first()
            if renewal is not None:
                raise ContractError([f"该合同已有续会申请（{renewal.public_id}）"])
        else:
            pending = pending_enrolment(unit)
            if pending is not None:
                problem = (
                    f"本单位已有尚未生效的入会申请 {pending.public_id}（{pending.state_label}）"
                )
                raise ContractError([problem + "，请在该申请页面提交或撤销后再生成"])
        roster = list(Membership.objects.filter(unit=unit, left__isnull=True))
        if not roster:
            raise ContractError(["本单位名册为空，请先导入职工名册"])
        contract = Contract.objects.create(
            unit=unit,
            funding=Funding.PAID,
            funding_source=facts.funding_source,
            requested_start=facts.requested_start,
            previous=previous,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        insert_rows(
            ContractLine,
            ["contract", "member", "shares"],
            ((contract.pk, m.member_id, m.shares) for m in roster),
        )
        _totals(contract)
        action = "contracts.contract.renewal_started" if previous else "contracts.contract.created"
        after = _snapshot(contract) | ({"previous": previous.contract_no} if previous else {})
        audit.record(actor, action, contract, after=after)
    return contract


def pending_enrolment(unit: Unit) -> Contract | None:
    """The unit's enrolment (not a renewal) that is still a draft or submitted."""
    return (
        Contract.objects.filter(
            unit=unit,
            funding=Funding.PAID,
            previous__isnull=True,
            status__in=[ContractStatus.DRAFT, ContractStatus.SUBMITTED],
        )
        .order_by("pk")
        .first()
    )


def _totals(contract: Contract, plan: Plan = CRITICAL_ILLNESS_PLAN) -> None:
    """K-3: fee = 20 × total shares (a free contract costs nothing)."""
    shares = sum(contract.lines.values_list("shares", flat=True))
    contract.total_shares = shares
    contract.fee = Decimal(0) if contract.funding == Funding.FREE else plan.fee_per_share * shares
    contract.save(update_fields=["total_shares", "fee"])


def intended_start(contract: Contract, on: date) -> date:
    """K-6: the effective date if the fee were confirmed on `on`: a renewal submitted in time
    continues on the previous end date; otherwise the confirmation day or a later requested day."""
    previous = contract.previous
    # the day in China (a renewal sent at 07:00 the day after the end is late, though UTC
    # still has the end date)
    submitted = timezone.localdate(contract.submitted_at) if contract.submitted_at else on
    return paid_effective(
        on,
        previous_end=previous.end if previous is not None else None,
        submitted=submitted,
        requested=contract.requested_start,
    )


def check_contract(
    contract: Contract, start: date, *, confirming: bool = False, plan: Plan | None = None
) -> list[str]:
    """E-3 participation, E-5 age on the effective date, E-4 consent not withdrawn, P-2 the
    3-share cap on any day. On submission other submitted contracts count too (to refuse
    early); on confirmation only active ones bind, so of two competing submissions the first
    confirmed wins."""
    plan = plan or current_plan()
    problems = []
    lines = list(contract.lines.select_related("member"))
    short = participation_problem(len(lines), contract.unit.member_count, "入会人数", plan)
    if contract.funding == Funding.PAID and short:
        problems.append(short)
    for line in lines:
        age = line.member.age_on(start)
        if not plan.min_age <= age <= plan.max_age:
            problems.append(
                f"{line.member.name}：生效日 {start} 时{age}周岁，"
                f"不在{plan.min_age}至{plan.max_age}周岁之间（E-5）"
            )
        if line.member.status == Member.Status.DECEASED:  # registered after the draft was made
            problems.append(
                f"{line.member.name}：已登记身故，请撤销本申请后按当前名册重新生成（E-5）"
            )
        elif line.member.status != Member.Status.IN_SERVICE:
            problems.append(f"{line.member.name}：已退休，不符合入会条件（E-5）")
        if line.member.consent_withdrawn:  # E-4: no processing of his data without consent
            problems.append(f"{line.member.name}：已撤回个人信息处理同意，不能入会（E-4）")
    held = holdings_of(
        [line.member_id for line in lines], exclude_contract=contract.pk, active_only=confirming
    )
    window = (start, contract_end(start))
    for line in lines:
        already = peak_shares(window, held[line.member_id])
        if already + line.shares > plan.max_shares:
            problems.append(
                f"{line.member.name}：已有{already}份，再加{line.shares}份"
                f"超过每人{plan.max_shares}份上限（P-2）"
            )
    return problems


def declaration(plan: Plan | None = None) -> str:
    """E-5: what the unit declares for the workers it submits (the page asks for a tick; a
    submission through the API is the declaration, as its description says)."""
    plan = plan or current_plan()
    return (
        f"本单位声明：本申请名单所列职工均在职在岗、身体健康、能正常工作，生效日年满"
        f"{plan.min_age}至{plan.max_age}周岁（E-5）"
    )


def submit_contract(contract: Contract, *, actor: Any) -> Contract:
    """Draft → submitted (K-4), checked again; the unit's declaration (E-5) is recorded."""
    with transaction.atomic(durable=True):
        locked = _lock(contract)
        if not workflow.allowed("submit", locked.status):  # K-4
            raise ContractError([f"合同当前状态为“{locked.state_label}”，不能提交"])
        problems = check_contract(locked, intended_start(locked, clock.today()))
        if problems:
            raise ContractError(problems)
        before = _snapshot(locked)
        locked.status = ContractStatus.SUBMITTED
        locked.submitted_at = clock.now()
        locked.declaration = declaration()
        locked.save(update_fields=["status", "submitted_at", "declaration"])
        audit.record(
            actor, "contracts.contract.submitted", locked, before=before, after=_snapshot(locked)
        )
    return locked


FEE_REFERENCE_MAX = 60


def confirm_fee(contract: Contract, *, actor: Any, reference: str = "") -> Contract:
    """Staff confirm the fee was received: the contract becomes active with its number and
    dates (K-2, K-4, K-6, P-3). The share cap is checked again under the lock. `reference` is
    what the confirmation rests on (a transfer's serial, a receipt's number), kept and shown."""
    reference = "".join(c for c in " ".join(reference.split()) if c.isprintable())
    if len(reference) > FEE_REFERENCE_MAX:
        raise ContractError([f"收款凭证号最多 {FEE_REFERENCE_MAX} 个字符"])
    with transaction.atomic(durable=True):
        locked = _lock(contract)
        if not workflow.allowed("confirm_fee", locked.status):  # K-4
            raise ContractError([f"合同当前状态为“{locked.state_label}”，不能确认会费"])
        # P-2 across contracts: two contracts of one member confirmed at the same moment would
        # each see only the other's submission (not binding) and both become active
        Member.objects.lock(locked.lines.values_list("member_id", flat=True))
        today = clock.today()
        start = intended_start(locked, today)
        problems = check_contract(locked, start, confirming=True)
        if problems:
            raise ContractError(problems)
        before = _snapshot(locked)
        locked.effective, locked.end = start, contract_end(start)
        locked.contract_no = next_number(locked, start)
        locked.status = ContractStatus.ACTIVE
        locked.confirmed_at, locked.confirmed_by = clock.now(), actor
        locked.fee_reference = reference
        locked.save(
            update_fields=[
                "effective",
                "end",
                "contract_no",
                "status",
                "confirmed_at",
                "confirmed_by",
                "fee_reference",
            ]
        )
        audit.record(
            actor,
            "contracts.contract.fee_confirmed",
            locked,
            before=before,
            after=_snapshot(locked),
        )
    return locked


def take_sequence(prefix: str, year: int) -> int:
    """The next number of a (prefix, year) sequence. The UPDATE locks the row until the
    transaction ends, so concurrent takers queue and never get the same number."""
    rows = NumberSequence.objects.filter(prefix=prefix, year=year)
    if not rows.update(last=F("last") + 1):
        NumberSequence.objects.get_or_create(prefix=prefix, year=year)
        rows.update(last=F("last") + 1)
    return int(rows.values_list("last", flat=True).get())


FREE_PREFIX = "PB"


def next_number(contract: Contract, effective: date) -> str:
    """K-2: B + series + yy + sequence (paid), PB + yy + sequence (free); unique per prefix and
    year, widening past 9999 instead of wrapping."""
    yy = effective.year % 100
    prefix = (
        FREE_PREFIX
        if contract.funding == Funding.FREE
        else "B" + contract.unit.union.contract_series
    )
    return contract_number(prefix, yy, take_sequence(prefix, yy))


def contract_number(prefix: str, yy: int, sequence: int) -> str:
    """K-2: the number itself, four digits at least."""
    return f"{prefix}{yy:02d}{sequence:04d}"


def cancel_contract(contract: Contract, *, actor: Any, reason: str) -> Contract:
    """K-4: only a draft or a submitted contract can be cancelled, with a reason."""
    reason = reason.strip()
    if not reason:
        raise ContractError(["请填写撤销原因"])
    with transaction.atomic(durable=True):
        locked = _lock(contract)
        if locked.status == ContractStatus.ACTIVE:  # K-4: never rewritten
            raise ContractError(["生效的合同不能撤销或修改，如需更正请联系互济会"])
        if not workflow.allowed("cancel", locked.status):
            raise ContractError([f"合同当前状态为“{locked.state_label}”，不能撤销"])
        before = _snapshot(locked)
        locked.status = ContractStatus.CANCELLED
        locked.cancelled_at, locked.cancel_reason = clock.now(), reason[:200]
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        audit.record(
            actor,
            "contracts.contract.cancelled",
            locked,
            before=before,
            after=_snapshot(locked) | {"reason": reason},
        )
    return locked


def start_renewal(contract: Contract, facts: EnrolmentFacts, *, actor: Any) -> Contract:
    """K-5: 续会 from an active contract; continuity needs submission by its end date."""
    contract = Contract.objects.get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise ContractError(["只有生效的合同可以续会"])
    return create_enrolment(contract.unit, facts, actor=actor, previous=contract)
