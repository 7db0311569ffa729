"""Moving-clock journeys shared by the claims tests: enrol → wait → claim."""

from datetime import date

from huzhu.contracts import actions as contracts
from huzhu.contracts.models import Contract, ContractStatus, Funding
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, resident_id, xlsx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def on(settings, day: str) -> date:
    settings.HUZHU_TODAY = day
    settings.HUZHU_NOW = ""
    return date.fromisoformat(day)


def paid_contract(
    settings, unit, staff, day: str, shares: int, index: int = 1, birth: str = "19710301"
) -> Contract:
    """The member `index` of `unit` gets a paid contract effective on `day`."""
    on(settings, day)
    unit.member_count = 1
    unit.save()
    row = person(index, shares=shares, 身份证号码=resident_id(birth, serial=index))
    report = import_roster(unit, xlsx([row]), actor=None)
    assert report.saved, report.errors
    draft = contracts.create_enrolment(unit, contracts.EnrolmentFacts("union_funds"), actor=None)
    contracts.submit_contract(draft, actor=None)
    return contracts.confirm_fee(draft, actor=staff)


def free_contract(settings, unit, member: Member, staff, day: str) -> Contract:
    """A free (PB) share granted on `day` (the free-share programme's grant, issue 6)."""
    on(settings, day)
    contract = Contract.objects.create(
        unit=unit, funding=Funding.FREE, status=ContractStatus.SUBMITTED
    )
    contract.lines.create(member=member, shares=1)
    contract.total_shares = 1
    contract.save()
    return contracts.confirm_fee(contract, actor=staff)


def reviewed_claim(member: Member, people, facts=None):
    """`member`'s claim (by default an accident hospitalisation on 2023-05-23) filed by unit A's
    officer with every required document, registered and reviewed (engine accepted)."""
    from huzhu.claims import actions as claims
    from huzhu.claims.facts import ClaimFacts

    facts = facts or ClaimFacts("accident_hospitalization", date(2023, 5, 23), circumstance="other")
    claim = claims.submit_claim(member, facts, actor=people.officer_a)
    for document in claim.documents.filter(required=True):
        claims.attach_document(claim, document.item, PDF, "x.pdf", actor=people.officer_a)
    claims.register_claim(claim, actor=people.registrar)
    return claims.review_claim(claim, actor=people.reviewer, accept=True)


def approved_claim(member: Member, people, facts=None):
    """The reviewed claim approved by a second person: the state a payment starts from."""
    from huzhu.claims import actions as claims

    return claims.approve_claim(reviewed_claim(member, people, facts), actor=people.approver)


TRUSTEE_CARD = "6222020200112233445"


def death_facts(kind: str, day: date, **more: object):
    """A death (`kind` death_illness or death_accident) on `day`, the benefit to his spouse
    李娜 as trustee (C-2), paid to TRUSTEE_CARD."""
    from huzhu.claims.facts import ClaimFacts

    return ClaimFacts(
        kind,
        day,
        trustee_name="李娜",
        trustee_id_number=resident_id("19720505", serial=222),
        trustee_card=TRUSTEE_CARD,
        trustee_relation="配偶",
        **more,
    )


def sent_batch(claims, people):
    """The claims in a batch that went to the bank: built by the cashier, released by the
    approver, its file exported (M-1) — the state a bank result is recorded in."""
    from huzhu.payments import actions as payments

    batch = payments.create_batch(claims, actor=people.cashier)
    batch = payments.approve_batch(batch, actor=people.approver)
    payments.export_batch(batch, actor=people.cashier)
    return batch
