from django.db import connection
from django.http import HttpRequest
from ninja import Router, Schema

from huzhu.accounts.models import user_of
from huzhu.accounts.schemas import MeOut

router = Router(tags=["账户"])


class HealthOut(Schema):
    status: str


@router.get("/health", response=HealthOut, auth=None, summary="健康检查：服务与数据库可用")
def health(request: HttpRequest) -> HealthOut:
    """For load balancers and monitoring: no token, no data, one round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HealthOut(status="ok")


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
