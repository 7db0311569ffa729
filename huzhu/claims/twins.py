"""C-6: claims of one event. The same event (member, type, event date and disease, or the
accident) is paid once; a second claim is flagged from the moment it is filed."""

from collections import Counter
from collections.abc import Sequence

from huzhu.claims.models import Claim, ClaimStatus
from huzhu.rules.adjudication import event_key
from huzhu.rules.product import BenefitType


def _event(claim: Claim) -> tuple[object, ...]:
    """C-6: who and what event (type, event date and disease, or the accident)."""
    kind = BenefitType(claim.kind)
    event = event_key(kind, claim.event_date, claim.disease or None, claim.accident_id or None)
    return (claim.member_id, *event)


def same_event(claim: Claim) -> list[Claim]:
    """C-6: the member's other claims for the same event, withdrawn ones left out, oldest
    first: the flag a second claim carries."""
    return [other for other in event_claims(claim) if other.pk != claim.pk]


def event_claims(claim: Claim) -> list[Claim]:
    """C-6: the member's claims (withdrawn ones left out, oldest first) for the event `claim`
    describes; `claim` itself need not be saved (the claim form asks before filing)."""
    others = (
        Claim.objects.filter(member_id=claim.member_id, kind=claim.kind)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .order_by("submitted_at", "pk")
    )
    return [other for other in others if _event(other) == _event(claim)]


def flagged_twins(claims: Sequence[Claim]) -> set[int]:
    """C-6 for a list: the ids of those of `claims` that share their event with another claim
    not withdrawn (one query for the whole page)."""
    members = {c.member_id for c in claims}
    counts = Counter(
        _event(c)
        for c in Claim.objects.filter(member_id__in=members)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .only("member_id", "kind", "event_date", "disease", "accident_id")
    )
    return {c.pk for c in claims if c.status != ClaimStatus.WITHDRAWN and counts[_event(c)] > 1}
