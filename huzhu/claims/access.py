"""Scoped fetches of claims: other units' claims and their documents are 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from huzhu.accounts.models import Role, User
from huzhu.claims.models import Claim


def get_claim_for(user: User, number: str) -> Claim:
    claim = (
        Claim.objects.for_user(user)
        .select_related("member", "unit", "reviewed_by", "approved_by")
        .filter(number=number)
        .first()
    )
    if claim is None:
        raise Http404("未找到该救助申请")
    return claim


def can_open_documents(user: User, claim: Claim) -> bool:
    """The documents themselves (medical records, copies of ID and bank cards: sensitive data,
    PIPL art. 28) are for those who handle the claim: the unit that filed it and the
    association's staff. A coordinating union follows the claim's progress without them."""
    return can_file(user, claim)


def can_file(user: User, claim: Claim | None = None) -> bool:
    """Unit officers file for their members (and correct returned claims); staff at the window."""
    if user.role == Role.STAFF:
        return True
    return user.role == Role.UNIT_OFFICER and (claim is None or claim.unit_id == user.unit_id)


def require_filer(user: User, claim: Claim, doing: str) -> None:
    """Only the filing unit and staff at the window act for the claimant: upload, confirm,
    correct, resubmit, withdraw (a coordinating union sees the claim, nothing more)."""
    if not can_file(user, claim):
        raise PermissionDenied(f"只有申请单位或互济会工作人员可以{doing}")
