"""The rulebook's settings in the live system (huzhu/core/product.py): E-3's participation
threshold, P-6's renewal waiver and P-5's waiting period for death by illness are read from
the settings, and a value out of range stops the start."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from huzhu import settings as settings_module
from huzhu.claims import actions as claims
from huzhu.claims import engine
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.tests.journeys import death_facts, on, paid_contract
from huzhu.contracts import actions as contracts
from huzhu.contracts.models import Contract, ContractStatus
from huzhu.members.models import Member


def test_the_defaults_are_the_rulebooks(settings):
    read = (
        settings.PARTICIPATION_THRESHOLD,
        settings.RENEWAL_WAIVES_WAITING,
        settings.DEATH_ILLNESS_WAITING_DAYS,
    )
    assert read == (Decimal("0.70"), True, 30)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("HUZHU_PARTICIPATION_THRESHOLD", "0.6", Decimal("0.6")),
        ("HUZHU_PARTICIPATION_THRESHOLD", "1", Decimal("1")),
        ("HUZHU_PARTICIPATION_THRESHOLD", "0", None),
        ("HUZHU_PARTICIPATION_THRESHOLD", "70%", None),
        ("HUZHU_PARTICIPATION_THRESHOLD", "NaN", None),
        ("HUZHU_PARTICIPATION_THRESHOLD", "1.5", None),
        ("HUZHU_DEATH_ILLNESS_WAITING_DAYS", "0", 0),
        ("HUZHU_DEATH_ILLNESS_WAITING_DAYS", "-1", None),
        ("HUZHU_DEATH_ILLNESS_WAITING_DAYS", "三十", None),
    ],
)
def test_a_setting_out_of_range_stops_the_start(monkeypatch, name, text, expected):
    monkeypatch.setenv(name, text)

    def read() -> object:  # as settings.py reads it at start-up
        if name == "HUZHU_PARTICIPATION_THRESHOLD":
            return settings_module._participation_threshold()
        return settings_module._death_illness_waiting_days()

    if expected is None:
        with pytest.raises(ImproperlyConfigured, match=name):
            read()
    else:
        assert read() == expected


def test_participation_threshold_applies_to_enrolment(tree, settings):
    on(settings, "2025-03-03")
    paid_contract(settings, tree.unit_a, None, "2025-03-03", shares=1)  # one member on the roster
    tree.unit_a.member_count = 2  # 1 of 2 is 50%
    tree.unit_a.save()
    draft = contracts.create_enrolment(
        tree.unit_a, contracts.EnrolmentFacts("personal"), actor=None
    )
    with pytest.raises(contracts.ContractError, match="的70%"):
        contracts.submit_contract(draft, actor=None)
    settings.PARTICIPATION_THRESHOLD = Decimal("0.5")
    contracts.submit_contract(Contract.objects.get(pk=draft.pk), actor=None)
    assert Contract.objects.get(pk=draft.pk).status == ContractStatus.SUBMITTED


def _renewed_then_ill(settings, tree, people):
    """One share since 2023-03-01, renewed in time from 2024-03-01; a critical illness first
    diagnosed on 2024-03-10, inside the renewal's own 30 days."""
    first = paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    on(settings, "2024-02-20")
    renewal = contracts.start_renewal(first, contracts.EnrolmentFacts("personal"), actor=None)
    contracts.submit_contract(renewal, actor=None)
    contracts.confirm_fee(renewal, actor=people.registrar)
    on(settings, "2024-04-01")
    facts = ClaimFacts("critical_illness", date(2024, 3, 10), disease="CI12")
    return claims.submit_claim(Member.objects.get(), facts, actor=people.officer_a)


def test_renewal_waiver_is_a_setting(tree, people, settings):
    claim = _renewed_then_ill(settings, tree, people)
    decision, _ = engine.decide(claim)
    assert decision.amount == Decimal("3000.00")  # P-6: the continued share does not wait
    settings.RENEWAL_WAIVES_WAITING = False
    decision, _ = engine.decide(claim)
    assert decision.amount == 0
    assert {d.reason.value for d in decision.denials} == {"waiting_period", "not_in_force"}


def test_death_by_illness_waiting_days_is_a_setting(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2023-06-20", shares=1)
    on(settings, "2023-07-20")
    claim = claims.submit_claim(
        Member.objects.get(), death_facts("death_illness", date(2023, 7, 5)), actor=people.officer_a
    )
    assert engine.decide(claim)[0].amount == 0  # P-5: inside the default 30 days
    settings.DEATH_ILLNESS_WAITING_DAYS = 0
    assert engine.decide(claim)[0].amount == Decimal("3000.00")


def test_the_public_pages_say_what_the_settings_say(settings, db):
    page = Client().get("/scheme/").content.decode()
    assert "<td>疾病身故</td><td>3000 元</td><td>合同生效 30 日后</td>" in page
    assert "不间断续会的份数免等待期" in page and "续保" not in page
    settings.DEATH_ILLNESS_WAITING_DAYS = 0
    settings.RENEWAL_WAIVES_WAITING = False
    page = Client().get("/scheme/").content.decode()
    assert "<td>疾病身故</td><td>3000 元</td><td>生效次日即可</td>" in page
    assert "续会的份数同样重新计算免责期" in page and "续保" not in page
