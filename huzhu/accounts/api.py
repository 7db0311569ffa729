from django.http import HttpRequest
from ninja import Router

from huzhu.accounts.models import user_of
from huzhu.accounts.schemas import MeOut

router = Router(tags=["账户"])


@router.get("/me", response=MeOut, summary="当前令牌所属的账户")
def me(request: HttpRequest) -> MeOut:
    user = user_of(request)
    return MeOut(
        username=user.username,
        display_name=str(user),
        role=user.role,
        role_label=user.get_role_display(),
        duties=[d.value for d in user.duties],
        union=user.union.code if user.union else None,
        unit=user.unit.code if user.unit else None,
    )
