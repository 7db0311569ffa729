"""The plan the live system applies: the rulebook's defaults (huzhu.rules.product) with the
clauses the rulebook leaves to the association read from the settings: E-3's participation
threshold, P-6's renewal waiver and P-5's waiting period for death by illness (both marked
[interpretation]). `huzhu adjudicate` keeps the rulebook's defaults unless its case file's
`settings` say otherwise (appendix A)."""

from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

from django.conf import settings

from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, BenefitType, Plan


def current_plan() -> Plan:
    return _plan(
        settings.PARTICIPATION_THRESHOLD,
        settings.RENEWAL_WAIVES_WAITING,
        settings.DEATH_ILLNESS_WAITING_DAYS,
    )


@lru_cache(maxsize=8)
def _plan(threshold: Decimal, waives: bool, death_illness_days: int) -> Plan:
    base = CRITICAL_ILLNESS_PLAN
    waiting = dict(base.waiting_days) | {BenefitType.DEATH_ILLNESS: death_illness_days}
    return replace(
        base,
        participation_threshold=threshold,
        renewal_waives_waiting=waives,
        waiting_days=MappingProxyType(waiting),
    )
