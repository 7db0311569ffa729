"""A believable scheme history for the demo (issue 7): units that enrolled some years ago and
renewed every year (a few lapsed), free shares of the current programme, claims of every type
through registration, review, four-eyes approval and payment, a few paid late and one failed
and re-issued. Everything goes through the same actions as the live system, with the clock
moved to the day each step happened, so audit entries, numbers and due dates are real."""

import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from django.test import override_settings

from huzhu.accounts.models import User
from huzhu.claims import actions as claims
from huzhu.claims.actions import ClaimError
from huzhu.claims.engine import holiday_table
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.contracts.actions import (
    ContractError,
    EnrolmentFacts,
    confirm_fee,
    create_enrolment,
    start_renewal,
    submit_contract,
)
from huzhu.contracts.models import Contract, ContractLine, ContractStatus
from huzhu.core import clock, pdf
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.organizations.models import Unit
from huzhu.payments import actions as payments
from huzhu.payments.models import Payment, PaymentStatus
from huzhu.quota.actions import apply_for_free_shares
from huzhu.quota.models import Programme
from huzhu.rules.identity import id_check_char, luhn_ok
from huzhu.rules.workdays import is_working_day

RosterMaker = Callable[[random.Random, int, str], bytes]  # (rng, rows, region) -> xlsx
CHINA = timezone(timedelta(hours=8))
FUNDING = ("union_funds", "administration", "shared_admin_union", "shared_all", "personal")


@dataclass
class Staff:
    registrar: User
    reviewer: User
    approver: User
    cashier: User


@contextmanager
def on(day: date, hour: int | None = None) -> Iterator[None]:
    """Run the block as if it were `day` at `hour`:00 China time. Without an hour, a past day
    gets an office hour of its own (09:00-16:00, the same on every load), so the history does
    not show work done at whatever time the demo was loaded; today keeps the real time."""
    if hour is None and day >= clock.today():
        with override_settings(HUZHU_TODAY=day.isoformat(), HUZHU_NOW=""):
            yield
        return
    if hour is None:
        hour = 9 + day.toordinal() % 8
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=CHINA).isoformat()
    with override_settings(HUZHU_TODAY="", HUZHU_NOW=moment):
        yield


def load_history(rng: random.Random, units: list[Unit], roster_file: RosterMaker) -> Unit | None:
    """The history; returns the unit whose claims of the last weeks come first (a returned one
    among them), for a unit officer's demo login."""
    staff = Staff(
        *(User.objects.get(username=n) for n in ("registrar", "reviewer", "approver", "cashier"))
    )
    today = clock.today()
    document = pdf.render(pdf.Document("演示材料（扫描件）", paragraphs=["演示用的申请材料。"]))
    for index, unit in enumerate(units):
        _enrol_years(rng, unit, today, staff, roster_file, lapse=index % 7 == 6)
    _free_shares(units, today)
    approved = _claims(rng, units, today, staff, document)
    _pay(rng, approved, staff)
    _archive(today, staff)
    return _in_progress(rng, units, today, staff, document)


def _enrol_years(
    rng: random.Random,
    unit: Unit,
    today: date,
    staff: Staff,
    roster_file: RosterMaker,
    *,
    lapse: bool,
) -> None:
    """First enrolment 3-5 years ago, then a renewal before each end date (K-5, K-6)."""
    start = date(today.year - rng.randint(3, 5), rng.randint(1, 12), rng.randint(1, 28))
    # rosters of a size that makes the figures believable: with about two claims per unit over
    # the years, rosters of 8-18 workers gave a loss ratio of 340-510% (benefits over fees)
    count = rng.randint(40, 160)
    unit.member_count = count
    unit.save(update_fields=["member_count"])
    with on(start):
        roster = roster_file(rng, count, unit.credit_code[2:8])
        report = import_roster(unit, roster, actor=None)
        if not report.saved:
            return
        facts = EnrolmentFacts(rng.choice(FUNDING))
        contract = create_enrolment(unit, facts, actor=None)
        submit_contract(contract, actor=None)
        contract = confirm_fee(contract, actor=staff.registrar)
    renewals = 0
    while contract.end is not None and contract.end < today:
        if lapse and renewals >= 1:
            return
        asked = contract.end - timedelta(days=rng.randint(10, 25))
        with on(asked):
            try:
                renewal = start_renewal(contract, EnrolmentFacts(rng.choice(FUNDING)), actor=None)
                submit_contract(renewal, actor=None)
            except ContractError:
                return
        with on(min(asked + timedelta(days=rng.randint(2, 8)), today)):
            contract = confirm_fee(renewal, actor=staff.registrar)
        renewals += 1


def _free_shares(units: list[Unit], today: date) -> None:
    """Units apply on the first working morning of the window their contract's end falls in
    (Q-2), in every programme year whose window has passed."""
    calendar = holiday_table()
    for programme in Programme.objects.filter(year__lte=today.year).order_by("year"):
        for period in programme.periods.order_by("no"):
            day = period.opens
            while not is_working_day(day, calendar) and day <= period.closes:
                day += timedelta(days=1)
            if day >= today:
                continue
            for unit in units:
                current = Contract.objects.filter(
                    unit=unit, contract_no__startswith="B", effective__lt=day, end__gte=day
                ).first()
                if current is None or current.end is None:
                    continue
                if period.renewal_end_from <= current.end <= period.renewal_end_to:
                    with on(day, hour=10):
                        apply_for_free_shares(unit, None, actor=None)


KINDS: list[tuple[str, dict[str, object]]] = [
    ("critical_illness", {"disease": "CI01"}),
    ("critical_illness", {"disease": "CI03"}),
    ("critical_illness", {"disease": "CI12"}),
    ("critical_illness", {"disease": "CI27"}),
    ("accident_hospitalization", {"circumstance": "work_or_fall"}),
    ("accident_hospitalization", {"circumstance": "driving"}),
    ("accident_hospitalization", {"circumstance": "other"}),
    ("death_illness", {}),
    ("death_accident", {"circumstance": "other"}),
    ("disability_accident", {"circumstance": "work_or_fall", "disability_grade": 7}),
    ("disability_accident", {"circumstance": "other", "disability_grade": 3}),
]


def _trustee(rng: random.Random) -> dict[str, object]:
    born = f"{rng.randint(1960, 1990)}0{rng.randint(1, 9)}1{rng.randint(0, 8)}"
    stem = f"370102{born}{rng.randint(100, 999)}"
    card = f"622202{rng.randrange(10**12):012d}"
    card += next(str(c) for c in range(10) if luhn_ok(card + str(c)))
    return {
        "trustee_name": "王秀英",
        "trustee_id_number": stem + id_check_char(stem),
        "trustee_card": card,
        "trustee_relation": "配偶",
    }


def _claims(
    rng: random.Random, units: list[Unit], today: date, staff: Staff, document: bytes
) -> list[Claim]:
    """About two claims per unit, every type, through to approval (or rejection/return)."""
    approved: list[Claim] = []
    members = list(Member.objects.filter(memberships__unit__in=units).order_by("pk").distinct())
    rng.shuffle(members)
    for number, member in enumerate(members[: len(units) * 2]):
        kind, extra = KINDS[number % len(KINDS)]
        # drawn from the seeded generator, not the database's random(): the same load every time
        lines = list(member.contract_lines.select_related("contract").order_by("pk"))
        contract = rng.choice(lines).contract if lines else None
        if contract is None or contract.effective is None or contract.end is None:
            continue
        effective, end = contract.effective, contract.end
        event = effective + timedelta(days=rng.randint(40, 330))
        if event >= today - timedelta(days=40) or event > end:
            continue
        facts = _facts(rng, kind, extra, event)
        filed = event + timedelta(days=rng.randint(10, 30))
        try:
            claim = _process(member, facts, filed, staff, document, rng)
        except ClaimError:
            continue
        if claim is not None and claim.status == ClaimStatus.APPROVED:
            approved.append(claim)
    return approved


def _facts(rng: random.Random, kind: str, extra: dict[str, object], event: date) -> ClaimFacts:
    values: dict[str, object] = dict(extra)
    if kind == "critical_illness":
        values["first_diagnosed"] = event
        values["hospital"] = "山东大学齐鲁医院"
    if kind in ("accident_hospitalization", "disability_accident"):
        values |= {
            "hospital": "济南市第四人民医院",
            "admitted": event,
            "discharged": event + timedelta(days=9),
        }
        values["description"] = "上班途中摔伤，住院治疗"
    if kind.startswith("death"):
        values |= _trustee(rng)
    return ClaimFacts(kind, event, **values)  # type: ignore[arg-type]


WITHDRAW_REASON = "医院无法补开清晰病历，单位撤回申请"


def _process(
    member: Member,
    facts: ClaimFacts,
    filed: date,
    staff: Staff,
    document: bytes,
    rng: random.Random,
) -> Claim | None:
    with on(filed):
        claim = claims.submit_claim(member, facts, actor=None)
        for item in claim.documents.filter(required=True):
            claims.attach_document(claim, item.item, document, "材料.pdf", actor=None)
    if rng.random() < 0.08:  # returned, and weeks later withdrawn by the unit
        with on(filed + timedelta(days=2)):
            claim = claims.return_claim(
                claim, actor=staff.registrar, reason="病历复印件不清晰，请重新提供"
            )
        with on(filed + timedelta(days=30)):
            return claims.withdraw_claim(claim, actor=None, reason=WITHDRAW_REASON)
    with on(filed + timedelta(days=2)):
        claim = claims.register_claim(claim, actor=staff.registrar)
    with on(filed + timedelta(days=6)):
        claim = claims.review_claim(claim, actor=staff.reviewer, accept=True)
    with on(filed + timedelta(days=8)):
        if not claim.amount:
            reason = "经审核不符合救助条件（详见规则引擎说明）"
            return claims.reject_claim(claim, actor=staff.approver, reason=reason)
        return claims.approve_claim(claim, actor=staff.approver)


def _pay(rng: random.Random, approved: list[Claim], staff: Staff) -> None:
    """One batch per approved claim's week; most paid in time, some late, one failed first."""
    failed_once = False
    for claim in sorted(approved, key=lambda c: c.approved_on or date.min):
        day = (claim.approved_on or date.min) + timedelta(days=2)
        if day >= clock.today():
            continue
        with on(day):
            batch = payments.create_batch([claim], actor=staff.cashier)
            batch = payments.approve_batch(batch, actor=staff.approver)
            payments.export_batch(batch, actor=staff.cashier)
        payment = batch.payments.get()
        # some paid late, but only in the past: a late payment still to come would leave a
        # second claim past its due date, beside the one the current claims keep late (C-5)
        late = rng.random() < 0.15 and day + timedelta(days=20) < clock.today()
        paid_on = day + timedelta(days=20 if late else rng.randint(1, 6))
        if not failed_once:
            failed_once = True
            with on(day + timedelta(days=1)):
                payments.record_result(
                    payment, actor=staff.cashier, paid=False, reason="户名与卡号不符"
                )
                batch = payments.reissue(claim, actor=staff.cashier)
                batch = payments.approve_batch(batch, actor=staff.approver)
                payments.export_batch(batch, actor=staff.cashier)
            payment = batch.payments.get()
        if paid_on >= clock.today():
            continue
        with on(paid_on):
            payments.record_result(
                payment,
                actor=staff.cashier,
                paid=True,
                bank_ref=f"ICBC{claim.number}",
                paid_on=paid_on,
            )


def _archive(today: date, staff: Staff) -> None:
    """Claims paid over a month ago have had their file archived (C-4 材料归档) two weeks
    after the bank confirmed; the recent ones still wait for it."""
    for payment in Payment.objects.filter(
        status=PaymentStatus.PAID, paid_on__lte=today - timedelta(days=30)
    ).select_related("claim"):
        if payment.paid_on is not None and payment.claim.status == ClaimStatus.PAID:
            with on(payment.paid_on + timedelta(days=14)):
                claims.archive_claim(payment.claim, actor=staff.registrar)


RETURNED = -1
# (kind, facts, stage, filed days ago): claims of the last weeks at each stage of C-4, so every
# queue has work. Stage RETURNED: sent back to the unit to correct (C-4); 0: papers still
# missing; 1: complete, to register; 2: to review; 3: to approve; 4: approved, to pay (the
# oldest one already past its due date, C-5); 5: paid, its file to archive. The first three go
# to the featured unit (the demo's unit_c).
CURRENT: list[tuple[str, dict[str, object], int, int]] = [
    ("critical_illness", {"disease": "CI08"}, RETURNED, 7),
    ("accident_hospitalization", {"circumstance": "work_or_fall"}, 0, 3),
    ("critical_illness", {"disease": "CI04"}, 1, 2),
    ("accident_hospitalization", {"circumstance": "other"}, 2, 6),
    ("critical_illness", {"disease": "CI02"}, 3, 8),
    ("disability_accident", {"circumstance": "work_or_fall", "disability_grade": 9}, 4, 5),
    ("accident_hospitalization", {"circumstance": "driving"}, 4, 9),
    ("critical_illness", {"disease": "CI15"}, 4, 30),  # late even across a week of holidays
    ("accident_hospitalization", {"circumstance": "work_or_fall"}, 5, 12),
]

# the steps after intake, one working day apart: registration, review, approval
STEPS: list[Callable[[Claim, Staff], Claim]] = [
    lambda claim, staff: claims.register_claim(claim, actor=staff.registrar),
    lambda claim, staff: claims.review_claim(claim, actor=staff.reviewer, accept=True),
    lambda claim, staff: claims.approve_claim(claim, actor=staff.approver),
]


FEATURED = 3  # claims of the last weeks filed by the featured unit
RETURN_REASON = "首次确诊日期与住院病历记载不一致，请核对后更正并重新提交"


def _in_progress(
    rng: random.Random, units: list[Unit], today: date, staff: Staff, document: bytes
) -> Unit | None:
    """Claims of the last weeks still in the workflow, by members with no claim yet whose
    contract has been in force for over two months (past every waiting period, P-5). The unit
    with most such members is featured: the first claims are its members'. Returns it."""
    lines = (
        ContractLine.objects.filter(
            contract__unit__in=units,
            contract__status=ContractStatus.ACTIVE,
            contract__effective__lte=today - timedelta(days=80),
            contract__end__gte=today,
            member__claims__isnull=True,
        )
        .select_related("member", "contract__unit")
        .order_by("pk")
    )
    unit_of = {line.member: line.contract.unit for line in lines}
    members = list(unit_of)
    rng.shuffle(members)
    if not members:
        return None
    counts = Counter(unit_of[m].pk for m in members)
    featured = max(units, key=lambda u: counts[u.pk])
    ours = [m for m in members if unit_of[m] == featured][:FEATURED]
    members = ours + [m for m in members if m not in ours]
    for member, (kind, extra, stage, ago) in zip(members, CURRENT, strict=False):
        filed = today - timedelta(days=ago)
        with on(filed):
            claim = claims.submit_claim(
                member, _facts(rng, kind, extra, filed - timedelta(days=10)), actor=None
            )
            required = list(claim.documents.filter(required=True))
            for item in required if stage else required[:2]:
                claims.attach_document(claim, item.item, document, "材料.pdf", actor=None)
        if stage == RETURNED:
            with on(filed + timedelta(days=1)):
                claims.return_claim(claim, actor=staff.registrar, reason=RETURN_REASON)
            continue
        for lag, step in enumerate(STEPS[: max(stage - 1, 0)], start=1):
            with on(filed + timedelta(days=lag)):
                claim = step(claim, staff)
        if stage == 5:
            with on(filed + timedelta(days=4)):
                batch = payments.create_batch([claim], actor=staff.cashier)
                batch = payments.approve_batch(batch, actor=staff.approver)
                payments.export_batch(batch, actor=staff.cashier)
            paid_on = filed + timedelta(days=6)
            with on(paid_on):
                payments.record_result(
                    batch.payments.get(),
                    actor=staff.cashier,
                    paid=True,
                    bank_ref=f"ICBC{claim.number}",
                    paid_on=paid_on,
                )
    return featured
