"""What members already hold: the shares of contracts that count against the cap (P-2)."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from huzhu.contracts.models import ContractLine, ContractStatus, Funding
from huzhu.core import clock
from huzhu.rules.dates import contract_end, paid_effective

Holding = tuple[date, date, int]  # (effective, end, shares): covers (effective, end]


def holdings_of(
    member_ids: Iterable[int],
    *,
    exclude_contract: int | None = None,
    exclude_paid_of: int | None = None,
    active_only: bool = False,
) -> dict[int, list[Holding]]:
    """Per member, the (effective, end, shares) of every active contract and, unless
    `active_only`, every submitted one, leaving out `exclude_contract` and the paid contracts of
    the unit `exclude_paid_of`. A submitted contract has no effective date yet: the one
    K-6 would give it if its fee were confirmed today stands in (a renewal submitted in time
    continues on its previous contract's end date, so it does not count as overlapping it)."""
    statuses = [ContractStatus.ACTIVE]
    if not active_only:
        statuses.append(ContractStatus.SUBMITTED)
    ids = list(member_ids)
    result: dict[int, list[Holding]] = {i: [] for i in ids}
    today = clock.today()
    for start in range(0, len(ids), 2000):
        lines = ContractLine.objects.filter(
            member_id__in=ids[start : start + 2000], contract__status__in=statuses
        )
        if exclude_contract is not None:
            lines = lines.exclude(contract_id=exclude_contract)
        if exclude_paid_of is not None:
            lines = lines.exclude(contract__unit_id=exclude_paid_of, contract__funding=Funding.PAID)
        rows = lines.values_list(
            "member_id",
            "shares",
            "contract__effective",
            "contract__end",
            "contract__requested_start",
            "contract__submitted_at",
            "contract__previous__end",
        )
        for member_id, shares, effective, end, requested, submitted, previous_end in rows:
            begin = effective or paid_effective(
                today,
                previous_end=previous_end,
                submitted=timezone.localdate(submitted) if submitted else None,
                requested=requested,
            )
            result[member_id].append((begin, end or contract_end(begin), shares))
    return result
