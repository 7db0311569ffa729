"""Template context shared by every page: the navigation for the user's role, and the plan
with the association's settings (E-3's threshold in the pages' explanations)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from huzhu.accounts.models import User
from huzhu.accounts.twofactor import required_for, verified
from huzhu.core import association
from huzhu.core.product import current_plan


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"nav_items": []}
    if required_for(user) and not verified(request):  # each item would lead back to the 2FA page
        return {"nav_items": []}
    idle = {"idle_seconds": settings.SESSION_COOKIE_AGE}  # app.js warns before the session ends
    if user.temporary_password:  # ... or to the password page
        return {"nav_items": []} | idle
    items = [("home", "首页")]
    if user.sees_all_organizations or user.role == "union_officer":
        items.append(("organizations:union_list", "工会组织"))
    items.append(("organizations:unit_list", "单位" if user.role != "unit_officer" else "本单位"))
    if user.role != "unit_officer":  # a unit officer finds his workers on his roster
        items.append(("members:search", "职工"))
    items.append(("contracts:list", "保障合同"))
    items.append(("claims:list", "救助申请"))
    items.append(("quota:board", "普惠名额"))
    if user.sees_all_organizations or user.role == "union_officer":
        items.append(("stats:dashboard", "统计"))
    if user.has_duty("cashier"):
        items.append(("payments:list", "救助金发放"))
    if user.sees_all_organizations:
        items.append(("core:audit_list", "审计日志"))
    items.append(("api:openapi-view", "接口文档"))
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "active": current == name}
            for name, label in items
        ]
    } | idle


def product(request: HttpRequest) -> dict[str, Any]:
    return {"plan": current_plan(), "service_phones": association.SERVICE_PHONES}
