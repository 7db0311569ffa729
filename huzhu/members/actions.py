"""Every write to members: roster import (all-or-nothing by default) and logged reveals."""

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from huzhu.accounts.models import Duty, User
from huzhu.core import audit, clock, crypto
from huzhu.core.bulk import (
    dates_as_text,
    gc_paused,
    insert_rows,
    keys_in,
    literal,
    lookup_pks,
    reserve_pks,
    update_rows,
)
from huzhu.core.models import AuditEntry
from huzhu.members.checks import ImportReport, check_roster, check_share_cap, default_start
from huzhu.members.models import (
    CONSENT_WITHDRAWN,
    NOTICE_VERSION,
    Member,
    Membership,
    card_hash,
    new_member_code,
)
from huzhu.members.spreadsheet import roster_workbook
from huzhu.organizations.models import Unit
from huzhu.rules.identity import mask_card
from huzhu.rules.roster import STATUSES, CellIssue, RosterRow

CONSENT_METHOD = "单位上传名册时确认已取得职工书面单独同意"
REPLACE_PARTIAL = "名册以本文件为准时，文件须每一行都通过校验（否则有错误行的职工会被误移出名册）"
REPLACED_REASON = "名册以新上传的文件为准，文件中没有该职工"
CONFLICT = "导入期间名册中的职工刚被另一次导入登记，本次未保存任何数据，请重新导入"


def import_roster(
    unit: Unit,
    data: bytes,
    *,
    actor: Any,
    effective: date | None = None,
    accept_valid: bool = False,
    dry_run: bool = False,
    annotate: bool = True,
    replace: bool = False,
) -> ImportReport:
    """Import a roster into `unit`: all-or-nothing unless `accept_valid`; nothing is written
    when `dry_run`. Members are upserted by ID number; each joins the unit's roster with the
    planned shares (a member moving from another unit leaves it). With `replace` the file is
    the whole roster: the unit's workers it does not list leave it (K-5: leavers are not
    carried into the renewal); that needs every row accepted. A refused file comes with its
    annotated workbook unless `annotate` is false."""
    start = effective or default_start(unit)
    with gc_paused():
        report, rows, _ = check_roster(data, effective=start, annotate=annotate, unit=unit)
        good = [r for r in rows if r.ok]
        if replace and report.errors:  # a refused row's worker would be taken off
            if accept_valid:
                report.errors.append(CellIssue(0, "", "replace_partial", REPLACE_PARTIAL))
            return report
        if dry_run or not good or (report.errors and not accept_valid):
            return report
        try:
            with transaction.atomic(durable=True):
                report.created, report.updated = _save(unit, good, actor)
                if replace:
                    report.left = _leave_unlisted(unit, good, actor)
        except IntegrityError:  # a member of this file was registered meanwhile by another import
            report.errors.append(CellIssue(0, "", "conflict", CONFLICT))
            return report
    report.saved = True
    return report


def _save(unit: Unit, rows: list[RosterRow], actor: Any) -> tuple[int, int]:
    today = clock.today()
    by_hash = {r.digest: r for r in rows if r.digest}
    known = [r.member_id for r in rows if r.member_id is not None]  # found by the P-2 check
    updated: dict[str, int] = {}  # id hash → member, of those registered before
    joining: set[int] = set()  # of those, the ones not yet on this unit's roster
    for start in range(0, len(known), CHUNK):  # memory stays flat however large the roster
        chunk = known[start : start + CHUNK]
        done, new_here = _update_members(unit, chunk, by_hash, today, actor)
        updated |= done
        joining |= new_here
    created, codes = _insert_members([(d, row) for d, row in by_hash.items() if d not in updated])
    ids = updated | created
    joined = literal(today)
    insert_rows(  # in the file's order: roster order decides who is first for free shares
        Membership,
        ["member", "unit", "shares", "joined"],
        (
            (ids[d], unit.pk, row.shares, joined)
            for d, row in by_hash.items()
            if d in created or ids[d] in joining
        ),
    )
    summary = {"created": sorted(codes), "updated": len(updated), "rows": len(rows)}
    audit.record(actor, "members.roster.imported", unit, after=summary)
    return len(created), len(updated)


def _leave_unlisted(unit: Unit, rows: list[RosterRow], actor: Any) -> int:
    """`replace`: the unit's workers the file does not list leave its roster today, each
    audited as a leaver."""
    listed = {r.digest for r in rows if r.digest}
    places = [
        place
        for place in Membership.objects.select_for_update(of=("self",))
        .filter(unit=unit, left__isnull=True)
        .select_related("member")
        .only("pk", "shares", "left", "member__code", "member__name", "member__id_hash")
        .order_by("member_id")
        if place.member.id_hash not in listed
    ]
    today = clock.today()
    for place in places:
        place.left = today
    update_rows(Membership, ["left"], places)
    AuditEntry.objects.bulk_create(
        [
            audit.build(
                actor,
                "members.member.left",
                place.member,
                before={"unit": unit.code, "shares": place.shares},
                after={"unit": None, "reason": REPLACED_REASON},
            )
            for place in places
        ],
        batch_size=2000,
    )
    return len(places)


CHUNK = 5000  # members already registered are updated this many at a time


def _update_members(
    unit: Unit, member_ids: list[int], by_hash: dict[str, RosterRow], today: date, actor: Any
) -> tuple[dict[str, int], set[int]]:
    """Members already registered: refreshed from their rows, their shares on this unit's
    roster updated, moves from another unit closed, each change audited. Returns {ID hash:
    member} and the members still to join this unit's roster."""
    members = list(
        Member.objects.select_for_update()
        .filter(pk__in=keys_in(member_ids))
        .only("pk", "code", "id_hash", *MEMBER_FIELDS)  # the ID number is neither read nor written
        .order_by("pk")  # locked in key order, as everyone locks members: no deadlock
    )
    entries = [_refresh_member(m, by_hash[m.id_hash], actor) for m in members]
    update_rows(Member, MEMBER_FIELDS, members)
    shares = {m.pk: by_hash[m.id_hash].shares for m in members}
    moved, joining = _place_on_roster(unit, shares, today, actor, {m.pk: m for m in members})
    AuditEntry.objects.bulk_create([e for e in entries if e is not None] + moved, batch_size=2000)
    return {m.id_hash: m.pk for m in members}, joining


MEMBER_FIELDS = [
    "name",
    "mobile",
    "status",
    "tags",
    "consent_version",
    "consent_date",
    "consent_method",
    "bank_card",
    "bank_card_hash",
    "updated_at",
]


def _row_values(row: RosterRow) -> dict[str, Any]:
    """What a roster row says about a member (the ID number itself never changes)."""
    card = row.card.number if row.card else ""
    return {
        "name": row.name,
        "mobile": row.mobile,
        "status": row.status,
        "tags": list(row.tags),
        "bank_card": card,
        "bank_card_hash": card_hash(card),
        "consent_version": NOTICE_VERSION,
        "consent_date": clock.today(),
        "consent_method": CONSENT_METHOD,
        "updated_at": clock.now(),
    }


def _refresh_member(member: Member, row: RosterRow, actor: Any) -> AuditEntry | None:
    """Apply a row to an existing member; the audit entry when anything changed."""
    before = audit.snapshot(member, Member.AUDITED_FIELDS)
    old_card = member.bank_card
    for name, value in _row_values(row).items():
        setattr(member, name, value)
    after = audit.snapshot(member, Member.AUDITED_FIELDS)
    if old_card != member.bank_card:
        before, after = (
            before | {"bank_card": mask_card(old_card)},
            after | {"bank_card": member.masked_card},
        )
    if before == after:
        return None
    return audit.build(actor, "members.member.updated", member, before=before, after=after)


NEW_MEMBER_FIELDS = [
    "code",
    "name",
    "id_number",
    "id_hash",
    "birth_date",
    "sex",
    "mobile",
    "bank_card",
    "bank_card_hash",
    "status",
    "tags",
    "consent_version",
    "consent_date",
    "consent_method",
    "created_at",
    "updated_at",
]


def _insert_members(rows: list[tuple[str, RosterRow]]) -> tuple[dict[str, int], list[str]]:
    """New members in one COPY (PostgreSQL, ids reserved first so values are encrypted while
    the server is already writing) or one executemany: ({id hash: row id}, codes)."""
    now, today = literal(clock.now()), literal(clock.today())
    as_text = dates_as_text()  # asked once, not for every row
    codes = [new_member_code() for _ in rows]
    pks = reserve_pks(Member, len(rows))

    def values() -> Iterator[tuple[object, ...]]:
        for index, (digest, row) in enumerate(rows):
            person, card = row.person, row.card
            if person is None or card is None:  # pragma: no cover - only valid rows get here
                raise ValueError("row without a person")
            head = (pks[index],) if pks is not None else ()
            yield (
                *head,
                codes[index],
                row.name,
                crypto.encrypt(person.number),
                digest,
                person.birth_date.isoformat() if as_text else person.birth_date,
                person.sex,
                row.mobile,
                crypto.encrypt(card.number),
                card_hash(card.number),
                row.status,
                json.dumps(list(row.tags), ensure_ascii=False) if row.tags else "[]",
                NOTICE_VERSION,
                today,
                CONSENT_METHOD,
                now,
                now,
            )

    if pks is not None:
        insert_rows(Member, ["pk", *NEW_MEMBER_FIELDS], values())
        return {digest: pk for (digest, _), pk in zip(rows, pks, strict=True)}, codes
    insert_rows(Member, NEW_MEMBER_FIELDS, values())
    return dict(lookup_pks(Member, "id_hash", [digest for digest, _ in rows])), codes


def _place_on_roster(
    unit: Unit, shares: dict[int, int], today: date, actor: Any, members: dict[int, Member]
) -> tuple[list[AuditEntry], set[int]]:
    """Members already registered and this unit's roster: kept (shares updated) or moved from
    another unit (which they leave today). Returns the audit entries of the moves and the
    members that are to join (the caller writes every new place in the file's order)."""
    current = {
        m.member_id: m
        for m in Membership.objects.select_for_update(of=("self",))
        .filter(member__in=keys_in(list(shares)), left__isnull=True)
        .only("pk", "member_id", "unit_id", "shares", "left")
    }
    keep: list[Membership] = []
    leave: list[Membership] = []
    join: set[int] = set()
    for member_id, count in shares.items():
        membership = current.get(member_id)
        if membership is not None and membership.unit_id == unit.pk:
            membership.shares = count
            keep.append(membership)
            continue
        if membership is not None:
            membership.left = today
            leave.append(membership)
        join.add(member_id)
    units = dict(Unit.objects.filter(pk__in={m.unit_id for m in leave}).values_list("pk", "code"))
    update_rows(Membership, ["shares"], keep)
    update_rows(Membership, ["left"], leave)
    moves = [
        audit.build(
            actor,
            "members.member.moved",
            members[m.member_id],
            before={"unit": units[m.unit_id]},
            after={"unit": unit.code},
        )
        for m in leave
    ]
    return moves, join


WITHDRAWS_CONSENT = "撤回个人信息同意"
DIED = "去世"
LEAVE_REASONS = ("离职", "退休", "调出本单位", DIED, WITHDRAWS_CONSENT, "其他")
STATUS_ON_LEAVING = {"退休": Member.Status.RETIRED, DIED: Member.Status.DECEASED}  # E-5


def leave_roster(unit: Unit, member: Member, *, actor: Any, reason: str) -> Membership:
    """A worker leaves the unit's roster today (K-5: a renewal's roster is today's roster, so a
    leaver is not carried into it). His contracts are not touched: cover already paid for runs
    to its end (K-4), and claims for events in it can still be filed (P-12). One who retires is
    recorded as retired, one who died as deceased (E-5: no longer eligible, and a roster
    upload still listing him is refused). One who withdraws his consent to the
    processing of his data (E-4, PIPL art. 29) has the withdrawal recorded with the day: he is in
    no enrolment, renewal or free-share application from then on, until a roster upload confirms
    a fresh consent."""
    if reason not in LEAVE_REASONS:
        raise ValueError(f"移出原因应为：{'、'.join(LEAVE_REASONS)}")
    with transaction.atomic(durable=True):
        place, worker = _locked_place(unit, member)
        place.left = clock.today()
        place.save(update_fields=["left"])
        before = {"unit": unit.code, "shares": place.shares, "status": worker.status}
        if reason in STATUS_ON_LEAVING:
            worker.status = STATUS_ON_LEAVING[reason]
            worker.save(update_fields=["status"])
        after = {"unit": None, "reason": reason, "status": worker.status}
        if reason == WITHDRAWS_CONSENT:
            before["consent"] = f"{worker.consent_date:%Y-%m-%d} {worker.consent_method}"
            worker.consent_date, worker.consent_method = clock.today(), CONSENT_WITHDRAWN
            worker.save(update_fields=["consent_date", "consent_method"])
            after["consent"] = f"{worker.consent_date:%Y-%m-%d} {CONSENT_WITHDRAWN}"
        audit.record(actor, "members.member.left", worker, before=before, after=after)
    return place


def record_death(member: Member, *, actor: Any, claim_number: str) -> None:
    """A death claim's papers (死亡证明) were checked at its registration (C-3, C-4): the member
    is recorded as deceased and leaves the roster he is on today, so no renewal, enrolment or
    free-share application carries him on (E-5) and a roster upload still listing him is
    refused. Runs inside the registration's transaction; the member is locked after the claim,
    as an approval locks him."""
    worker = Member.objects.select_for_update().get(pk=member.pk)
    if worker.status == Member.Status.DECEASED:
        return
    place = (
        Membership.objects.select_for_update()
        .filter(member=worker, left__isnull=True)
        .select_related("unit")
        .first()
    )
    before: dict[str, Any] = {"status": worker.status}
    after: dict[str, Any] = {"status": Member.Status.DECEASED, "claim": claim_number}
    if place is not None:
        place.left = clock.today()
        place.save(update_fields=["left"])
        before |= {"unit": place.unit.code, "shares": place.shares}
        after |= {"unit": None, "reason": DIED}
    worker.status = Member.Status.DECEASED
    worker.updated_at = clock.now()
    worker.save(update_fields=["status", "updated_at"])
    audit.record(actor, "members.member.deceased", worker, before=before, after=after)


REVOKE_DUTY = Duty.REGISTRAR  # who registers death claims corrects a death recorded by mistake


def revoke_death(member: Member, *, actor: Any, reason: str) -> None:
    """A death recorded by mistake (the wrong worker's death claim registered, or 去世 chosen for
    离职) is taken back by staff of the registration duty, with a written reason: the member is
    in service again, so a roster may list him; no roster place comes back by itself (his unit
    uploads him). Refusals raise ValueError in Chinese; PermissionDenied for other users."""
    if not (isinstance(actor, User) and actor.has_duty(REVOKE_DUTY)):
        raise PermissionDenied("只有负责查验登记的互济会工作人员可以撤销身故记录")
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("撤销身故记录须说明原因")
    with transaction.atomic(durable=True):
        worker = Member.objects.select_for_update().get(pk=member.pk)
        if worker.status != Member.Status.DECEASED:
            raise ValueError(f"{worker.name} 未登记身故")
        worker.status, worker.updated_at = Member.Status.IN_SERVICE, clock.now()
        worker.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            "members.member.death_revoked",
            worker,
            before={"status": Member.Status.DECEASED},
            after={"status": worker.status, "reason": reason[:200]},
        )


def _locked_place(unit: Unit, member: Member) -> tuple[Membership, Member]:
    """The member's current place on the unit's roster and the member, locked; refused when he
    is not on it. The member's row is locked first, as an import, a fee confirmation or a claim
    approval lock members before anything else: the other order could deadlock with them."""
    worker = Member.objects.select_for_update().get(pk=member.pk)
    place = (
        Membership.objects.select_for_update()
        .filter(unit=unit, member=member, left__isnull=True)
        .first()
    )
    if place is None:
        raise ValueError(f"{member.name} 不在本单位名册上")
    return place, worker


def correct_member(unit: Unit, member: Member, changes: RosterRow, *, actor: Any) -> bool:
    """A roster manager's correction of one worker on the unit's roster (`validate_changes`):
    name, phone, bank card (kept when none is given), special groups and planned shares, the
    shares checked against every contract as an import's row is (P-2). Audited with masked card
    numbers; returns whether anything changed. Refusals raise ValueError in Chinese."""
    if changes.errors:
        raise ValueError("；".join(issue.message for issue in changes.errors))
    with transaction.atomic(durable=True):
        place, worker = _locked_place(unit, member)
        if changes.shares > place.shares:  # fewer shares cannot break the cap
            changes.digest = worker.id_hash
            check_share_cap([changes], default_start(unit), unit)
            if changes.errors:
                raise ValueError(changes.errors[0].message)
        before = audit.snapshot(worker, Member.AUDITED_FIELDS) | {"shares": place.shares}
        old_card = worker.bank_card
        worker.name, worker.mobile, worker.tags = changes.name, changes.mobile, list(changes.tags)
        if changes.card is not None and changes.card.number != old_card:
            worker.bank_card = changes.card.number
            worker.bank_card_hash = card_hash(changes.card.number)
        after = audit.snapshot(worker, Member.AUDITED_FIELDS) | {"shares": changes.shares}
        if worker.bank_card != old_card:
            before["bank_card"], after["bank_card"] = mask_card(old_card), worker.masked_card
        if before == after:
            return False
        worker.updated_at = clock.now()
        worker.save(
            update_fields=["name", "mobile", "tags", "bank_card", "bank_card_hash", "updated_at"]
        )
        place.shares = changes.shares
        place.save(update_fields=["shares"])
        audit.record(actor, "members.member.updated", worker, before=before, after=after)
    return True


def export_roster(unit: Unit, *, actor: Any) -> bytes:
    """The unit's current roster in the template's columns and roster order, to edit and upload
    again (the renewal's 名册以本文件为准). It holds the full ID and card numbers the import
    needs: an unmasked view of every worker on it, audited with their member codes."""
    places = (
        Membership.objects.filter(unit=unit, left__isnull=True)
        .select_related("member")
        .only("shares", *(f"member__{name}" for name in EXPORTED_FIELDS))
        .order_by("pk")  # roster order: who comes first for free shares
    )
    codes: list[str] = []
    statuses = {value: label for label, value in STATUSES.items()}

    def rows() -> Iterator[tuple[str, ...]]:
        for place in places.iterator(chunk_size=2000):
            member = place.member
            codes.append(member.code)
            yield (
                member.name,
                str(member.id_number),
                member.mobile,
                str(member.bank_card),
                str(place.shares),
                statuses.get(member.status, member.status),
                "、".join(member.tags),
            )

    data = roster_workbook(rows())
    audit.record(
        actor, "members.roster.exported", unit, after={"rows": len(codes), "members": codes}
    )
    return data


EXPORTED_FIELDS = ("code", "name", "id_number", "mobile", "bank_card", "status", "tags")


def reveal(member: Member, what: str, *, actor: Any) -> str:
    """The full ID or card number, for a role that needs it; every reveal is logged."""
    value = str(member.id_number if what == "id_number" else member.bank_card)
    audit.record(actor, f"members.member.{what}_revealed", member, after={"field": what})
    return value
