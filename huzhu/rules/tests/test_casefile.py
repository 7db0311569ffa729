"""Malformed case files: one Chinese message naming the field, never a crash."""

import json

import pytest

from huzhu.rules.casefile import adjudicate_text
from huzhu.rules.errors import RuleViolation
from huzhu.rules.quotafile import simulate_text

GOOD = {
    "contracts": [{"contract_no": "B01220001", "shares": 2, "effective": "2022-02-25"}],
    "claim": {
        "type": "critical_illness",
        "event_date": "2023-01-02",
        "submitted_date": "2023-03-07",
        "disease": "CI01",
    },
}


def variant(path, value):
    case = json.loads(json.dumps(GOOD))
    *parents, last = path
    target = case
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return json.dumps(case)


def test_good_case_is_read():
    assert adjudicate_text(json.dumps(GOOD))["amount"] == "10000.00"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "JSON"),
        ("[]", "(根)"),
        (variant(["contracts"], KeyError), "(根).contracts"),
        (variant(["contracts"], {}), "contracts"),
        (variant(["contracts", 0], "x"), "contracts[0]"),
        (variant(["contracts", 0, "effective"], "2022-02-30"), "contracts[0].effective"),
        (variant(["contracts", 0, "effective"], 20220225), "contracts[0].effective"),
        # a year later than 9999-12-31 is year 10000: a traceback, where exit 2 is the contract
        (
            variant(["contracts", 0, "effective"], "9999-12-31"),
            "contracts[0].effective: 日期应在 1900 至 2999 年之间，当前为 9999-12-31",
        ),
        (variant(["claim", "submitted_date"], "0001-01-01"), "claim.submitted_date: 日期应在"),
        (variant(["contracts", 0, "shares"], 0), "contracts[0].shares"),
        (variant(["contracts", 0, "shares"], "2"), "contracts[0].shares"),
        (variant(["contracts", 0, "shares"], True), "contracts[0].shares"),
        (variant(["contracts", 0, "contract_no"], ""), "contracts[0].contract_no"),
        (variant(["contracts", 0, "end"], "2022-02-25"), "contracts[0].end"),
        (variant(["claim"], KeyError), "(根).claim"),
        (variant(["claim", "type"], "flood"), "claim.type"),
        (variant(["claim", "event_date"], KeyError), "claim.event_date"),
        (variant(["claim", "event_date"], "2023-13-01"), "claim.event_date"),
        (variant(["claim", "submitted_date"], "2022-12-31"), "claim.submitted_date"),
        (variant(["claim", "disease"], "CI35"), "claim.disease"),
        (variant(["claim", "disease"], KeyError), "claim.disease"),
        (variant(["claim", "known_date"], "yesterday"), "claim.known_date"),
        (variant(["settings"], {"renewal_waives_waiting": "yes"}), "settings"),
        (variant(["settings"], []), "settings"),
        (variant(["history"], {}), "history"),
        (variant(["history"], [{"contract_no": "B1", "type": "death_illness"}]), "history[0]"),
        (
            variant(
                ["history"],
                [
                    {
                        "contract_no": "B1",
                        "type": "death_illness",
                        "event_date": "2022-05-01",
                        "amount": "-1",
                    }
                ],
            ),
            "history[0].amount",
        ),
        (
            variant(
                ["history"],
                [
                    {
                        "contract_no": "B1",
                        "type": "death_illness",
                        "event_date": "2022-05-01",
                        "amount": "abc",
                    }
                ],
            ),
            "history[0].amount",
        ),
        (
            variant(
                ["history"],
                [
                    {
                        "contract_no": "B1",
                        "type": "death_illness",
                        "event_date": "2022-05-01",
                        "amount": [1],
                    }
                ],
            ),
            "history[0].amount",
        ),
        (
            variant(
                ["history"],
                [
                    {
                        "contract_no": "B1",
                        "type": "death_illness",
                        "event_date": "2022-05-01",
                        "amount": "NaN",
                    }
                ],
            ),
            "history[0].amount: 不是有效金额",
        ),
        (
            variant(
                ["history"],
                [
                    {
                        "contract_no": "B1",
                        "type": "disability_accident",
                        "event_date": "2022-05-01",
                        "amount": "900.005",
                    }
                ],
            ),
            "history[0].amount: 金额最多两位小数",
        ),
    ],
)
def test_malformed_case_names_the_field(text, field):
    with pytest.raises(RuleViolation) as caught:
        adjudicate_text(text)
    assert field in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.parametrize("grade", [0, 11, "3", None])
def test_disability_grade_must_be_1_to_10(grade):
    claim = {
        "type": "disability_accident",
        "event_date": "2022-05-01",
        "submitted_date": "2022-06-01",
        "disability_grade": grade,
    }
    case = variant(["claim"], claim)
    with pytest.raises(RuleViolation, match="claim.disability_grade"):
        adjudicate_text(case)


def test_duplicate_contract_numbers_are_refused():
    case = json.loads(json.dumps(GOOD))
    case["contracts"].append(dict(case["contracts"][0]))
    with pytest.raises(RuleViolation, match="重复"):
        adjudicate_text(json.dumps(case))


def test_optional_fields_and_settings_are_honoured():
    case = json.loads(json.dumps(GOOD))
    case["history"] = [
        {
            "contract_no": "B01220001",
            "type": "accident_hospitalization",
            "event_date": "2022-05-01",
            "amount": 1600,
            "accident_id": 7,
        }
    ]
    case["settings"] = {"renewal_waives_waiting": False}
    case["claim"]["disease"] = "ci04"
    case["expect"] = {"ignored": True}
    result = adjudicate_text(json.dumps(case))
    assert result["amount"] == "6000.00"
    assert result["lines"][0]["message"].startswith("重大疾病：2份")


def test_empty_settings_keep_the_plan_defaults():
    assert adjudicate_text(variant(["settings"], {}))["amount"] == "10000.00"


def test_amounts_in_json_are_never_floats():
    case = json.loads(json.dumps(GOOD))
    case["claim"] = {
        "type": "death_accident",
        "event_date": "2022-09-30",
        "submitted_date": "2022-10-12",
    }
    case["history"] = [
        {
            "contract_no": "B01220001",
            "type": "disability_accident",
            "event_date": "2022-03-02",
            "amount": 2400.10,
        }
    ]
    assert adjudicate_text(json.dumps(case))["amount"] == "3599.90"


PERIOD = {
    "no": 1,
    "quota": 10,
    "opens": "2025-02-28",
    "closes": "2025-03-21",
    "renewal_end_from": "2024-11-01",
    "renewal_end_to": "2025-03-31",
}
APP = {
    "id": "a",
    "unit": "U1",
    "kind": "new",
    "current_end": None,
    "members": 3,
    "submitted_at": "2025-02-28T09:00:00+08:00",
}


def quota_case(period=None, app=None, **top):
    return json.dumps({"periods": [period or PERIOD], "applications": [app or APP]} | top)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[1]", "(根)"),
        (json.dumps({"periods": []}), "periods"),
        (quota_case(period=PERIOD | {"quota": -1}), "periods[0].quota"),
        (quota_case(period=PERIOD | {"closes": "2025-02-01"}), "periods[0].closes"),
        (quota_case(period=PERIOD | {"hours": ["17:00", "09:00"]}), "periods[0].hours"),
        (quota_case(period=PERIOD | {"hours": ["9am", "17:00"]}), "periods[0].hours[0]"),
        (quota_case(period=PERIOD | {"hours": ["09:00"]}), "periods[0].hours"),
        (quota_case(period=PERIOD | {"hours": [9, "17:00"]}), "periods[0].hours[0]"),
        (quota_case(app=APP | {"kind": "other"}), "applications[0].kind"),
        (quota_case(app=APP | {"current_end": "2025-13-01"}), "applications[0].current_end"),
        (quota_case(app=APP | {"members": 0}), "applications[0].members"),
        (quota_case(app=APP | {"submitted_at": "soon"}), "applications[0].submitted_at"),
        (quota_case(app=APP | {"submitted_at": 5}), "applications[0].submitted_at"),
        (
            quota_case(app=APP | {"submitted_at": "9999-12-31T23:00:00-08:00"}),
            "applications[0].submitted_at: 日期应在 1900 至 2999 年之间",
        ),
        (quota_case(applications={}), "applications"),
    ],
)
def test_malformed_quota_file_names_the_field(text, field):
    with pytest.raises(RuleViolation) as caught:
        simulate_text(text)
    assert field in caught.value.message


def test_a_renewal_without_an_end_date_is_refused_not_the_file():
    """Q-2: a renewing unit applies in the period whose renewal range holds its contract's end
    date; with none given, no period takes it (Q-6 not_eligible). Before, the whole file was
    refused as malformed (exit 2) for this one application."""
    result = simulate_text(quota_case(app=APP | {"kind": "renewal", "current_end": None}))
    [answer] = result["applications"]
    assert (answer["period"], answer["status"], answer["granted"], answer["reason"]) == (
        1,
        "refused",
        0,
        "not_eligible",
    )
    assert result["periods"][0]["granted"] == 0


def test_overlapping_or_duplicate_periods_are_refused():
    second = PERIOD | {"no": 2, "opens": "2025-03-20", "closes": "2025-04-01"}
    with pytest.raises(RuleViolation, match="重叠"):
        simulate_text(json.dumps({"periods": [PERIOD, second], "applications": []}))
    with pytest.raises(RuleViolation, match="重复"):
        simulate_text(json.dumps({"periods": [PERIOD, PERIOD], "applications": []}))


def test_periods_come_back_in_the_order_of_the_input():
    second = PERIOD | {"no": 2, "opens": "2025-05-30", "closes": "2025-06-20"}
    result = simulate_text(json.dumps({"periods": [second, PERIOD], "applications": [APP]}))
    assert [p["no"] for p in result["periods"]] == [2, 1]
    assert result["periods"][1]["granted"] == 3 and result["returned_to_budget"] == 17


def test_application_ids_come_back_as_the_input_wrote_them():
    """Appendix B answers "in the order of the input" with each application's id: a numeric id
    stays a number and spaces are kept, so callers can match answers to their applications."""
    apps = [APP | {"id": 7}, APP | {"id": " b ", "unit": "U2"}]
    result = simulate_text(json.dumps({"periods": [PERIOD], "applications": apps}))
    assert [a["id"] for a in result["applications"]] == [7, " b "]
    assert [a["granted"] for a in result["applications"]] == [3, 3]


def test_history_disease_codes_are_compared_like_the_claims():
    """C-6: a history line written ci01 is the same event as a claim for CI01 on that day."""
    case = json.loads(json.dumps(GOOD))
    case["history"] = [
        {
            "contract_no": "B01220001",
            "type": "critical_illness",
            "event_date": "2023-01-02",
            "disease": "ci01 ",
            "amount": "10000.00",
        }
    ]
    [denial] = adjudicate_text(json.dumps(case))["denials"]
    assert denial["reason"] == "duplicate_event"
