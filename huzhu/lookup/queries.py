"""What a worker may see of himself (SPEC W-1): his contracts and claims, masked, found by ID
number and name together. A pair that does not match gives exactly the answer of a person
without records, so nobody learns whether an ID number is registered."""

import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, partial
from typing import Any

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from huzhu.claims.engine import DECIDED, cover_ended
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.contracts.models import (
    Contract,
    ContractLine,
    ContractStatus,
    Funding,
    in_force,
    state_on,
)
from huzhu.core import clock
from huzhu.core.bulk import quoted_column, quoted_table
from huzhu.core.product import current_plan
from huzhu.members.models import Member, id_hash
from huzhu.organizations.models import Unit
from huzhu.payments.models import Payment, PaymentStatus
from huzhu.rules.adjudication import ContractFact, CoverEnd, share_groups
from huzhu.rules.identity import clean_name, mask_id, normalize
from huzhu.rules.product import BenefitType, Plan

NOTHING_FOUND = (
    "未查到与该身份证号码和姓名相符的保障记录。如有疑问，请联系所在单位工会或互济会服务窗口。"
)


@dataclass
class ContractView:
    contract_no: str
    funding: str
    unit: str
    effective: date | None
    end: date | None
    shares: int
    in_force: bool
    status: str
    waiting_days_left: int
    waiting_shares: int = 0  # of `shares`, those still in the waiting period
    waiting_for: str = ""  # the benefits whose waiting period `waiting_days_left` counts
    cover_ended: str = ""  # P-7: "all" or "critical_illness" (CoverEnd), "" when nothing ended
    cover_ended_on: date | None = None  # the event date of the claim that ended it


@dataclass
class ClaimView:
    number: str
    kind: str
    event_date: date
    submitted_on: date
    status: str
    status_label: str
    amount: Decimal | None = None
    due_date: date | None = None
    due_provisional: bool = False
    paid: bool = False
    paid_on: date | None = None  # the bank's day of arrival


@dataclass
class Answer:
    """The same shape whether or not the pair matched."""

    id_number: str  # masked
    checked_on: date
    contracts: list[ContractView] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.contracts and not self.claims

    @property
    def message(self) -> str:
        return NOTHING_FOUND if self.empty else ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"message": self.message}


def same_name(given: str, stored: str) -> bool:
    return bool(given) and _name_key(given) == _name_key(stored)


def _name_key(name: str) -> str:
    """A name as compared (W-1): full-width letters folded, cleaned as names are stored, and
    without the middle dot of names such as 阿依古丽·买买提, which some leave out when typing."""
    return clean_name(unicodedata.normalize("NFKC", name)).replace("\u00b7", "")


def find_member(id_number: str, name: str) -> list[tuple[Any, ...]] | None:
    """When the ID number and the name belong together, the member's rows of
    `_member_and_lines_sql`: his id and name, then one of his contract lines shown per row."""
    with connection.cursor() as cursor:
        cursor.execute(_member_and_lines_sql(), [*SHOWN, id_hash(normalize(id_number))])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if not rows or not same_name(name, rows[0][1]):
        return None
    return rows


def lookup(id_number: str, name: str) -> Answer:
    today = clock.today()
    answer = Answer(mask_id(normalize(id_number)), today)
    rows = find_member(id_number, name)
    if rows is None:
        return answer
    claims = list(_claims(rows[0][0]).order_by("-submitted_at"))
    # P-7: asked only of a member with a decided critical illness (most have none)
    ended = cover_ended(rows[0][0]) if any(map(_may_end_cover, claims)) else {}
    answer.contracts = _contracts([row[2:] for row in rows if row[2] is not None], today, ended)
    answer.claims = [_claim(c) for c in claims]
    return answer


def _may_end_cover(claim: dict[str, Any]) -> bool:
    return claim["kind"] == BenefitType.CRITICAL_ILLNESS and claim["status"] in DECIDED


def claim_progress(id_number: str, name: str, claim_no: str) -> ClaimView | None:
    """One claim of the same person by its number; None for a claim of anyone else."""
    rows = find_member(id_number, name)
    if rows is None:
        return None
    claim = _claims(rows[0][0]).filter(number=claim_no.strip()).first()
    return _claim(claim) if claim is not None else None


@cache
def _member_and_lines_sql() -> str:
    """The member with the keyed hash (the last parameter; the first are SHOWN) and the lines of
    his contracts shown, newest first: (member id, name, shares, contract number, funding,
    status, effective, end, unit) per line, or one row with the line columns empty. One
    statement written out by hand: with the ORM this was two queries, and building them took
    longer than running them, on every look-up (issue 7's benchmark)."""
    member, line, contract, unit = (quoted_table(m) for m in (Member, ContractLine, Contract, Unit))
    m, ln, c, u = (partial(quoted_column, m) for m in (Member, ContractLine, Contract, Unit))
    shown = ", ".join(["%s"] * len(SHOWN))
    return (
        f"SELECT m.{m('pk')}, m.{m('name')}, l.{ln('shares')}, "  # noqa: S608 (names from the models)
        f"c.{c('contract_no')}, c.{c('funding')}, c.{c('status')}, c.{c('effective')}, "
        f"c.{c('end')}, u.{u('name')} "
        f"FROM {member} m LEFT JOIN ({line} l "
        f"JOIN {contract} c ON c.{c('pk')} = l.{ln('contract')} AND c.{c('status')} IN ({shown}) "
        f"JOIN {unit} u ON u.{u('pk')} = c.{c('unit')}) ON l.{ln('member')} = m.{m('pk')} "
        f"WHERE m.{m('id_hash')} = %s "
        f"ORDER BY c.{c('effective')} DESC, c.{c('submitted_at')} DESC"
    )


CLAIM_FIELDS = (
    "number",
    "kind",
    "event_date",
    "submitted_at",
    "status",
    "amount",
    "due_date",
    "due_provisional",
    "approved_on",
)
# the states a worker sees (not drafts, not cancelled)
SHOWN = tuple(
    s.value for s in (ContractStatus.SUBMITTED, ContractStatus.ACTIVE, ContractStatus.EXPIRED)
)


def _contracts(
    rows: list[tuple[Any, ...]], today: date, ended: dict[str, tuple[CoverEnd, date]]
) -> list[ContractView]:
    """The lines' rows (shares, number, funding, status, effective, end, unit), newest first;
    `ended`: what the member's critical illnesses ended, per contract number (P-7)."""
    plan = current_plan()
    groups = share_groups(  # P-6: which shares continue an earlier contract, which are new
        [
            ContractFact(number, shares, effective, end)
            for shares, number, _, status, effective, end, _ in rows
            if status != ContractStatus.SUBMITTED and number and effective and end
        ],
        plan,
    )
    views = []
    for shares, number, funding, status, effective, end, unit in rows:
        stopped, since = ended.get(number, (None, None))
        waiting, waiting_for = _longest_wait(plan, stopped)
        # P-3; P-7: a paid critical illness ends every liability of the contract for him
        covered = in_force(status, effective, end, today) and stopped is not CoverEnd.ALL
        left = waiting_shares = 0
        starting = status == ContractStatus.ACTIVE and effective is not None and today <= effective
        for group in groups.get(number, ()) if covered or starting else ():
            # P-5: payable from start + waiting + 1, the start being the chain's for continued
            # shares (P-6): a renewal that added shares has those new ones waiting
            days = (group.start + timedelta(days=waiting + 1) - today).days
            if days > 0:
                left, waiting_shares = max(left, days), waiting_shares + group.count
        views.append(
            ContractView(
                contract_no=number or "（待确认后编号）",
                funding=Funding(funding).label,
                unit=unit,
                effective=effective,
                end=end,
                shares=shares,
                in_force=covered,
                status=ContractStatus(state_on(status, end, today)).label,  # K-4
                waiting_days_left=left,
                waiting_shares=waiting_shares,
                waiting_for=waiting_for if left else "",
                cover_ended=stopped.value if stopped else "",
                cover_ended_on=since,
            )
        )
    return views


def _longest_wait(plan: Plan, stopped: CoverEnd | None) -> tuple[int, str]:
    """P-5 (the settings): the longest waiting period of the benefits the contract still
    covers and their names. A critical illness in the waiting period ended that cover (P-7):
    its waiting period is no longer counted down."""
    waiting = {
        kind: days
        for kind, days in plan.waiting_days.items()
        if not (stopped is CoverEnd.CRITICAL_ILLNESS and kind == BenefitType.CRITICAL_ILLNESS)
    }
    longest = max(waiting.values(), default=0)
    return longest, "、".join(kind.label for kind, days in waiting.items() if days == longest)


def _claims(member: int) -> QuerySet[Claim, dict[str, Any]]:
    # the day the bank confirmed the money arrived (M-2): a worker checks his statement by it
    arrived = Payment.objects.filter(claim=OuterRef("pk"), status=PaymentStatus.PAID)
    claims: QuerySet[Claim, dict[str, Any]] = (
        Claim.objects.filter(member_id=member)
        .annotate(paid_on=Subquery(arrived.values("paid_on")[:1]))
        .values(*CLAIM_FIELDS, "paid_on")
    )
    return claims


def _claim(claim: dict[str, Any]) -> ClaimView:
    status = claim["status"]
    view = ClaimView(
        number=claim["number"],
        kind=BenefitType(claim["kind"]).label,
        event_date=claim["event_date"],
        submitted_on=timezone.localdate(claim["submitted_at"]),
        status=status,
        status_label=ClaimStatus(status).label,
    )
    if claim["approved_on"] is not None:  # approved: paid or to be paid (archived too)
        view.amount = claim["amount"]
        view.due_date = claim["due_date"]
        view.due_provisional = claim["due_provisional"]
        view.paid = status != ClaimStatus.APPROVED
        view.paid_on = claim["paid_on"]
    return view
