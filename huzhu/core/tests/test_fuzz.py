"""Issue 8 §5: fuzzing the three readers of outside files — the roster importer, the
adjudication case reader, the bank's result file. Whatever comes in: no crash, a Chinese answer,
and nothing half-written."""

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.models import Member, Membership
from huzhu.members.tests.rosters import csv_bytes, person, xlsx
from huzhu.payments import actions as payments
from huzhu.payments.models import Payment, PaymentStatus
from huzhu.rules.casefile import adjudicate_text
from huzhu.rules.errors import RuleViolation

CASES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "cases" / "adjudication"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=3)

# openpyxl cannot store control characters, so generated text leaves them out (the raw-bytes
# tests below cover arbitrary content)
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=25)
cells = st.one_of(
    st.none(),
    printable,
    CHINESE,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["=1+1", "在职", "退休", "3", "0", "１", "劳模工匠", "X", " ", "\t"]),
)


def snapshot() -> tuple[int, int, int]:
    return Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


def _contains_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@FUZZ
@given(
    data=st.binary(max_size=400),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0"]),
)
def test_roster_bytes_never_crash_or_write(tree, data, prefix):
    before = snapshot()
    report = import_roster(tree.unit_a, prefix + data, actor=None, effective=date(2025, 3, 1))
    if not report.saved:
        assert snapshot() == before
        assert all(_contains_chinese(e.message) for e in report.errors)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=9), min_size=1, max_size=6),
    as_csv=st.booleans(),
)
def test_roster_cells_never_crash_and_are_all_or_nothing(tree, rows, as_csv):
    tree.unit_a.member_count = 1
    before = snapshot()
    good = [person(1)]
    data = csv_bytes(good + rows) if as_csv else xlsx(good + rows, text_cells=False)
    report = import_roster(tree.unit_a, data, actor=None, effective=date(2025, 3, 1))
    if report.saved:
        assert not report.errors and report.created + report.updated == report.accepted
    else:
        assert snapshot() == before
        assert report.errors and all(_contains_chinese(e.message) for e in report.errors)


def _case_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CASES.glob("*.json"))][:5]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _mutate(case: dict, path: list[str], value: object) -> str:
    target = case
    for key in path[:-1]:
        if not isinstance(target, dict) or key not in target:
            break
        target = target[key]
    if isinstance(target, dict):
        target[path[-1]] = value
    return json.dumps(case)


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(_case_texts() or ["{}"]),
    path=st.lists(
        st.sampled_from(
            [
                "claim",
                "contracts",
                "history",
                "settings",
                "kind",
                "event_date",
                "disease",
                "shares",
                "effective",
                "grade",
                "amount",
                "first_diagnosed",
                "accident_id",
                "known_date",
                "submitted",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
    value=json_values,
)
def test_adjudication_reader_answers_or_names_the_field(base, path, value):
    text = _mutate(json.loads(base), path, value)
    try:
        decision = adjudicate_text(text)
    except RuleViolation as exc:
        assert _contains_chinese(exc.message)
        return
    assert "amount" in decision


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_adjudication_reader_survives_any_text(text):
    try:
        adjudicate_text(text)
    except RuleViolation as exc:
        assert _contains_chinese(exc.message)


@pytest.fixture
def batch(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    claim = approved_claim(Member.objects.get(), people)
    made = payments.create_batch([claim], actor=people.cashier)
    made = payments.approve_batch(made, actor=people.approver)
    payments.export_batch(made, actor=people.cashier)
    return made


RESULT_HEADER = ["救助申请编号", "结果", "银行流水号", "到账日期", "失败原因"]


@FUZZ
@given(
    rows=st.lists(st.lists(cells, max_size=6), max_size=4),
    real_claim=st.booleans(),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
)
def test_bank_result_files_never_crash_or_half_write(batch, people, rows, real_claim, raw):
    payment = batch.payments.get()
    if raw is not None:
        data = raw
    else:
        if real_claim and rows:
            rows[0] = [payment.claim.number, *rows[0][1:]]
        data = xlsx(rows, header=RESULT_HEADER, text_cells=False)
    before = list(Payment.objects.values_list("pk", "status", "bank_ref"))
    try:
        recorded = payments.import_bank_results(batch, data, actor=people.cashier)
    except payments.PaymentError as exc:
        assert _contains_chinese(str(exc))
        assert list(Payment.objects.values_list("pk", "status", "bank_ref")) == before
        return
    assert recorded == Payment.objects.exclude(status=PaymentStatus.PENDING).count() - sum(
        1 for _, status, _ in before if status != PaymentStatus.PENDING
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf"]))
def test_uploads_over_http_never_answer_500(tree, people, login, batch, data, prefix):
    """The same files through the web: the roster check page, the roster API and the bank
    result page answer in Chinese (never a 500) and write nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from huzhu.accounts.actions import issue_token

    body = prefix + data
    officer = login(people.officer_a)
    before = snapshot()
    page = officer.post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": SimpleUploadedFile("名册.xlsx", body), "consent": "on"},
    )
    assert page.status_code in (200, 422)  # 422: the form refused (an empty file)
    token = issue_token(people.officer_a, actor=None)
    api = Client(headers={"authorization": f"Bearer {token}"}).post(
        f"/api/v1/units/{tree.unit_a.code}/roster",
        {"file": SimpleUploadedFile("名册.csv", body), "consent_confirmed": "true"},
    )
    assert api.status_code in (200, 422), api.content
    if api.status_code == 200:
        assert (
            api.json()["saved"]
            or (Member.objects.count(), Membership.objects.count()) == before[:2]
        )
