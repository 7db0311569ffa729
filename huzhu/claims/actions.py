"""Every write to claims (SPEC §6): intake, documents, and each workflow transition, each in
one transaction with its audit entry."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet

from huzhu.accounts.models import Role, User
from huzhu.claims import engine, uploads
from huzhu.claims.access import require_filer
from huzhu.claims.checklist import STATEMENTS, checklist
from huzhu.claims.facts import ClaimFacts, check_facts
from huzhu.claims.models import (
    Claim,
    ClaimDocument,
    ClaimLine,
    ClaimStatus,
    Holiday,
    HolidayYear,
)
from huzhu.claims.register import register_workbook
from huzhu.claims.twins import same_event
from huzhu.claims.workflow import TRANSITIONS, allowed
from huzhu.contracts.actions import take_sequence
from huzhu.contracts.models import Contract, ContractLine, ContractStatus
from huzhu.core import audit, clock
from huzhu.core.errors import StepRefused
from huzhu.core.models import AuditEntry
from huzhu.members.actions import record_death
from huzhu.members.models import Member
from huzhu.organizations.models import Unit
from huzhu.rules.adjudication import DenialReason
from huzhu.rules.identity import (
    clean_name,
    mask_card,
    mask_id,
    normalize,
)
from huzhu.rules.money import money, split
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, DEATH_TYPES
from huzhu.rules.workdays import add_working_days

PAYMENT_WORKING_DAYS = 10  # C-5


class ClaimError(StepRefused):
    """A refused claim step."""


def next_claim_number(year: int) -> str:
    """JZ + year + 6-digit sequence (issue 5), from a locked per-year sequence row."""
    return f"JZ{year}{take_sequence('JZ', year):06d}"


def submit_claim(member: Member, facts: ClaimFacts, *, actor: Any) -> Claim:
    """Intake (C-1..C-3): the claim, its numbered record and its document checklist."""
    today = clock.today()
    problems = check_facts(facts, today, member.birth_date)
    if (late := after_death(member, facts.event_date)) is not None:
        problems.append(late)
    unit = filing_unit(member, facts.event_date)
    if unit is None:
        problems.append("该职工不在任何单位的名册上")
    elif getattr(actor, "role", None) == Role.UNIT_OFFICER and unit.pk != actor.unit_id:
        problems.append("该职工不在本单位名册上，请由其所在单位或到互济会服务窗口申请")
    if problems or unit is None:
        raise ClaimError(problems)
    with transaction.atomic(durable=True):
        values = _values(facts)
        claim = Claim.objects.create(
            number=next_claim_number(today.year),
            member=member,
            unit=unit,
            filed_by=actor if getattr(actor, "pk", None) else None,
            submitted_at=clock.now(),
            **values,
        )
        ClaimDocument.objects.bulk_create(
            ClaimDocument(claim=claim, item=i.code, label=i.label, required=i.required)
            for i in checklist(facts.kind, facts.circumstance)
        )
        audit.record(actor, "claims.claim.submitted", claim, after=_snapshot(claim))
    return claim


# a death claim past 查验登记 (its 死亡证明 checked) dates the member's death, whatever came after
DEATH_CHECKED = (
    ClaimStatus.REGISTERED,
    ClaimStatus.REVIEWED,
    ClaimStatus.APPROVED,
    ClaimStatus.REJECTED,
    ClaimStatus.PAID,
    ClaimStatus.ARCHIVED,
)


def after_death(member: Member, event_date: date) -> str | None:
    """Why an event dated after the member's recorded death cannot be (a typo in the date, or
    the wrong worker chosen); None when it can."""
    if member.status != Member.Status.DECEASED:
        return None
    death = (
        Claim.objects.filter(member=member, kind__in=DEATH_TYPES, status__in=DEATH_CHECKED)
        .order_by("event_date")
        .first()
    )
    if death is None or event_date <= death.event_date:
        return None
    return (
        f"该职工已于 {death.event_date} 身故（救助申请 {death.number}），"
        f"事件日期 {event_date} 不能晚于身故日期，请核对日期或职工"
    )


def filing_unit(member: Member, event_date: date) -> Unit | None:
    """C-2: the unit that files for the member: the unit whose roster he is on; for a worker
    who has left it (P-12: claims may come after cover ended), the unit whose contract covered
    the event day, else the unit he was last on."""
    current = member.current_membership
    if current is not None:
        return current.unit
    lines = (
        ContractLine.objects.filter(member=member, contract__status=ContractStatus.ACTIVE)
        .select_related("contract__unit")
        .order_by("contract__effective", "contract__pk")
    )
    covering = next((x.contract for x in lines if x.contract.in_force_on(event_date)), None)
    if covering is not None:
        return covering.unit
    last = member.memberships.select_related("unit").order_by("-left", "-pk").first()
    return last.unit if last is not None else None


def _values(facts: ClaimFacts) -> dict[str, Any]:
    """The claim's columns: the known date defaults to the event date (P-11); the trustee's
    name as on the ID card and numbers as validated (full-width digits, spaces, dashes and a
    lowercase x normalised), for the bank file (M-1) and for comparison."""
    return facts.__dict__ | {
        "known_date": facts.known_date or facts.event_date,
        "trustee_name": clean_name(facts.trustee_name),
        "trustee_id_number": normalize(facts.trustee_id_number),
        "trustee_card": normalize(facts.trustee_card),
    }


def _snapshot(claim: Claim) -> dict[str, Any]:
    return audit.snapshot(claim, Claim.AUDITED_FIELDS)


UPLOAD_FIELDS = [
    "file_path",
    "content_type",
    "size",
    "sha256",
    "original_name",
    "uploaded_at",
    "received",
]


def attach_document(
    claim: Claim, item: str, data: bytes, name: str, *, actor: Any
) -> ClaimDocument:
    """Store an upload for a checklist item and mark it received (C-3)."""
    if not claim.accepts_documents:
        raise ClaimError(["已登记的申请不能再更换材料"])
    # an unknown item is refused before the file is stored (it would be left behind);
    # the item is a multipart field, not checked by a form (PostgreSQL refuses a NUL in it)
    known = claim.documents.filter(item=item) if item.isprintable() else None
    document_pk = known.values_list("pk", flat=True).first() if known is not None else None
    if document_pk is None:
        raise ClaimError(["没有这项材料"])
    # the uploader's file name is only shown again: control characters are dropped
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    try:
        stored = uploads.store(claim.number, data)
    except uploads.UploadRefused as exc:
        raise ClaimError([str(exc)]) from exc
    try:
        with transaction.atomic(durable=True):
            # the state again under the claim's lock: a registration may have come in between
            locked = Claim.objects.select_for_update().only("status").get(pk=claim.pk)
            if not locked.accepts_documents:
                raise ClaimError(["已登记的申请不能再更换材料"])
            document = ClaimDocument.objects.select_for_update().get(pk=document_pk)
            replaced, replaced_sha256 = document.file_path, document.sha256
            document.file_path, document.content_type = stored.path, stored.content_type
            document.size, document.sha256 = stored.size, stored.sha256
            document.original_name, document.uploaded_at = name, clock.now()
            document.received = True
            document.save(update_fields=UPLOAD_FIELDS)
            after = {"item": item, "file": name, "sha256": stored.sha256}
            audit.record(
                actor,
                "claims.document.received",
                claim,
                before={"sha256": replaced_sha256} if replaced else None,
                after=after,
            )
            if replaced:  # a file no one can open again is not kept (its hash stays audited)
                transaction.on_commit(partial(uploads.discard, replaced))
    except BaseException:
        uploads.discard(stored.path)  # nothing refers to it
        raise
    return document


def confirm_statement(claim: Claim, item: str, *, actor: Any) -> ClaimDocument:
    """Mark a statement item received (C-3): what the application form must say, such as the
    account of a work injury, is confirmed as written; it has no paper of its own to upload."""
    if item not in STATEMENTS:
        raise ClaimError(["这项材料须上传文件"])
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().only("status").get(pk=claim.pk)
        if not locked.accepts_documents:
            raise ClaimError(["已登记的申请不能再更换材料"])
        document = ClaimDocument.objects.select_for_update().filter(claim=claim, item=item).first()
        if document is None:
            raise ClaimError(["没有这项材料"])
        if not document.received:
            document.received = True
            document.save(update_fields=["received"])
            audit.record(actor, "claims.document.confirmed", claim, after={"item": item})
    return document


PAPER_NAME = "纸质材料（窗口收取）"


def receive_paper(claim: Claim, item: str, *, actor: Any) -> ClaimDocument:
    """Staff mark an item received on paper (C-3: each required item marked received): the
    unit brought the original to the window, such as the medical record with the hospital's
    red seal, which goes to the claim's paper file (材料归档). Nothing is uploaded; an item
    already received stays as it is. The registrar's duty, who checks the papers (查验登记)."""
    if not (isinstance(actor, User) and actor.has_duty("registrar")):
        raise PermissionDenied("只有负责查验登记的互济会工作人员可以登记收到纸质材料")
    if item in STATEMENTS:
        raise ClaimError(["这项内容写在救助申请表中，请用“确认申请表已写明”"])
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().only("status").get(pk=claim.pk)
        if not locked.accepts_documents:
            raise ClaimError(["已登记的申请不能再更换材料"])
        document = (
            ClaimDocument.objects.select_for_update().filter(claim=claim, item=item).first()
            if item.isprintable()
            else None
        )
        if document is None:
            raise ClaimError(["没有这项材料"])
        if document.received:
            raise ClaimError([f"“{document.label}”已经收到，无须再登记纸质件"])
        document.received, document.original_name = True, PAPER_NAME
        document.uploaded_at = clock.now()
        document.save(update_fields=["received", "original_name", "uploaded_at"])
        after = {"item": item, "label": document.label}
        audit.record(actor, "claims.document.paper_received", claim, after=after)
    return document


DOCUMENT_OPENED = "claims.document.opened"  # a look, not a step of the claim


def document_opened(claim: Claim, document: ClaimDocument, *, actor: Any) -> None:
    """A document was shown: copies of ID and bank cards and medical records are the person's
    numbers and health data unmasked, and every unmasked view is logged (who, when, whose)."""
    after = {"item": document.item, "member": claim.member.code}
    audit.record(actor, DOCUMENT_OPENED, claim, after=after)


def steps(claim: Claim) -> models.QuerySet[AuditEntry]:
    """The claim's timeline: its steps in order, without the views of its documents."""
    entries = AuditEntry.objects.filter(target_code=claim.number).exclude(action=DOCUMENT_OPENED)
    return entries.select_related("actor").order_by("at", "pk")


def _lock(claim: Claim, action: str, actor: Any) -> Claim:
    locked = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("member", "unit")
        .get(pk=claim.pk)
    )
    transition = TRANSITIONS[action]
    if not allowed(action, locked.status):
        raise ClaimError([f"申请当前状态为“{locked.get_status_display()}”，不能{transition.label}"])
    if transition.duty and not (isinstance(actor, User) and actor.has_duty(transition.duty)):
        raise PermissionDenied(f"只有具有相应职责的互济会工作人员可以{transition.label}")
    if transition.duty is None and isinstance(actor, User):  # the filer's steps (C-4)
        require_filer(actor, locked, transition.label)
    return locked


def _move(
    locked: Claim, action: str, actor: Any, before: dict[str, Any], fields: list[str]
) -> Claim:
    locked.status = TRANSITIONS[action].target
    locked.save(update_fields=["status", *fields])
    audit.record(actor, f"claims.claim.{action}", locked, before=before, after=_snapshot(locked))
    return locked


def register_claim(claim: Claim, *, actor: Any) -> Claim:
    """查验登记 (C-4): every required paper received (C-3). A death claim's registration, its
    死亡证明 checked, records the member's death (E-5: off the roster, in no later contract)."""
    with transaction.atomic(durable=True):
        locked = _lock(claim, "register", actor)
        missing = [d.label for d in locked.documents.filter(required=True, received=False)]
        if missing:
            raise ClaimError([f"缺少必需材料：{'、'.join(missing)}"])
        if locked.is_death:
            record_death(locked.member, actor=actor, claim_number=locked.number)
        return _move(locked, "register", actor, _snapshot(locked), [])


def return_claim(claim: Claim, *, actor: Any, reason: str) -> Claim:
    return _move_with_reason(claim, "return", actor, reason, "return_reason", "退回须说明原因")


def _move_with_reason(
    claim: Claim, action: str, actor: Any, reason: str, field: str, required: str
) -> Claim:
    """A step that needs a written reason, kept in `field` (300 characters)."""
    if not reason.strip():
        raise ClaimError([required])
    with transaction.atomic(durable=True):
        locked = _lock(claim, action, actor)
        before = _snapshot(locked)
        setattr(locked, field, reason.strip()[:300])
        return _move(locked, action, actor, before, [field])


def resubmit_claim(claim: Claim, facts: ClaimFacts | None, *, actor: Any) -> Claim:
    """C-4: the unit corrects a returned claim and submits it again. `facts`, when given, are
    the corrected facts (the type stays: another type is another claim); a trustee number left
    empty keeps the one on file. Changed facts are audited (numbers masked), and the checklist
    follows a changed accident circumstance (C-3): new items are added, items that no longer
    apply stop being required (their files stay)."""
    with transaction.atomic(durable=True):
        locked = _lock(claim, "resubmit", actor)
        before = _snapshot(locked)
        fields: list[str] = []
        corrected: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        if facts is not None:
            facts = _kept_numbers(facts, locked)
            problems = check_facts(facts, clock.today(), locked.member.birth_date)
            if (late := after_death(locked.member, facts.event_date)) is not None:
                problems.append(late)
            if facts.kind != locked.kind:
                problems.append("救助类型不能更改；类型不同请另行提交新的救助申请")
            if problems:
                raise ClaimError(problems)
            corrected = _correct(locked, facts)
            fields = list(corrected[1])
        moved = _move(locked, "resubmit", actor, before, fields)
        if fields:
            _follow_checklist(moved)
            audit.record(
                actor, "claims.claim.corrected", moved, before=corrected[0], after=corrected[1]
            )
        return moved


def _kept_numbers(facts: ClaimFacts, claim: Claim) -> ClaimFacts:
    """A trustee's ID or card number left empty in a correction keeps the one on file (the form
    does not show them again in full)."""
    if not facts.trustee_id_number.strip():
        facts = replace(facts, trustee_id_number=str(claim.trustee_id_number or ""))
    if not facts.trustee_card.strip():
        facts = replace(facts, trustee_card=str(claim.trustee_card or ""))
    return facts


def _correct(claim: Claim, facts: ClaimFacts) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the corrected facts on the claim; (before, after) of those that changed, personal
    numbers masked."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in _values(facts).items():
        if name == "kind":
            continue
        old = getattr(claim, name)
        if (old or None) == (value or None):
            continue
        setattr(claim, name, value)
        shown = MASKS.get(name, _plain)
        before[name], after[name] = shown(old), shown(value)
    return before, after


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int) else str(value)


def _masked_id(value: Any) -> str:
    return mask_id(str(value)) if value else ""


def _masked_card(value: Any) -> str:
    return mask_card(str(value)) if value else ""


MASKS: dict[str, Callable[[Any], Any]] = {
    "trustee_id_number": _masked_id,
    "trustee_card": _masked_card,
}


def _follow_checklist(claim: Claim) -> None:
    """C-3 after a correction: the checklist of the claim's type and (corrected) circumstance."""
    wanted = {item.code: item for item in checklist(claim.kind, claim.circumstance)}
    have = {d.item: d for d in claim.documents.all()}
    for code, item in wanted.items():
        document = have.get(code)
        if document is None:
            ClaimDocument.objects.create(
                claim=claim, item=code, label=item.label, required=item.required
            )
        elif document.required != item.required:
            document.required = item.required
            document.save(update_fields=["required"])
    for code, document in have.items():
        if code not in wanted and document.required:
            document.required = False
            document.save(update_fields=["required"])


def review_claim(
    claim: Claim, *, actor: Any, accept: bool, amount: Decimal | None = None, reason: str = ""
) -> Claim:
    """病案审核: the engine proposes; the reviewer accepts, or overrides with a written reason."""
    with transaction.atomic(durable=True):
        locked = _lock(claim, "review", actor)
        before = _snapshot(locked)
        decision, explained = engine.decide(locked)
        locked.decision, locked.proposed_amount = explained, decision.amount
        if accept:
            locked.amount, locked.override_reason = decision.amount, ""
        else:
            if amount is None or not amount.is_finite() or amount < 0 or not reason.strip():
                raise ClaimError(["改变引擎结论须填写金额和书面理由"])
            plan = CRITICAL_ILLNESS_PLAN
            if amount > plan.largest_benefit:  # P-2, P-4: more than any claim can pay
                most = money(plan.largest_benefit)
                raise ClaimError([f"核定金额不能超过 {most} 元（每人最多{plan.max_shares}份）"])
            if amount != money(amount):  # P-1: 800.005 was rounded to 800.01 without a word
                raise ClaimError([f"核定金额最多两位小数（元、角、分）：{amount}"])
            locked.amount, locked.override_reason = money(amount), reason.strip()[:500]
        locked.reviewed_by = actor
        fields = ["decision", "proposed_amount", "amount", "override_reason", "reviewed_by"]
        return _move(locked, "review", actor, before, fields)


def approve_claim(claim: Claim, *, actor: Any) -> Claim:
    """Four eyes (C-4): not the reviewer. Records the lines (history) and the due date (C-5)."""
    with transaction.atomic(durable=True):
        locked = _lock(claim, "approve", actor)
        if locked.reviewed_by_id == getattr(actor, "pk", None):
            raise ClaimError(["审批人不能是本案的审核人（双人复核）"])
        if not locked.amount or locked.amount <= 0:
            raise ClaimError(["核定金额为0，请选择“不予救助”"])
        # the member's claims are approved one at a time: the checks below see every approval
        # made before this one, even one made while this claim was waiting
        Member.objects.lock([locked.member_id])
        twin = _approved_twin(locked)
        if twin is not None:
            problem = f"同一事件已有已审批的救助申请 {twin.number}，不能重复给付（C-6）"
            raise ClaimError([problem + "，请改为不予救助"])
        decision, _ = engine.decide(locked)
        if decision.amount != locked.proposed_amount:  # P-7, P-9: one claim changes another
            raise ClaimError(
                [
                    f"审核后该职工另有申请获批，引擎重新计算为 {decision.amount} 元"
                    f"（审核时为 {locked.proposed_amount} 元），请重新病案审核"
                ]
            )
        before = _snapshot(locked)
        today = clock.today()
        due = add_working_days(today, PAYMENT_WORKING_DAYS, engine.holiday_table(fresh=True))
        locked.approved_by, locked.approved_on = actor, today
        locked.due_date, locked.due_provisional = due.day, due.provisional
        _record_lines(locked, paying=True)
        fields = ["approved_by", "approved_on", "due_date", "due_provisional"]
        return _move(locked, "approve", actor, before, fields)


def _approved_twin(claim: Claim) -> Claim | None:
    """C-6: an approved (or paid) claim of the same member for the same event (the engine's
    duplicate check at review sees only claims approved before the review)."""
    return next((other for other in same_event(claim) if other.approved_on is not None), None)


REJECTED_LINE = "rejected"  # the reason kept on a line the engine would have paid


def _record_lines(claim: Claim, *, paying: bool) -> None:
    """The claim's lines, the member's history from now on (appendix A `history`). A rejected
    claim pays nothing: its lines are kept (a critical illness in the waiting period still ends
    that contract's liability, P-7) but at 0, so it neither counts as paid (C-6, P-7, P-9)."""
    decision = claim.decision or {}
    numbers = {c["contract_no"] for c in decision.get("lines", []) + decision.get("denials", [])}
    contracts = {c.contract_no: c for c in Contract.objects.filter(contract_no__in=numbers)}
    overridden = claim.amount != claim.proposed_amount
    rows = [
        ClaimLine(
            claim=claim,
            contract=contracts[x["contract_no"]],
            shares=x["shares"],
            amount=Decimal(x["amount"]) if paying and not overridden else Decimal(0),
            reason="" if paying else REJECTED_LINE,
        )
        for x in decision.get("lines", [])
    ] + [
        ClaimLine(
            claim=claim,
            contract=contracts[x["contract_no"]],
            shares=x["shares"],
            reason=x["reason"],
        )
        for x in decision.get("denials", [])
        if x["contract_no"] in contracts
    ]
    if paying and overridden and rows:
        _spread_override(claim, rows, [Decimal(x["amount"]) for x in decision.get("lines", [])])
    ClaimLine.objects.bulk_create(rows)


def _spread_override(claim: Claim, rows: list[ClaimLine], proposed: list[Decimal]) -> None:
    """The reviewer's amount over the lines, as later claims read them per contract (P-7: a
    paid critical illness ends that contract's cover; P-9: what a contract paid for death and
    disability). Where the engine paid under several contracts, the amount is spread over them
    in proportion (to the cent); put on the first alone, the others looked unpaid and a second
    critical illness would have been paid under them. Where the engine paid nothing, it goes
    on the first contract in force on the event day (P-12)."""
    amount = claim.amount or Decimal(0)
    paying = [(row, share) for row, share in zip(rows, proposed, strict=False) if share > 0]
    if paying:
        for (row, _), part in zip(paying, split(amount, [s for _, s in paying]), strict=True):
            row.amount = part
        return
    chosen = next((r for r in rows if r.reason != DenialReason.NOT_IN_FORCE.value), rows[0])
    chosen.amount, chosen.reason = amount, ""


def withdraw_claim(claim: Claim, *, actor: Any, reason: str) -> Claim:
    """The filing unit takes back a claim not yet registered, or returned (C-4 workflow note):
    it ends here, nothing is decided or paid, its papers stay with the file."""
    return _move_with_reason(
        claim, "withdraw", actor, reason, "withdraw_reason", "撤回申请须说明原因"
    )


def reject_claim(claim: Claim, *, actor: Any, reason: str) -> Claim:
    if not reason.strip():
        raise ClaimError(["不予救助须说明理由"])
    with transaction.atomic(durable=True):
        locked = _lock(claim, "reject", actor)
        if locked.reviewed_by_id == getattr(actor, "pk", None):
            raise ClaimError(["审批人不能是本案的审核人（双人复核）"])
        before = _snapshot(locked)
        locked.reject_reason = reason.strip()[:500]
        locked.approved_by = actor
        _record_lines(locked, paying=False)
        return _move(locked, "reject", actor, before, ["reject_reason", "approved_by"])


def archive_claim(claim: Claim, *, actor: Any) -> Claim:
    with transaction.atomic(durable=True):
        locked = _lock(claim, "archive", actor)
        return _move(locked, "archive", actor, _snapshot(locked), [])


def mark_paid(claim: Claim, *, actor: Any) -> Claim:
    """Called by the payments app when the bank confirms the payment (M-2)."""
    locked = _lock(claim, "pay", actor)
    return _move(locked, "pay", actor, _snapshot(locked), [])


def export_register(claims: QuerySet[Claim], *, actor: User, filters: str) -> bytes:
    """The claim register (救助申请台账) of a list page. It names members and their illnesses
    (personal and medical data), so it is audited with the claims it holds and the list's
    filters, as a roster export is."""
    data, numbers = register_workbook(claims)
    with transaction.atomic(durable=True):
        audit.record(
            actor,
            "claims.register.exported",
            actor,
            after={"rows": len(numbers), "filter": filters, "claims": numbers},
        )
    return data


def load_holiday_year(
    year: int, days: dict[date, bool], *, actor: Any, notes: dict[date, str] | None = None
) -> int:
    """An admin loads a year's calendar (C-5): due dates that reach into the year, and the
    provisional ones, are recomputed. Returns the number of claims whose due date changed."""
    if any(d.year != year for d in days):
        raise ClaimError([f"日期不属于 {year} 年"])
    with transaction.atomic(durable=True):
        Holiday.objects.filter(day__year=year).delete()
        notes = notes or {}
        Holiday.objects.bulk_create(
            Holiday(day=d, working=w, note=notes.get(d, "")) for d, w in sorted(days.items())
        )
        record, _ = HolidayYear.objects.update_or_create(
            year=year, defaults={"loaded_at": clock.now()}
        )
        audit.record(actor, "claims.holiday_year.loaded", record, after={"days": len(days)})
        return recompute_due_dates(date(year, 1, 1), date(year, 12, 31), actor=actor)


def unlist_empty_holiday_year(year: int, *, actor: Any) -> bool:
    """C-5 after a day was deleted from a listed year, or moved out of it: a listed year is
    described by its days alone, so a year left with none would count Monday to Friday without
    a holiday (for a year chinesecalendar knows, its holidays gone too). Such a year is no longer
    listed (audited): it counts as before it was loaded. Returns whether it was unlisted; the
    caller recomputes the year's due dates."""
    with transaction.atomic():
        record = HolidayYear.objects.select_for_update().filter(year=year).first()
        if record is None or Holiday.objects.filter(day__year=year).exists():
            return False
        audit.record(
            actor,
            "claims.holiday_year.unlisted",
            record,
            before={"year": year},
            after={"reason": "该年已没有任何放假日或调休上班日"},
        )
        record.delete()
    return True


def recompute_due_dates(first: date, last: date, *, actor: Any) -> int:
    """C-5 after the calendar changed on days first..last (a year loaded, a day corrected in the
    admin): every due date whose ten working days reach into those days, and every provisional
    one, follows the calendar as it now is. Returns the number of claims whose due date
    changed; each change is audited."""
    table = engine.holiday_table(fresh=True)
    changed = 0
    with transaction.atomic():
        spans = Q(approved_on__lt=last, due_date__gte=first) | Q(due_provisional=True)
        for claim in Claim.objects.select_for_update().filter(spans, approved_on__isnull=False):
            due = add_working_days(claim.approved_on, PAYMENT_WORKING_DAYS, table)  # type: ignore[arg-type]
            if (due.day, due.provisional) != (claim.due_date, claim.due_provisional):
                before = _snapshot(claim)
                claim.due_date, claim.due_provisional = due.day, due.provisional
                claim.save(update_fields=["due_date", "due_provisional"])
                after = _snapshot(claim)
                audit.record(
                    actor, "claims.claim.due_recomputed", claim, before=before, after=after
                )
                changed += 1
    return changed
