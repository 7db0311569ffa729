"""The JSON API at /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from huzhu.accounts.api import router as accounts_router
from huzhu.accounts.auth import BearerToken
from huzhu.claims.api import router as claims_router
from huzhu.contracts.api import router as contracts_router
from huzhu.core import api_errors
from huzhu.lookup.api import router as lookup_router
from huzhu.members.api import router as members_router
from huzhu.organizations.api import router as organizations_router
from huzhu.payments.api import router as payments_router
from huzhu.quota.api import router as quota_router

api = NinjaAPI(
    title="huzhu 职工大病互助保障接口",
    version="1",
    description="济南市职工互助互济会 · 职工大病互助保障系统接口。使用 Bearer 令牌认证"
    "（`huzhu create-token 用户名` 生成）。错误统一为 "
    '`{"error": {"code": ..., "message": ...}}`。',
    auth=BearerToken(),
    urls_namespace="api",
)
api_errors.install(api)
api.add_router("/", accounts_router)
api.add_router("/", organizations_router)
api.add_router("/", members_router)
api.add_router("/", contracts_router)
api.add_router("/", claims_router)
api.add_router("/", payments_router)
api.add_router("/", quota_router)
api.add_router("/", lookup_router)
