"""Public pages: the worker's own look-up (保单查询) and the scheme in plain words."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from huzhu.claims.checklist import BY_CIRCUMSTANCE, BY_KIND
from huzhu.contracts.models import FundingSource
from huzhu.core.access import public
from huzhu.core.clients import client_address
from huzhu.core.product import current_plan
from huzhu.lookup.limits import Limit
from huzhu.lookup.service import Refusal, checked_lookup
from huzhu.rules.product import BenefitType


@public
def search(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: the answer (the ID number and name never travel in the URL)."""
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        id_number = str(request.POST.get("id_number", ""))
        name = str(request.POST.get("name", ""))
        result = checked_lookup(Limit.setting("client"), client_address(request), id_number, name)
        context["name"] = name
        if isinstance(result, Refusal):
            context["refusal"] = result
            status = 429 if result.code == "rate_limited" else 400
        else:
            context["answer"] = result
    return render(request, "lookup/search.html", context, status=status)


@public
def scheme(request: HttpRequest) -> HttpResponse:
    plan = current_plan()  # the association's settings (waiting days, P-6)
    kinds = [
        {"label": kind.label, "items": BY_KIND[kind.value], "waiting": plan.waiting_days[kind]}
        for kind in BenefitType
    ]
    waits = {  # P-5 in words, from the settings
        kind.value: f"合同生效 {days} 日后" if days else "生效次日即可"
        for kind, days in plan.waiting_days.items()
    }
    diseases = sorted(plan.diseases.values(), key=lambda d: d.code)
    return render(
        request,
        "lookup/scheme.html",
        {
            "plan": plan,
            "kinds": kinds,
            "waits": waits,
            "circumstances": BY_CIRCUMSTANCE,
            "tier_a": [d for d in diseases if d.tier == "A"],
            "tier_b": [d for d in diseases if d.tier == "B"],
            "funding": FundingSource.labels,  # K-3
        },
    )
