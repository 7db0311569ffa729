"""Every write of the free-share programme: loading a year, and deciding an application under
the period's row lock with the pure allocator of huzhu.rules.quota (SPEC §5)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from huzhu.claims.engine import holiday_table
from huzhu.contracts.actions import FREE_PREFIX, contract_number, next_number
from huzhu.contracts.holdings import holdings_of
from huzhu.contracts.models import (
    Contract,
    ContractLine,
    ContractStatus,
    Funding,
    NumberSequence,
)
from huzhu.core import audit, clock
from huzhu.core.bulk import insert_rows, insert_statement, quoted_column, quoted_table
from huzhu.core.models import AuditEntry
from huzhu.core.product import current_plan
from huzhu.members.models import Member, Membership
from huzhu.organizations.models import Unit
from huzhu.quota.models import ApplicationStatus, FreeShareApplication, Programme, QuotaPeriod
from huzhu.rules.dates import contract_end
from huzhu.rules.quota import (
    REASON_MESSAGES,
    Application,
    GrantStatus,
    Period,
    QuotaReason,
    admit,
    applicant_kind,
    find_period,
    grant,
    local_moment,
    open_ledger,
)
from huzhu.rules.roster import participation_problem, peak_shares


class QuotaError(ValueError):
    pass


class NotOnRoster(QuotaError):
    """An application named member codes that are not on the unit's current roster: refused
    before anything is recorded. Dropping them silently would grant the rest, and the unit could
    not apply again this year (Q-3) to add the worker whose code it mistyped."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"以下职工编号不在本单位当前名册上：{'、'.join(codes)}")
        self.codes = codes


def load_programme(
    year: int, budget: Decimal, periods: list[Period], *, actor: Any, support: str = ""
) -> Programme:
    """`huzhu quota-programme load`: a year, its periods (replaced while none has opened) and
    whom units call for help with the online application."""
    with transaction.atomic(durable=True):
        programme, _ = Programme.objects.select_for_update().get_or_create(
            year=year, defaults={"budget": budget}
        )
        if programme.periods.filter(opened=True).exists():
            raise QuotaError(f"{year} 年已有期次开始受理，不能再替换")
        programme.budget, programme.support = budget, support
        programme.save(update_fields=["budget", "support"])
        programme.periods.all().delete()
        QuotaPeriod.objects.bulk_create(
            QuotaPeriod(
                programme=programme,
                no=p.no,
                quota=p.quota,
                opens=p.opens,
                closes=p.closes,
                hours_from=p.hours[0],
                hours_to=p.hours[1],
                working_days_only=p.working_days_only,
                renewal_end_from=p.renewal_end_from,
                renewal_end_to=p.renewal_end_to,
            )
            for p in periods
        )
        audit.record(
            actor,
            "quota.programme.loaded",
            programme,
            after={
                "budget": str(budget),
                "periods": [p.quota for p in periods],
                "support": support,
            },
        )
    return programme


@dataclass
class Standing:
    """What the unit's contracts say: new or renewal, and the current contract's end (Q-2)."""

    kind: str
    current_end: date | None
    in_force: Contract | None


def standing(unit: Unit, day: date, programme: Programme | None) -> Standing:
    """New or renewal by the unit's paid contracts (Q-2, `applicant_kind`)."""
    contracts = list(paid_contracts().filter(unit=unit).order_by("-end"))
    in_force = next((c for c in contracts if c.in_force_on(day)), None)
    latest = contracts[0].end if contracts else None
    periods = [p.rule() for p in programme.periods.all()] if programme is not None else []
    kind, end = applicant_kind(in_force.end if in_force else None, latest, periods)
    return Standing(kind, end, in_force)


def paid_contracts() -> QuerySet[Contract]:
    """The contracts that decide a unit's standing: paid ones, fee confirmed, with an end."""
    return Contract.objects.filter(
        status=ContractStatus.ACTIVE, funding=Funding.PAID, end__isnull=False
    )


@dataclass
class Eligibility:
    members: list[Member] = field(default_factory=list)
    excluded: list[tuple[Member, str]] = field(default_factory=list)


def eligible_members(
    unit: Unit, programme: Programme | None, start: date, *, lock: bool = False
) -> Eligibility:
    """E-5 on the free contract's effective date, one free share per member per year (Q-1), and
    no fourth share (P-2). Roster order decides who is first. With `lock` (a grant), the
    members' rows are held until the transaction ends before their shares are counted, as a
    fee confirmation does: otherwise a paid contract confirmed meanwhile and this grant would
    each count the other's shares as absent and together exceed 3 (P-2)."""
    result = Eligibility()
    roster = list(
        Membership.objects.filter(unit=unit, left__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    ids = [m.member_id for m in roster]
    if lock:
        Member.objects.lock(ids)
    # Q-1: the programme each of the members' contract lines was granted under, read from the
    # members' side only. Filtered on the programme in SQL, the planner started from the
    # programme's applications when it had no statistics for the programme yet (the first
    # weeks of every year), and each application of a window's opening burst read every
    # application before it.
    already: set[int] = set()
    if programme is not None:
        granted_under = ContractLine.objects.filter(member_id__in=ids).values_list(
            "member_id", "contract__free_share_application__programme_id"
        )
        already = {member for member, granted in granted_under if granted == programme.pk}
    held = holdings_of(ids)
    window = (start, contract_end(start))
    plan = current_plan()
    for place in roster:
        member = place.member
        age = member.age_on(start)
        if member.status != "in_service" or not plan.min_age <= age <= plan.max_age:
            result.excluded.append((member, f"生效日 {start} 时{age}周岁或已退休，不符合入会条件"))
        elif member.pk in already:
            result.excluded.append((member, "本年度已获得过普惠名额（每人每年一份）"))
        elif peak_shares(window, held[member.pk]) + 1 > plan.max_shares:
            result.excluded.append((member, "已持有3份，不能再获赠（每人最多3份）"))
        else:
            result.members.append(member)
    return result


def _current_period(moment: datetime) -> QuotaPeriod | None:
    day = local_moment(moment).date()
    periods = list(
        QuotaPeriod.objects.select_related("programme")
        .prefetch_related("programme__periods")
        .filter(opens__lte=day, closes__gte=day)
    )
    rule = find_period([p.rule() for p in periods], moment)
    return next((p for p in periods if rule is not None and p.no == rule.no), None)


def _open(period: QuotaPeriod) -> None:
    """Q-5: when a period takes its first application, it (and any earlier period that took
    none) starts with what the previous period left over or overdrew."""
    if period.opened:
        return
    previous: QuotaPeriod | None = None
    for earlier in QuotaPeriod.objects.filter(
        programme=period.programme, no__lte=period.no
    ).order_by("no"):
        current = period if earlier.pk == period.pk else earlier
        if not current.opened:
            ledger = open_ledger(current.rule(), previous.ledger() if previous else None)
            current.rollover_in, current.advance_deducted = (
                ledger.rollover_in,
                ledger.advance_deducted,
            )
            current.opened = True
            current.save(update_fields=["rollover_in", "advance_deducted", "opened"])
        previous = current


def apply_for_free_shares(
    unit: Unit, chosen: list[str] | None, *, actor: Any
) -> FreeShareApplication:
    """Decide one application, first come first served (Q-3, Q-4, Q-7). Everything that does not
    depend on the quota is checked first, without the period lock; only the grant itself runs
    under the lock, with the receipt instant taken there, so grants are exact under any load.
    `chosen` lists member codes (each must be on the roster: NotOnRoster); None means every
    eligible member of the roster. Listed members who cannot have a free share are left out,
    and the answer's `left_out` names them with the reason: refusing the whole application
    would cost the others their place in the queue, and these members could not have one."""
    with transaction.atomic(durable=True):
        Unit.objects.select_for_update(no_key=True).get(pk=unit.pk)  # one application at a time
        arrived = clock.now()
        period = _current_period(arrived)
        if period is None:
            return _refuse(unit, None, actor, QuotaReason.WINDOW_CLOSED, 0)
        today = local_moment(arrived).date()
        place = standing(unit, today, period.programme)
        start = place.in_force.end if place.in_force and place.in_force.end else today  # K-6
        eligibility = eligible_members(unit, period.programme, start, lock=True)
        members = eligibility.members
        left_out: tuple[tuple[str, str], ...] = ()  # listed, but cannot have one
        if chosen is not None:
            wanted = set(chosen)
            listed = {m.code for m in members} | {m.code for m, _ in eligibility.excluded}
            if unknown := sorted(wanted - listed):
                raise NotOnRoster(unknown)
            members = [m for m in members if m.code in wanted]
            left_out = tuple((m.code, why) for m, why in eligibility.excluded if m.code in wanted)
        reason = _admission(unit, period, place, members, arrived)
        message = None
        if reason is None and (message := participation_shortfall(unit, len(members))):
            reason = QuotaReason.NOT_ELIGIBLE  # not eligible by E-3
        if reason is None and period.opened and period.remaining <= 0:
            reason = QuotaReason.QUOTA_EXHAUSTED  # the channel is closed: no need to queue
        answer = (
            _refuse(unit, period, actor, reason, len(members), place, arrived, message)
            if reason is not None
            else _grant(_Asked(unit, place, members, start, actor), period)
        )
        answer.left_out = left_out
        return answer


def _admission(
    unit: Unit, period: QuotaPeriod, place: Standing, members: list[Member], moment: datetime
) -> QuotaReason | None:
    """Q-2, Q-3, Q-6: why the application cannot be considered, or None."""
    already = FreeShareApplication.objects.filter(
        programme=period.programme,
        unit=unit,
        status__in=[ApplicationStatus.GRANTED, ApplicationStatus.PARTIAL],
    ).exists()
    request = Application(
        "", unit.code, place.kind, place.current_end, max(len(members), 1), moment
    )
    return admit(period.rule(), request, unit_already_granted=already, table=holiday_table())


def participation_shortfall(unit: Unit, members: int) -> str | None:
    """E-3 (Q-6 not_eligible): why `members` eligible workers are too few for the unit to
    apply, or None. Its own message: the period's not_eligible text speaks of renewal ranges,
    and told a unit refused for too few workers to apply in another period."""
    if not members:
        return "名册上没有可获赠普惠名额的职工（年龄、在职状态、每人每年一份、每人最多3份）"
    return participation_problem(members, unit.member_count, "可获赠的职工", current_plan())


@dataclass
class _Asked:
    """An application admitted before the lock: the unit, its standing, the members asked
    for (eligible, in roster order), the free contract's start (K-6) and who applies."""

    unit: Unit
    place: Standing
    members: list[Member]
    start: date
    actor: Any


def _grant(asked: _Asked, current: QuotaPeriod) -> FreeShareApplication:
    """The critical section: lock the period, take the receipt instant, grant, record."""
    last = current.no == max(p.no for p in current.programme.periods.all())
    if connection.vendor == "postgresql" and current.opened:
        done = _grant_at_once(asked, current, last=last)
        if done is not None:
            return done
    # FOR NO KEY UPDATE of the period row only: rows that merely reference the period or the
    # programme (refusals being recorded) do not wait for the grant, and cannot deadlock with it.
    locked = QuotaPeriod.objects.select_for_update(no_key=True, of=("self",))
    period = locked.select_related("programme").get(pk=current.pk)
    _open(period)
    decided = _decide(asked, period, last=last, number=next_number)
    if isinstance(decided, FreeShareApplication):
        return decided
    period.save(update_fields=["granted"])
    decided.contract.save()
    # COPY: this runs under the period lock, and a unit of 10,000 workers held it 0.2 s longer
    # through bulk_create
    insert_rows(
        ContractLine,
        ["contract", "member", "shares"],
        ((decided.contract.pk, m.pk, 1) for m in decided.members),
    )
    decided.application.save()
    AuditEntry.objects.bulk_create(decided.entries)
    return decided.application


@dataclass
class _Decided:
    """A grant decided under the lock and not yet written: its PB contract (numbered), the
    members on it, the application and the audit entries."""

    contract: Contract
    members: list[Member]
    application: FreeShareApplication
    entries: list[AuditEntry]


def _decide(
    asked: _Asked,
    period: QuotaPeriod,
    *,
    last: bool,
    number: Callable[[Contract, date], str],
) -> FreeShareApplication | _Decided:
    """Under the period's lock, with its row just read: the receipt instant, the pure
    allocator's answer (Q-4), and either the refusal (recorded) or the grant to write, with
    the period's count moved on."""
    unit, start, actor = asked.unit, asked.start, asked.actor
    receipt = clock.now()
    status, count, ledger = grant(period.ledger(), len(asked.members), last_period=last)
    if status == GrantStatus.REFUSED:
        return _refuse(
            unit,
            period,
            actor,
            QuotaReason.QUOTA_EXHAUSTED,
            len(asked.members),
            asked.place,
            receipt,
        )
    period.granted = ledger.granted
    contract = _free_contract(unit, start, count, actor)
    contract.contract_no = number(contract, start)
    application = FreeShareApplication(
        programme=period.programme,
        period=period,
        unit=unit,
        submitted_by=_user(actor),
        submitted_at=receipt,
        kind=asked.place.kind,
        current_end=asked.place.current_end,
        requested=len(asked.members),
        status=status.value,
        granted=count,
        contract=contract,
        message=f"获得 {count} 个名额，合同 {contract.contract_no}",
    )
    after = {"contract_no": contract.contract_no, "shares": count, "effective": str(start)}
    granted = {
        "period": period.no,
        "granted": count,
        "contract": contract.contract_no,
        "remaining": period.remaining,
    }
    entries = [
        audit.build(actor, "contracts.contract.granted_free", contract, after=after),
        audit.build(actor, "quota.application.granted", application, after=granted),
    ]
    return _Decided(contract, asked.members[:count], application, entries)


def _free_contract(unit: Unit, start: date, shares: int, actor: Any) -> Contract:
    """K-2, K-6: the PB contract of a grant, one share per granted member, active at once and
    free (K-3); numbered by the caller."""
    user, now = _user(actor), clock.now()
    return Contract(
        unit=unit,
        funding=Funding.FREE,
        status=ContractStatus.ACTIVE,
        effective=start,
        end=contract_end(start),
        total_shares=shares,
        fee=Decimal("0.00"),
        created_by=user,
        confirmed_at=now,
        confirmed_by=user,
        submitted_at=now,
    )


def _grant_at_once(
    asked: _Asked, period: QuotaPeriod, *, last: bool
) -> FreeShareApplication | None:
    """The same grant in three round trips on PostgreSQL (Q-7 under a burst): one statement
    locks and reads the period's row and the row of the year's PB numbers, the pure allocator
    decides (Q-4), one statement writes the period, the number, the PB contract with its lines,
    the application and both audit entries, and the commit ends the section. Through the ORM
    the section made eleven round trips and held the period 6 ms alone and 13 ms in a burst,
    while every other grant queued behind it. None when the year has no PB number yet (the
    ORM path creates its row) or the period has not opened (the ORM path opens it, Q-5)."""
    pt, st = quoted_table(QuotaPeriod), quoted_table(NumberSequence)
    p, s = partial(quoted_column, QuotaPeriod), partial(quoted_column, NumberSequence)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.{p('quota')}, p.{p('rollover_in')}, p.{p('advance_deducted')}, "  # noqa: S608 (names from the models)
            f"p.{p('granted')}, p.{p('opened')}, s.{s('last')} FROM {pt} p, {st} s "
            f"WHERE p.{p('pk')} = %s AND s.{s('prefix')} = %s AND s.{s('year')} = %s "
            "FOR NO KEY UPDATE OF p FOR UPDATE OF s",
            [period.pk, FREE_PREFIX, asked.start.year % 100],
        )
        row = cursor.fetchone()
        if row is None or not row[4]:
            return None
        period.quota, period.rollover_in, period.advance_deducted, period.granted = row[:4]
        yy, taken = asked.start.year % 100, row[5] + 1

        def number(contract: Contract, start: date) -> str:
            return contract_number(FREE_PREFIX, yy, taken)

        decided = _decide(asked, period, last=last, number=number)
        if isinstance(decided, FreeShareApplication):
            return decided
        contract, application = decided.contract, decided.application
        parts = {
            "period_row": (
                f"UPDATE {pt} SET {p('granted')} = %s WHERE {p('pk')} = %s",  # noqa: S608
                [period.granted, period.pk],
            ),
            "number_row": (
                f"UPDATE {st} SET {s('last')} = %s WHERE {s('prefix')} = %s AND {s('year')} = %s",  # noqa: S608
                [taken, FREE_PREFIX, yy],
            ),
            "new_contract": _inserted(contract),
            "new_lines": _lines_of_new_contract([m.pk for m in decided.members]),
            "new_application": _inserted(application, contract="(SELECT id FROM new_contract)"),
            **{f"entry{i}": insert_statement(e) for i, e in enumerate(decided.entries)},
        }
        # the parts of one WITH all run, in one snapshot; the keys of the lines and the
        # application to the new contract are checked at the statement's end
        cursor.execute(
            "WITH "  # noqa: S608 (names from the models)
            + ", ".join(f"{name} AS ({text})" for name, (text, _) in parts.items())
            + " SELECT new_contract.id, new_application.id FROM new_contract, new_application",
            [value for _, values in parts.values() for value in values],
        )
        contract.pk, application.pk = cursor.fetchone()
    for saved in (contract, application, *decided.entries):
        saved._state.adding, saved._state.db = False, connection.alias
    application.contract = contract  # the key the statement gave it
    return application


def _inserted(obj: Contract | FreeShareApplication, **computed: str) -> tuple[str, list[Any]]:
    """The insert of `obj`, giving back its new key as `id`."""
    text, values = insert_statement(obj, computed=computed)
    return f"{text} RETURNING {quoted_column(type(obj), 'pk')} AS id", values


def _lines_of_new_contract(member_keys: list[int]) -> tuple[str, list[Any]]:
    """The lines (one share each) of the contract that `new_contract` inserts."""
    line = partial(quoted_column, ContractLine)
    return (
        f"INSERT INTO {quoted_table(ContractLine)} "  # noqa: S608 (names from the models)
        f"({line('contract')}, {line('member')}, {line('shares')}) "
        "SELECT new_contract.id, member, 1 FROM new_contract, unnest(%s::bigint[]) AS member",
        [member_keys],
    )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _refuse(
    unit: Unit,
    period: QuotaPeriod | None,
    actor: Any,
    reason: QuotaReason,
    requested: int,
    place: Standing | None = None,
    receipt: datetime | None = None,
    message: str | None = None,
) -> FreeShareApplication:
    if message is None:
        message = period.rule().message(reason) if period else REASON_MESSAGES[reason]
    application = FreeShareApplication.objects.create(
        programme=period.programme if period else None,
        period=period,
        unit=unit,
        submitted_by=_user(actor),
        submitted_at=receipt or clock.now(),
        kind=place.kind if place else "new",
        current_end=place.current_end if place else None,
        requested=requested,
        status=ApplicationStatus.REFUSED,
        reason=reason.value,
        message=message,
    )
    audit.record(
        actor,
        "quota.application.refused",
        application,
        after={"reason": reason.value, "period": period.no if period else None},
    )
    return application
