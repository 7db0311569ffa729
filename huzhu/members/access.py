"""Scoped fetches of members; who may import rosters and see full numbers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from huzhu.accounts.models import Role, User
from huzhu.members.models import Member
from huzhu.organizations.models import Unit


def can_manage_roster(user: User, unit: Unit) -> bool:
    """Staff, or the officer of this very unit."""
    return user.role == Role.STAFF or (user.role == Role.UNIT_OFFICER and user.unit_id == unit.pk)


def require_roster_manager(user: User, unit: Unit, doing: str = "导入名册") -> None:
    if not can_manage_roster(user, unit):
        raise PermissionDenied(f"只有本单位经办人或互济会工作人员可以{doing}")


def get_member_for(user: User, code: str) -> Member:
    member = Member.objects.for_user(user).filter(code=code).first()
    if member is None:
        raise Http404("未找到该职工")
    return member


def can_reveal(user: User, member: Member) -> bool:
    """Full ID and card numbers: staff, and the officer of the member's current unit."""
    if user.role == Role.STAFF:
        return True
    current = member.current_membership
    return (
        user.role == Role.UNIT_OFFICER and current is not None and current.unit_id == user.unit_id
    )
