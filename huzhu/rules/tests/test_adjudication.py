"""Table-driven tests of SPEC §3 and appendix A, clause by clause, with edge days."""

from dataclasses import replace
from decimal import Decimal

import pytest

from huzhu.rules.adjudication import (
    CoverEnd,
    cover_end,
    ended_cover,
    share_groups,
    time_bar_deadline,
)
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, DISEASES, BenefitType
from huzhu.rules.tests.helpers import contract, d, decide, denials, lines, past

CI_A, CI_B = "CI01", "CI04"


# ---- P-3 term and P-12 the contract in force on the event date ----


@pytest.mark.parametrize(
    ("event", "paid"),
    [
        ("2022-07-08", False),  # effective day: cover starts the next day
        ("2022-07-09", True),
        ("2023-07-08", True),  # last day of cover
        ("2023-07-09", False),
    ],
)
def test_p3_accident_cover_edges(event, paid):
    result = decide([contract("B01220002", 1, "2022-07-08")], "accident_hospitalization", event)
    assert result.payable is paid
    if not paid:
        assert denials(result) == [("B01220002", 1, "not_in_force")]
        assert result.denials[0].clause == "P-3"


def test_p3_leap_day_contract_ends_on_28_february():
    contracts = [contract("B01240001", 1, "2024-02-29")]
    assert decide(contracts, "accident_hospitalization", "2025-02-28").payable
    assert not decide(contracts, "accident_hospitalization", "2025-03-01").payable


def test_p12_claim_after_the_contract_ended_is_paid_under_the_contract_of_the_event():
    contracts = [contract("B01220002", 1, "2022-07-08"), contract("B01230002", 2, "2023-07-08")]
    result = decide(contracts, "accident_hospitalization", "2023-05-23", submitted="2024-09-01")
    assert lines(result) == [("B01220002", 1, "1600.00")]
    assert denials(result) == [("B01230002", 2, "not_in_force")]


# ---- P-4 benefits per share ----


@pytest.mark.parametrize(
    ("kind", "facts", "per_share"),
    [
        ("critical_illness", {"disease": "CI01"}, "5000.00"),
        ("critical_illness", {"disease": "CI03"}, "5000.00"),
        ("critical_illness", {"disease": "CI04"}, "3000.00"),
        ("critical_illness", {"disease": "CI34"}, "3000.00"),
        ("accident_hospitalization", {}, "1600.00"),
        ("death_illness", {}, "3000.00"),
        ("death_accident", {}, "3000.00"),
        ("disability_accident", {"disability_grade": 1}, "3000.00"),
        ("disability_accident", {"disability_grade": 7}, "1200.00"),
        ("disability_accident", {"disability_grade": 10}, "300.00"),
    ],
)
def test_p4_benefit_per_share(kind, facts: dict[str, object], per_share):
    result = decide([contract("B01230001", 2, "2023-01-01")], kind, "2023-06-01", **facts)
    (line,) = result.lines
    assert str(line.per_share) == per_share
    assert line.amount == Decimal(per_share) * 2
    assert result.amount == line.amount
    assert "P-4" in line.clauses


def test_plan_lists_34_diseases_in_two_tiers():
    assert len(DISEASES) == 34
    assert [c for c, x in DISEASES.items() if x.tier == "A"] == ["CI01", "CI02", "CI03"]
    assert DISEASES["CI01"].name == "慢性肾功能衰竭（尿毒症期）"
    assert DISEASES["CI34"].name == "不稳定性心绞痛PCI手术"
    assert CRITICAL_ILLNESS_PLAN.fee_per_share == Decimal("20.00")


# ---- P-5 waiting period ----


@pytest.mark.parametrize(
    ("kind", "event", "paid"),
    [
        ("critical_illness", "2024-06-09", False),  # E + 30: still waiting
        ("critical_illness", "2024-06-10", True),
        ("death_illness", "2024-06-09", False),
        ("death_illness", "2024-06-10", True),
        ("accident_hospitalization", "2024-05-11", True),  # the day after E
        ("death_accident", "2024-05-11", True),
        ("disability_accident", "2024-05-11", True),
    ],
)
def test_p5_waiting_days_by_type(kind, event, paid):
    facts: dict[str, object] = {"disease": CI_B} if kind == "critical_illness" else {}
    if kind == "disability_accident":
        facts["disability_grade"] = 10
    result = decide(
        [contract("B01240004", 2, "2024-05-10")], kind, event, first_diagnosed="2024-05-11", **facts
    )
    assert result.payable is paid
    if not paid:
        assert denials(result) == [("B01240004", 2, "waiting_period")]
        assert result.denials[0].clause == "P-5"
        assert "免责期" in result.denials[0].message


# ---- P-6 renewal waiver ----


def test_p6_renewal_keeps_continued_shares_and_new_shares_wait():
    contracts = [contract("B01230005", 2, "2023-04-01"), contract("B01240005", 3, "2024-04-01")]
    result = decide(contracts, "critical_illness", "2024-04-15", disease="CI20")
    assert lines(result) == [("B01240005", 2, "6000.00")]
    assert sorted(denials(result)) == [
        ("B01230005", 2, "not_in_force"),
        ("B01240005", 1, "waiting_period"),
    ]
    assert "P-6" in result.lines[0].clauses


def test_p6_setting_off_makes_every_share_wait():
    contracts = [contract("B01230005", 2, "2023-04-01"), contract("B01240005", 3, "2024-04-01")]
    plan = replace(CRITICAL_ILLNESS_PLAN, renewal_waives_waiting=False)
    result = decide(contracts, "critical_illness", "2024-04-15", disease="CI20", plan=plan)
    assert not result.payable
    assert ("B01240005", 3, "waiting_period") in denials(result)


def test_p6_a_gap_breaks_the_chain():
    contracts = [contract("B01230005", 2, "2023-04-01"), contract("B01240005", 2, "2024-04-02")]
    result = decide(contracts, "critical_illness", "2024-04-15", disease="CI20")
    assert ("B01240005", 2, "waiting_period") in denials(result)


def test_p6_chain_start_reaches_back_through_several_renewals():
    contracts = [
        contract("B01220001", 1, "2022-04-01"),
        contract("B01230001", 2, "2023-04-01"),
        contract("B01240001", 3, "2024-04-01"),
    ]
    groups = share_groups(contracts)
    # B01230001 held 2 shares: 2 of the 3 continue, from the chain's start (the effective date
    # of its earliest contract, SPEC P-6); the third is new
    assert [(g.count, str(g.start)) for g in groups["B01230001"]] == [
        (1, "2022-04-01"),
        (1, "2023-04-01"),
    ]
    assert [(g.count, str(g.start)) for g in groups["B01240001"]] == [
        (2, "2022-04-01"),
        (1, "2024-04-01"),
    ]
    # first diagnosed after the chain's start: the continued shares pay, the new one is
    # pre-existing (diagnosed before its own effective date, P-8)
    result = decide(
        contracts, "critical_illness", "2024-04-20", disease="CI04", first_diagnosed="2022-12-01"
    )
    assert lines(result) == [("B01240001", 2, "6000.00")]
    assert ("B01240001", 1, "pre_existing") in denials(result)
    # diagnosed before the chain's start: nothing is payable
    result = decide(
        contracts, "critical_illness", "2024-04-20", disease="CI04", first_diagnosed="2022-03-01"
    )
    assert not result.payable
    assert ("B01240001", 3, "pre_existing") in denials(result)


def test_p6_several_contracts_ending_on_the_day_take_the_earliest_start():
    contracts = [
        contract("B01220001", 1, "2022-04-01"),
        contract("B01230001", 1, "2023-04-01"),
        contract("PB230001", 1, "2023-04-01"),
        contract("B01240001", 3, "2024-04-01"),
    ]
    groups = share_groups(contracts)
    assert [(g.count, str(g.start)) for g in groups["B01240001"]] == [
        (2, "2022-04-01"),
        (1, "2024-04-01"),
    ]
    # a gap anywhere breaks the chain: a contract ending one day early continues nothing
    contracts[0] = contract("B01220001", 1, "2022-03-31")
    groups = share_groups(contracts)
    assert [(g.count, str(g.start)) for g in groups["B01230001"]] == [(1, "2023-04-01")]
    assert [(g.count, str(g.start)) for g in groups["B01240001"]] == [
        (2, "2023-04-01"),
        (1, "2024-04-01"),
    ]


def test_p6_free_and_paid_contracts_both_continue():
    contracts = [
        contract("B01230001", 2, "2023-03-01"),
        contract("PB230001", 1, "2023-03-01"),
        contract("B01240001", 3, "2024-03-01"),
    ]
    result = decide(contracts, "critical_illness", "2024-03-05", disease="CI01")
    assert lines(result) == [("B01240001", 3, "15000.00")]


# ---- P-7 once per contract ----


def test_p7_paid_critical_illness_ends_every_liability_of_that_contract():
    contracts = [contract("B01230001", 1, "2023-01-01")]
    history = [past("B01230001", "critical_illness", "2023-03-01", "3000.00", disease="CI04")]
    for kind, facts in (
        ("critical_illness", {"disease": "CI05"}),
        ("accident_hospitalization", {}),
        ("death_illness", {}),
    ):
        result = decide(contracts, kind, "2023-08-01", history=history, **facts)
        assert denials(result) == [("B01230001", 1, "coverage_ended")]
        assert result.denials[0].clause == "P-7"


def test_p7_critical_illness_in_waiting_period_ends_only_critical_illness_cover():
    contracts = [contract("B01240004", 2, "2024-05-10")]
    history = [
        past(
            "B01240004",
            "critical_illness",
            "2024-05-25",
            "0",
            disease="CI12",
            reason="waiting_period",
        )
    ]
    ci = decide(
        contracts,
        "critical_illness",
        "2024-09-01",
        disease="CI05",
        history=history,
        first_diagnosed="2024-08-01",
    )
    assert denials(ci) == [("B01240004", 2, "coverage_ended")]
    assert decide(contracts, "accident_hospitalization", "2024-09-01", history=history).payable


def test_p7_ended_cover_per_contract_widest_end_with_its_day():
    history = [
        past("B01240004", "critical_illness", "2024-05-25", "0", reason="waiting_period"),
        past("B01240004", "critical_illness", "2024-09-01", "6000.00", disease="CI05"),
        past("PB240001", "critical_illness", "2024-09-01", "3000.00", disease="CI05"),
        past("B01230001", "critical_illness", "2023-04-01", "0", reason="pre_existing"),
        past("B01230001", "accident_hospitalization", "2023-05-01", "1600.00"),
        past("B01220001", "critical_illness", "2022-03-10", "0", reason="waiting_period"),
        past("B01220001", "critical_illness", "2022-03-20", "0", reason="waiting_period"),
    ]
    ended = ended_cover(reversed(history))  # the order of the lines does not matter
    assert ended == {
        "B01240004": (CoverEnd.ALL, d("2024-09-01")),
        "PB240001": (CoverEnd.ALL, d("2024-09-01")),
        "B01220001": (CoverEnd.CRITICAL_ILLNESS, d("2022-03-10")),
    }
    assert [cover_end(h) for h in history[3:5]] == [None, None]


def test_p7_ends_coverage_lists_paid_and_waiting_contracts_not_pre_existing():
    contracts = [contract("B01240001", 1, "2024-01-01"), contract("PB240001", 1, "2024-06-01")]
    result = decide(
        contracts, "critical_illness", "2024-06-20", disease="CI04", first_diagnosed="2024-06-20"
    )
    assert set(result.ends_coverage) == {"B01240001", "PB240001"}
    pre = decide(
        contracts, "critical_illness", "2024-06-20", disease="CI04", first_diagnosed="2023-12-01"
    )
    assert pre.ends_coverage == ()
    accident = decide(contracts, "accident_hospitalization", "2024-06-20")
    assert accident.ends_coverage == ()


# ---- P-8 pre-existing ----


@pytest.mark.parametrize(
    ("first_diagnosed", "reason"),
    [("2025-03-01", "pre_existing"), ("2025-02-01", "pre_existing"), ("2025-03-02", None)],
)
def test_p8_first_diagnosis_on_or_before_effective(first_diagnosed, reason):
    result = decide(
        [contract("B01250008", 1, "2025-03-01")],
        "critical_illness",
        "2025-10-09",
        disease="CI04",
        first_diagnosed=first_diagnosed,
    )
    if reason:
        assert denials(result) == [("B01250008", 1, reason)]
        assert result.denials[0].clause == "P-8"
    else:
        assert lines(result) == [("B01250008", 1, "3000.00")]


def test_p8_applies_to_death_by_illness_not_to_accidents():
    contracts = [contract("B01250008", 1, "2025-03-01")]
    death = decide(contracts, "death_illness", "2025-10-09", first_diagnosed="2024-01-01")
    assert denials(death) == [("B01250008", 1, "pre_existing")]
    accident = decide(contracts, "death_accident", "2025-10-09", first_diagnosed="2024-01-01")
    assert accident.payable


# ---- P-2 share cap ----


def test_p2_fourth_share_across_contracts_is_denied():
    contracts = [contract("B01240001", 2, "2024-01-01"), contract("B01240002", 2, "2024-02-01")]
    result = decide(contracts, "accident_hospitalization", "2024-06-01")
    assert lines(result) == [("B01240001", 2, "3200.00"), ("B01240002", 1, "1600.00")]
    assert denials(result) == [("B01240002", 1, "share_cap")]
    assert result.denials[0].clause == "P-2"


def test_p2_order_is_effective_date_then_number():
    contracts = [
        contract("B01240009", 2, "2024-01-01"),
        contract("B01240003", 2, "2024-01-01"),
    ]
    result = decide(contracts, "accident_hospitalization", "2024-06-01")
    assert lines(result) == [("B01240003", 2, "3200.00"), ("B01240009", 1, "1600.00")]


def test_p2_contracts_not_in_force_do_not_count():
    contracts = [contract("B01230001", 3, "2023-01-01"), contract("B01240001", 3, "2024-01-01")]
    result = decide(contracts, "accident_hospitalization", "2024-06-01")
    assert lines(result) == [("B01240001", 3, "4800.00")]


def test_p2_whole_contract_beyond_the_cap():
    contracts = [
        contract("B01240001", 3, "2024-01-01"),
        contract("PB240001", 1, "2024-03-01"),
    ]
    result = decide(contracts, "critical_illness", "2024-06-01", disease="CI04")
    assert lines(result) == [("B01240001", 3, "9000.00")]
    assert denials(result) == [("PB240001", 1, "share_cap")]
    assert result.ends_coverage == ("B01240001",)


# ---- P-9 death and disability cap ----


def test_p9_death_after_disability_pays_the_rest_of_the_cap():
    contracts = [contract("B01240006", 2, "2024-01-15")]
    history = [
        past("B01240006", "disability_accident", "2024-03-02", "2400.00", accident="2024-03-02")
    ]
    result = decide(contracts, "death_accident", "2024-09-30", history=history)
    assert lines(result) == [("B01240006", 2, "3600.00")]
    assert "P-9" in result.lines[0].clauses
    assert "2400.00" in result.lines[0].message


def test_p9_disability_benefits_never_exceed_the_cap():
    contracts = [contract("B01240006", 1, "2024-01-15")]
    history = [past("B01240006", "disability_accident", "2024-03-02", "2400.00")]
    second = decide(
        contracts, "disability_accident", "2024-05-02", disability_grade=3, history=history
    )
    assert lines(second) == [("B01240006", 1, "600.00")]


def test_p9_cap_reached_after_full_payment():
    contracts = [contract("B01240006", 1, "2024-01-15")]
    history = [past("B01240006", "disability_accident", "2024-03-02", "3000.00")]
    result = decide(contracts, "death_illness", "2024-09-30", history=history)
    assert denials(result) == [("B01240006", 1, "cap_reached")]
    assert result.denials[0].clause == "P-9"


def test_p9_cap_is_per_contract():
    contracts = [contract("B01230006", 1, "2023-01-15"), contract("B01240006", 1, "2024-01-15")]
    history = [past("B01230006", "disability_accident", "2023-03-02", "3000.00")]
    result = decide(contracts, "death_accident", "2024-09-30", history=history)
    assert lines(result) == [("B01240006", 1, "3000.00")]


# ---- P-10 accident hospitalisation per accident, C-6 duplicates ----


def test_p10_each_separate_accident_pays_again():
    contracts = [contract("B01240001", 1, "2024-01-01")]
    history = [past("B01240001", "accident_hospitalization", "2024-02-01", "1600.00")]
    assert decide(contracts, "accident_hospitalization", "2024-05-01", history=history).payable


def test_p10_several_admissions_for_one_accident_pay_once():
    contracts = [contract("B01240001", 1, "2024-01-01")]
    history = [
        past("B01240001", "accident_hospitalization", "2024-02-01", "1600.00", accident="A7")
    ]
    again = decide(
        contracts, "accident_hospitalization", "2024-02-01", history=history, accident_id="A7"
    )
    assert denials(again) == [("B01240001", 1, "duplicate_event")]
    assert again.denials[0].clause == "C-6"
    default_id = decide(
        contracts,
        "accident_hospitalization",
        "2024-02-01",
        history=[
            past(
                "B01240001",
                "accident_hospitalization",
                "2024-02-01",
                "1600.00",
                accident="2024-02-01",
            )
        ],
    )
    assert denials(default_id) == [("B01240001", 1, "duplicate_event")]


def test_c6_duplicate_comes_before_coverage_ended():
    contracts = [contract("B01230001", 1, "2023-01-01")]
    history = [past("B01230001", "critical_illness", "2023-03-01", "3000.00", disease="CI04")]
    result = decide(contracts, "critical_illness", "2023-03-01", disease="CI04", history=history)
    assert denials(result) == [("B01230001", 1, "duplicate_event")]


def test_c6_unpaid_history_line_is_no_duplicate():
    contracts = [contract("B01240001", 1, "2024-01-01")]
    history = [
        past(
            "B01240001",
            "accident_hospitalization",
            "2024-02-01",
            "0",
            accident="A7",
            reason="not_in_force",
        )
    ]
    assert decide(
        contracts, "accident_hospitalization", "2024-02-01", history=history, accident_id="A7"
    ).payable


# ---- P-11 time bar ----


@pytest.mark.parametrize(
    ("submitted", "barred"),
    [("2023-12-24", False), ("2023-12-25", True)],
)
def test_p11_second_anniversary_is_still_in_time(submitted, barred):
    result = decide(
        [contract("B01210007", 1, "2021-08-01")],
        "accident_hospitalization",
        "2021-12-24",
        submitted=submitted,
    )
    assert (denials(result) == [(None, 0, "time_barred")]) is barred
    if barred:
        assert result.lines == ()
        assert result.denials[0].clause == "P-11"


def test_p11_known_date_later_than_event_moves_the_bar():
    result = decide(
        [contract("B01210007", 1, "2021-08-01")],
        "accident_hospitalization",
        "2021-12-24",
        submitted="2024-01-05",
        known_date="2022-03-01",
    )
    assert result.payable


def test_p11_time_bar_is_checked_before_anything_else():
    result = decide(
        [contract("B01210007", 1, "2015-08-01")],
        "critical_illness",
        "2016-01-01",
        submitted="2020-01-01",
        disease="CI01",
    )
    assert denials(result) == [(None, 0, "time_barred")]


def test_time_bar_deadline_on_leap_day():
    assert time_bar_deadline(d("2024-02-29")) == d("2026-02-28")


# ---- P-13 free shares, P-14 other insurance ----


def test_p13_free_shares_pay_like_paid_shares():
    contracts = [contract("B01220001", 2, "2022-02-25"), contract("PB220001", 1, "2022-05-13")]
    result = decide(
        contracts, "critical_illness", "2023-01-02", disease="CI01", submitted="2023-03-07"
    )
    assert result.amount == Decimal("15000.00")
    assert set(result.ends_coverage) == {"B01220001", "PB220001"}


def test_every_contract_appears_in_lines_or_denials():
    contracts = [
        contract("B01230001", 1, "2023-01-01"),
        contract("B01240001", 2, "2024-01-01"),
        contract("PB240001", 1, "2024-05-01"),
    ]
    result = decide(contracts, "critical_illness", "2024-05-20", disease="CI04")
    seen = {x.contract_no for x in result.lines} | {x.contract_no for x in result.denials}
    assert seen == {"B01230001", "B01240001", "PB240001"}


def test_benefit_type_labels():
    assert BenefitType.CRITICAL_ILLNESS.label == "重大疾病"
    assert BenefitType.DEATH_ACCIDENT.is_accident
    assert not BenefitType.DEATH_ILLNESS.is_accident
    assert BenefitType.DEATH_ILLNESS.is_illness
    assert BenefitType.DISABILITY_ACCIDENT.under_death_disability_cap
    assert not BenefitType.ACCIDENT_HOSPITALIZATION.under_death_disability_cap
