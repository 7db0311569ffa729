"""Scoped fetches of contracts and who may act on them."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from huzhu.accounts.models import Duty, Role, User
from huzhu.contracts.models import Contract


def get_contract_for(user: User, public_id: str) -> Contract:
    """By contract number once it has one, by its opaque code before; 404 outside scope."""
    contract = (
        Contract.objects.for_user(user)
        .select_related("unit__union", "previous")
        .filter(Q(contract_no=public_id) | Q(code=public_id))
        .first()
    )
    if contract is None:
        raise Http404("未找到该合同")
    return contract


def can_apply(user: User, contract_unit_id: int) -> bool:
    """Enrol, submit, cancel, renew: the unit's officer or association staff."""
    return user.role == Role.STAFF or (
        user.role == Role.UNIT_OFFICER and user.unit_id == contract_unit_id
    )


def require_applicant(user: User, unit_id: int) -> None:
    if not can_apply(user, unit_id):
        raise PermissionDenied("只有本单位经办人或互济会工作人员可以办理")


def can_confirm_fee(user: User) -> bool:
    return user.has_duty(Duty.REGISTRAR) or user.has_duty(Duty.CASHIER)


def require_fee_confirmer(user: User) -> None:
    if not can_confirm_fee(user):
        raise PermissionDenied("只有互济会登记或出纳人员可以确认会费")
