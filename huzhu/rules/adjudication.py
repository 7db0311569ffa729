"""Benefit adjudication (SPEC §3, appendix A): which contracts pay how much for one claim, and
why not where they do not. Pure: frozen dataclasses in, a frozen decision out.

Order of tests (appendix A): the time bar for the whole claim (P-11); then contract by contract
in order of effective date, then number: not_in_force (P-3) → duplicate_event (C-6) →
coverage_ended (P-7) → share_cap (P-2) → per group of shares pre_existing (P-8) →
waiting_period (P-5, P-6) → cap_reached (P-9).

The contracts that can pay are those in force on the event date, however late the claim (P-12);
free PB shares are ordinary shares here (P-13), and nothing is deducted for other insurance
(P-14): neither needs a test of its own below.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from huzhu.rules.dates import add_years, in_force, waiting_over
from huzhu.rules.money import ZERO, money
from huzhu.rules.product import (
    CAPPED_TYPES,
    CRITICAL_ILLNESS_PLAN,
    ILLNESS_TYPES,
    BenefitType,
    Plan,
)


class DenialReason(StrEnum):
    NOT_IN_FORCE = "not_in_force"
    WAITING_PERIOD = "waiting_period"
    PRE_EXISTING = "pre_existing"
    COVERAGE_ENDED = "coverage_ended"
    SHARE_CAP = "share_cap"
    CAP_REACHED = "cap_reached"
    DUPLICATE_EVENT = "duplicate_event"
    TIME_BARRED = "time_barred"


CLAUSE = {
    DenialReason.NOT_IN_FORCE: "P-3",
    DenialReason.WAITING_PERIOD: "P-5",
    DenialReason.PRE_EXISTING: "P-8",
    DenialReason.COVERAGE_ENDED: "P-7",
    DenialReason.SHARE_CAP: "P-2",
    DenialReason.CAP_REACHED: "P-9",
    DenialReason.DUPLICATE_EVENT: "C-6",
    DenialReason.TIME_BARRED: "P-11",
}

# each denial code in words, for pages beside the code (the Denial's message explains the case)
REASON_LABELS = {
    DenialReason.NOT_IN_FORCE: "不在保障期内",
    DenialReason.WAITING_PERIOD: "免责期内",
    DenialReason.PRE_EXISTING: "带病入会",
    DenialReason.COVERAGE_ENDED: "保障责任已终止",
    DenialReason.SHARE_CAP: "超出每人3份",
    DenialReason.CAP_REACHED: "已达身故伤残给付上限",
    DenialReason.DUPLICATE_EVENT: "同一事件已给付",
    DenialReason.TIME_BARRED: "超过救助时效",
}


@dataclass(frozen=True, slots=True)
class ContractFact:
    """One contract of the member: shares held under it and its term (effective, end]."""

    contract_no: str
    shares: int
    effective: date
    end: date


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """An earlier claim line of the member under one contract, paid or not."""

    contract_no: str
    kind: BenefitType
    event_date: date
    amount: Decimal
    accident_id: str | None = None
    disease: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimFact:
    kind: BenefitType
    event_date: date
    submitted_date: date
    known_date: date
    first_diagnosed: date
    disease: str | None = None
    disability_grade: int | None = None
    accident_id: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    contract_no: str
    shares: int
    per_share: Decimal
    amount: Decimal
    clauses: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Denial:
    contract_no: str | None
    shares: int
    reason: DenialReason
    message: str

    @property
    def clause(self) -> str:
        return CLAUSE[self.reason]


@dataclass(frozen=True, slots=True)
class Decision:
    lines: tuple[Line, ...]
    denials: tuple[Denial, ...]
    ends_coverage: tuple[str, ...]
    amount: Decimal = ZERO  # the sum of the lines

    @property
    def payable(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True, slots=True)
class ShareGroup:
    """Shares of one contract whose waiting period and pre-existing test start on `start`:
    the contract's own effective date, or for continued shares the chain's start (P-6)."""

    count: int
    start: date


ACCIDENT_TYPES = frozenset(BenefitType) - ILLNESS_TYPES


class CoverEnd(StrEnum):
    """P-7: what an earlier critical illness ended under its contract for the member."""

    ALL = "all"  # one was paid: every liability of the contract (保障责任终止)
    CRITICAL_ILLNESS = "critical_illness"  # one was first diagnosed in the waiting period


def cover_end(line: HistoryLine) -> CoverEnd | None:
    """P-7: what one earlier claim line ends under its contract, if anything."""
    if line.kind is not BenefitType.CRITICAL_ILLNESS:
        return None
    if line.amount > 0:
        return CoverEnd.ALL
    return CoverEnd.CRITICAL_ILLNESS if line.reason == DenialReason.WAITING_PERIOD else None


def ended_cover(history: Iterable[HistoryLine]) -> dict[str, tuple[CoverEnd, date]]:
    """P-7 per contract number: the widest end the member's history made, with the event date
    of the first line that made it. Contracts with nothing ended are absent."""
    ended: dict[str, tuple[CoverEnd, date]] = {}
    for line in sorted(history, key=lambda h: h.event_date):
        end = cover_end(line)
        if end is None:
            continue
        known = ended.get(line.contract_no)
        widens = known is None or (known[0] is CoverEnd.CRITICAL_ILLNESS and end is CoverEnd.ALL)
        if widens:
            ended[line.contract_no] = (end, line.event_date)
    return ended


def make_claim(
    kind: BenefitType,
    event_date: date,
    submitted_date: date,
    *,
    known_date: date | None = None,
    first_diagnosed: date | None = None,
    disease: str | None = None,
    disability_grade: int | None = None,
    accident_id: str | None = None,
) -> ClaimFact:
    """A claim with the SPEC's defaults: known and first-diagnosed dates default to the event
    date, the accident id to the accident day (appendix A)."""
    if accident_id is None and kind.is_accident:
        accident_id = event_date.isoformat()
    return ClaimFact(
        kind=kind,
        event_date=event_date,
        submitted_date=submitted_date,
        known_date=known_date or event_date,
        first_diagnosed=first_diagnosed or event_date,
        disease=disease,
        disability_grade=disability_grade,
        accident_id=accident_id,
    )


def time_bar_deadline(known_date: date, plan: Plan = CRITICAL_ILLNESS_PLAN) -> date:
    """P-11: the last day a claim may be submitted (the second anniversary is still in time)."""
    return add_years(known_date, plan.time_bar_years)


def event_key(
    kind: BenefitType, event_date: date, disease: str | None, accident: str | None
) -> tuple[object, ...]:
    """C-6 / P-10: what makes two claims the same event. Accidents are one event per accident
    (several admissions for one accident pay once); illnesses per day and disease."""
    if kind in ACCIDENT_TYPES:
        return (kind, accident or event_date.isoformat())
    return (kind, event_date, disease)


def share_groups(
    contracts: Sequence[ContractFact], plan: Plan = CRITICAL_ILLNESS_PLAN
) -> dict[str, tuple[ShareGroup, ...]]:
    """P-6: each contract's shares split into continued shares, up to as many as the contracts
    ending exactly on its effective date held, whose waiting period and pre-existing test start at
    the start of the unbroken chain (the effective date of the earliest contract in it), and new
    shares (start = its own effective date). Continued shares first."""
    if len(contracts) < 2 or not plan.renewal_waives_waiting:
        return {c.contract_no: (ShareGroup(c.shares, c.effective),) for c in contracts}
    ending_on: dict[date, list[ContractFact]] = {}
    for contract in contracts:
        ending_on.setdefault(contract.end, []).append(contract)
    chain_start: dict[str, date] = {}
    groups: dict[str, tuple[ShareGroup, ...]] = {}
    # in order of effective date: a predecessor (ending on this effective date) comes first
    for contract in sorted(contracts, key=_contract_order):
        predecessors = ending_on.get(contract.effective, [])
        start = min((chain_start[p.contract_no] for p in predecessors), default=contract.effective)
        chain_start[contract.contract_no] = start
        continued = min(contract.shares, sum(p.shares for p in predecessors))
        new = contract.shares - continued
        groups[contract.contract_no] = tuple(
            ShareGroup(count, day)
            for count, day in ((continued, start), (new, contract.effective))
            if count
        )
    return groups


def _contract_order(contract: ContractFact) -> tuple[date, str]:
    """Appendix A: contracts are examined in order of effective date, then number."""
    return contract.effective, contract.contract_no


def _trim(groups: Iterable[ShareGroup], keep: int) -> tuple[ShareGroup, ...]:
    """The oldest `keep` shares of a contract (P-2 cuts the newest)."""
    kept = []
    for group in groups:
        if keep <= 0:
            break
        kept.append(ShareGroup(min(group.count, keep), group.start))
        keep -= group.count
    return tuple(kept)


def decide_benefit(
    contracts: Sequence[ContractFact],
    history: Sequence[HistoryLine],
    claim: ClaimFact,
    plan: Plan = CRITICAL_ILLNESS_PLAN,
) -> Decision:
    """The benefit for one claim of one member, explained line by line (SPEC appendix A)."""
    barred = _time_bar(claim, plan)  # P-11, for the whole claim
    if barred is not None:
        return Decision((), (barred,), ())

    kind = claim.kind
    critical = kind is BenefitType.CRITICAL_ILLNESS
    illness = kind in ILLNESS_TYPES
    clauses = _line_clauses(kind)
    claim_key = event_key(kind, claim.event_date, claim.disease, claim.accident_id)
    per_share = money(plan.per_share(kind, claim.disease, claim.disability_grade))
    waiting_days = plan.waiting_days[kind]
    ordered = sorted(contracts, key=_contract_order) if len(contracts) > 1 else contracts
    groups: dict[str, tuple[ShareGroup, ...]] | None = None  # P-6, computed when first needed
    lines: list[Line] = []
    denials: list[Denial] = []
    ends: list[str] = []
    shares_counted = 0

    for contract in ordered:
        number = contract.contract_no
        past = [h for h in history if h.contract_no == number] if history else []
        if not in_force(contract.effective, contract.end, claim.event_date):  # P-3, P-12
            denials.append(_not_in_force(contract, claim))
            continue
        refusal = _history_refusal(contract, past, claim, claim_key) if past else None
        if refusal is not None:
            denials.append(refusal)
            continue
        if groups is None:
            groups = share_groups(ordered, plan)
        mine = groups[number]
        allowed = min(contract.shares, max(plan.max_shares - shares_counted, 0))  # P-2
        shares_counted += allowed
        if allowed < contract.shares:
            mine = _trim(mine, allowed)
            denials.append(_over_cap(contract, allowed, plan))
        payable, refused = _test_groups(mine, contract, claim, waiting_days, illness)
        denials.extend(refused.values())
        paid_here = False
        if payable:
            continued = any(g.start != contract.effective for g in mine)
            line = _line(contract, payable, per_share, past, claim, plan, clauses[continued])
            if isinstance(line, Denial):
                denials.append(line)
            else:
                lines.append(line)
                paid_here = True
        if critical and (paid_here or DenialReason.WAITING_PERIOD in refused):  # P-7
            ends.append(number)
    total = money(sum((line.amount for line in lines), ZERO)) if lines else ZERO
    return Decision(tuple(lines), tuple(denials), tuple(ends), total)


def _time_bar(claim: ClaimFact, plan: Plan) -> Denial | None:
    """P-11: the whole claim's denial when it came more than two years after the event was known."""
    deadline = time_bar_deadline(claim.known_date, plan)
    if claim.submitted_date <= deadline:
        return None
    message = (
        f"自知道事件之日 {claim.known_date} 起两年内（至 {deadline}）未提出申请，"
        f"{claim.submitted_date} 提交已超过救助时效"
    )
    return Denial(None, 0, DenialReason.TIME_BARRED, message)


def _over_cap(contract: ContractFact, allowed: int, plan: Plan) -> Denial:
    """P-2: the shares of a contract beyond the member's third."""
    number, over = contract.contract_no, contract.shares - allowed
    return Denial(
        number,
        over,
        DenialReason.SHARE_CAP,
        f"每人同一日最多{plan.max_shares}份有效，合同 {number} 超出的{over}份不予救助",
    )


def _test_groups(
    groups: Iterable[ShareGroup],
    contract: ContractFact,
    claim: ClaimFact,
    waiting_days: int,
    illness: bool,
) -> tuple[int, dict[DenialReason, Denial]]:
    """The per-group tests of one contract's counted shares: how many may pay, and one denial
    per reason with the shares it refuses (groups refused for the same reason add up)."""
    payable = 0
    refused: dict[DenialReason, Denial] = {}
    for group in groups:
        reason, message = _group_refusal(group, contract, claim, waiting_days, illness)
        if reason is None:
            payable += group.count
            continue
        earlier = refused[reason].shares if reason in refused else 0
        refused[reason] = Denial(contract.contract_no, earlier + group.count, reason, message)
    return payable, refused


def _not_in_force(contract: ContractFact, claim: ClaimFact) -> Denial:
    return Denial(
        contract.contract_no,
        contract.shares,
        DenialReason.NOT_IN_FORCE,
        f"事件日 {claim.event_date} 不在合同 {contract.contract_no} 的保障期"
        f"（{contract.effective + timedelta(days=1)} 至 {contract.end}）内",
    )


def _history_refusal(
    contract: ContractFact, past: list[HistoryLine], claim: ClaimFact, claim_key: object
) -> Denial | None:
    """The tests against earlier claims: duplicate_event (C-6), then coverage_ended (P-7)."""
    number = contract.contract_no
    for h in past:  # C-6
        if h.amount > 0 and event_key(h.kind, h.event_date, h.disease, h.accident_id) == claim_key:
            return Denial(
                number,
                contract.shares,
                DenialReason.DUPLICATE_EVENT,
                f"同一事件已于合同 {number} 下给付 {money(h.amount)} 元，不重复给付",
            )
    for h in past:  # P-7
        end = cover_end(h)
        if end is CoverEnd.ALL or (
            end is CoverEnd.CRITICAL_ILLNESS and claim.kind is BenefitType.CRITICAL_ILLNESS
        ):
            cause = "已给付重大疾病救助金" if end is CoverEnd.ALL else "曾在免责期内确诊重大疾病"
            return Denial(
                number,
                contract.shares,
                DenialReason.COVERAGE_ENDED,
                f"合同 {number} {cause}（{h.event_date}），该合同对本人的保障责任已终止",
            )
    return None


def _group_refusal(
    group: ShareGroup, contract: ContractFact, claim: ClaimFact, waiting_days: int, illness: bool
) -> tuple[DenialReason | None, str]:
    """The per-group tests: pre_existing (P-8), then waiting_period (P-5, P-6)."""
    pre_existing = illness and claim.first_diagnosed <= group.start
    if not pre_existing and waiting_over(group.start, waiting_days, claim.event_date):
        return None, ""
    continued = group.start != contract.effective
    since = f"连续参保起始日 {group.start}" if continued else f"合同生效日 {group.start}"
    if pre_existing:
        return (
            DenialReason.PRE_EXISTING,
            f"疾病首次确诊日 {claim.first_diagnosed} 不晚于{since}，属带病入会，不予救助",
        )
    last = group.start + timedelta(days=waiting_days)
    return (
        DenialReason.WAITING_PERIOD,
        f"事件日 {claim.event_date} 在免责期内（{since}后{waiting_days}日，至 {last}），不予救助",
    )


def _line(
    contract: ContractFact,
    shares: int,
    per_share: Decimal,
    past: list[HistoryLine],
    claim: ClaimFact,
    plan: Plan,
    clauses: tuple[str, ...],
) -> Line | Denial:
    """The amount under one contract for its payable shares, after the P-9 cap."""
    number = contract.contract_no
    kind = claim.kind
    unit = per_share
    amount = unit * shares
    message = f"{kind.label}：{shares}份 × {unit}元 = {amount}元"
    if kind in CAPPED_TYPES:  # P-9
        used = money(sum((h.amount for h in past if h.kind in CAPPED_TYPES), ZERO))
        room = money(plan.death_disability_cap * shares) - used
        if room <= 0:
            return Denial(
                number,
                shares,
                DenialReason.CAP_REACHED,
                f"合同 {number} 身故与伤残已给付 {used}元，已达每份"
                f"{money(plan.death_disability_cap)}元上限",
            )
        if room < amount:
            message += f"；扣除该合同已给付的身故/伤残 {used}元后为 {room}元"
            amount = room
    return Line(number, shares, unit, amount, clauses, message)


def _line_clauses(kind: BenefitType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The clauses a paid line rests on: (without, with) continued shares (P-6)."""
    extra = []
    if kind in ILLNESS_TYPES:
        extra.append("P-8")
    if kind in CAPPED_TYPES:
        extra.append("P-9")
    if kind is BenefitType.ACCIDENT_HOSPITALIZATION:
        extra.append("P-10")
    return ("P-3", "P-4", "P-5", *extra), ("P-3", "P-4", "P-5", "P-6", *extra)
