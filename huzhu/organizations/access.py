"""Scoped fetches of unions and units: what a user may not see is a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from huzhu.accounts.models import User
from huzhu.organizations.models import Union, Unit


def can_edit_units(user: User) -> bool:
    return user.sees_all_organizations


def get_unit_for(user: User, code: str, *, write: bool = False) -> Unit:
    unit = Unit.objects.for_user(user).select_related("union").filter(code=code).first()
    if unit is None:
        raise Http404("未找到该单位")
    if write and not can_edit_units(user):
        raise PermissionDenied("您无权修改单位信息")
    return unit


def get_union_for(user: User, code: str) -> Union:
    union = Union.objects.for_user(user).filter(code=code).first()
    if union is None:
        raise Http404("未找到该工会")
    return union
