"""A claim's facts as the unit (or the service window) gives them, and what is wrong with them
(C-1, C-2): the intake's checks, before any write."""

from dataclasses import dataclass
from datetime import date

from django.db import models

from huzhu.claims.models import Circumstance, Claim
from huzhu.rules.dates import EARLIEST
from huzhu.rules.identity import validate_bank_card, validate_resident_id
from huzhu.rules.product import DEATH_TYPES, DISEASES, BenefitType


@dataclass(frozen=True)
class ClaimFacts:
    """What the unit (or the service window) tells about the event (C-1, C-2)."""

    kind: str
    event_date: date
    known_date: date | None = None
    first_diagnosed: date | None = None
    disease: str = ""
    disability_grade: int | None = None
    accident_id: str = ""
    circumstance: str = ""
    hospital: str = ""
    admitted: date | None = None
    discharged: date | None = None
    description: str = ""
    trustee_name: str = ""
    trustee_id_number: str = ""
    trustee_card: str = ""
    trustee_relation: str = ""


# the facts that may be absent (None); every other fact is text, empty when not given
OPTIONAL_FACTS = frozenset(
    {"known_date", "first_diagnosed", "admitted", "discharged", "disability_grade"}
)


def check_facts(facts: ClaimFacts, today: date, born: date | None = None) -> list[str]:
    """What is wrong with a claim's facts; `born` is the member's birth date (from his ID
    number): an event before it is a typo."""
    problems = []
    if facts.kind not in BenefitType.__members__.values():
        problems.append("请选择救助类型")
    if facts.event_date > today:
        problems.append("事件日期不能晚于今天")
    if born is not None and EARLIEST <= facts.event_date < born:
        problems.append(f"事件日期早于被保障人的出生日期（{born}），请核对")
    if facts.known_date and facts.known_date < facts.event_date:
        problems.append("知道事件的日期不能早于事件日期")
    if facts.first_diagnosed and facts.first_diagnosed > facts.event_date:
        problems.append("疾病首次确诊日期不能晚于事件日期")
    problems += _date_problems(facts, today)
    if (facts.kind == "critical_illness" or facts.disease) and facts.disease not in DISEASES:
        problems.append("请从34类重大疾病中选择疾病（CI01至CI34）")
    grade = facts.disability_grade
    if (facts.kind == "disability_accident" or grade is not None) and not 1 <= (grade or 0) <= 10:
        problems.append("伤残等级应为1至10级")
    if facts.admitted and facts.discharged and facts.discharged < facts.admitted:
        problems.append("出院日期不能早于入院日期")
    accident = facts.kind in ("accident_hospitalization", "death_accident", "disability_accident")
    if accident and facts.circumstance not in Circumstance.values:
        problems.append("请选择事故情形（工伤或摔伤 / 驾驶机动车 / 刑事案件 / 其他）")
    problems += _length_problems(facts)
    if facts.kind in DEATH_TYPES:
        problems += _trustee_problems(facts, today)
    return problems


def _date_problems(facts: ClaimFacts, today: date) -> list[str]:
    """Dates a claim cannot have: in the future, or before 1900 (a typo; the time bar of a known
    date in year 9999 could not even be computed)."""
    problems = []
    for name in ("event_date", "known_date", "first_diagnosed", "admitted", "discharged"):
        day: date | None = getattr(facts, name)
        label = str(getattr(Claim._meta.get_field(name), "verbose_name", name))
        if day is not None and name != "event_date" and day > today:
            problems.append(f"{label}不能晚于今天")
        if day is not None and day < EARLIEST:
            problems.append(f"{label} {day} 不合理")
    return problems


def _length_problems(facts: ClaimFacts) -> list[str]:
    """Text longer than its column (the API's fields are not bounded by a form; PostgreSQL
    would refuse it with a server error)."""
    problems = []
    for name, value in facts.__dict__.items():
        field = Claim._meta.get_field(name)
        if not isinstance(field, models.Field) or not isinstance(value, str):
            continue
        if field.max_length and len(value) > field.max_length:
            problems.append(f"“{field.verbose_name}”不能超过{field.max_length}个字")
    return problems


def _trustee_problems(facts: ClaimFacts, today: date) -> list[str]:
    problems = []
    if not facts.trustee_name.strip() or not facts.trustee_relation.strip():
        problems.append("身故救助须填写受托人姓名及与被保障人的关系")
    for check, value in (
        (validate_resident_id, facts.trustee_id_number),
        (None, facts.trustee_card),
    ):
        try:
            if check is None:
                validate_bank_card(value)
            else:
                check(value, today)
        except ValueError as exc:
            problems.append(f"受托人：{exc}")
    return problems
