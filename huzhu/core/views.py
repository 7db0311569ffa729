"""Home page per role, the audit log for staff, and the Chinese error pages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from huzhu.accounts.models import Role, User, user_of
from huzhu.claims.engine import holiday_table
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.contracts.models import RENEWAL_NOTICE_DAYS, Contract, ContractStatus
from huzhu.core import association, clock
from huzhu.core.access import authenticated, roles
from huzhu.core.api_errors import for_api, json_error
from huzhu.core.audit_labels import action_groups
from huzhu.core.models import AuditEntry
from huzhu.organizations.models import Union, Unit
from huzhu.quota.queries import current_period, pending, window_for
from huzhu.rules.workdays import calendar_known


@authenticated
def home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    context: dict[str, object] = {"profile": user, "notice_days": RENEWAL_NOTICE_DAYS}
    if user.sees_all_organizations:
        context |= {
            "union_count": Union.objects.count(),
            "unit_count": Unit.objects.count(),
            "pending_fees": Contract.objects.filter(status=ContractStatus.SUBMITTED).count(),
            "expiring": Contract.objects.expiring(clock.today()).count(),
            "calendar_missing": _calendar_missing(),
            "recent": AuditEntry.objects.select_related("actor")[:8],
            "queues": _claim_queues(),
        }
    elif user.role == Role.UNION_OFFICER:
        context |= _subtree(user)
    else:
        returned = Claim.objects.for_user(user).filter(status=ClaimStatus.RETURNED).count()
        expiring = Contract.objects.for_user(user).expiring(clock.today()).order_by("end")
        context |= {
            "unit": user.unit,
            "returned": returned,
            "expiring": expiring.first(),
            "window": window_for(user.unit) if user.unit else None,  # may it apply now
        }
    return render(request, "core/home.html", context)


OPEN_CLAIMS = [  # filed and not yet settled (C-4)
    ClaimStatus.SUBMITTED,
    ClaimStatus.RETURNED,
    ClaimStatus.REGISTERED,
    ClaimStatus.REVIEWED,
    ClaimStatus.APPROVED,
]


def _subtree(user: User) -> dict[str, object]:
    """A coordinating officer's view of his subtree: its units, which of them to remind of
    续会 (K-5), fees waiting for confirmation, claims under way, and during a free-share
    window how many units have no grant yet (Q-2)."""
    today = clock.today()
    units = Unit.objects.for_user(user)
    contracts = Contract.objects.for_user(user)
    claims = (
        Claim.objects.for_user(user)
        .filter(status__in=OPEN_CLAIMS)
        .aggregate(open=Count("pk"), returned=Count("pk", filter=Q(status=ClaimStatus.RETURNED)))
    )
    period = current_period()
    return {
        "union": user.union,
        "unit_count": units.count(),
        "subunions": Union.objects.for_user(user).count() - 1,
        "covered": contracts.in_state(ContractStatus.ACTIVE, today)
        .values("unit")
        .distinct()
        .count(),
        "expiring": contracts.expiring(today).count(),
        "pending_fees": contracts.filter(status=ContractStatus.SUBMITTED).count(),
        "open_claims": claims["open"],
        "returned": claims["returned"],
        "period": period,
        # the units the open period takes that have no free shares yet, to remind
        "not_applied": (
            sum(r.now for r in pending(units, period.programme, period))
            if period is not None
            else None
        ),
    }


# C-4: the staff's work, one tile per step that waits for someone: (status, what waits)
QUEUES = [
    (ClaimStatus.SUBMITTED, "待查验登记"),
    (ClaimStatus.REGISTERED, "待病案审核"),
    (ClaimStatus.REVIEWED, "待审批"),
    (ClaimStatus.APPROVED, "待发放"),
    (ClaimStatus.PAID, "待归档"),
]


def _claim_queues() -> list[dict[str, object]]:
    """How many claims wait at each step, and how many payments are late (C-5)."""
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("pk")))
    late = Claim.objects.filter(status=ClaimStatus.APPROVED, due_date__lt=clock.today()).count()
    return [
        {
            "status": status.value,
            "label": label,
            "count": counts.get(status.value, 0),
            "late": late if status == ClaimStatus.APPROVED else 0,
        }
        for status, label in QUEUES
    ]


def _calendar_missing() -> int | None:
    """Staff are warned while this year's holiday calendar is not loaded, and from 1 November
    next year's (C-5): the first of them missing. Before, only next year's was asked about, so
    from January to October a year never loaded went unmentioned, its due dates provisional."""
    today = clock.today()
    table = holiday_table()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return next((year for year in years if not calendar_known(year, table)), None)


AUDIT_FILTERS = ("action", "target", "actor", "since", "until")  # the audit page's fields


@roles(Role.ADMIN, Role.STAFF)
def audit_list(request: HttpRequest) -> HttpResponse:
    typed = {key: request.GET.get(key, "").strip() for key in AUDIT_FILTERS}
    action, since, until = typed["action"], typed["since"], typed["until"]
    first, last = clock.parse_day(since), clock.parse_day(until)
    entries = (
        AuditEntry.objects.select_related("actor")
        .matching(action=action, target=typed["target"], actor=typed["actor"])
        .between(first, last)
    )
    wrong = next((text for text, day in ((since, first), (until, last)) if text and not day), "")
    if wrong:
        messages.error(
            request, f"日期“{wrong}”无法识别，请按 2026-11-30 的格式填写；未按该日期筛选"
        )
    groups = action_groups()
    offered = {prefix for prefix, _, _ in groups} | {c for _, _, items in groups for c, _ in items}
    context = typed | {
        "page": Paginator(entries, 50).get_page(request.GET.get("page")),
        "groups": groups,
        "action_offered": not action or action in offered,  # else kept as typed in the URL
    }
    return render(request, "core/audit_list.html", context)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Bad requests caught by Django before any view (a body over the size limit, too many
    fields): the Chinese page, or the API's JSON error under /api/."""
    status, code, message = 400, "bad_request", "请求的内容无法处理，请检查后重试。"
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        status, code = 413, "too_large"
        message = f"请求内容过大（文件以外的内容最多 {limit:g} MB），未作任何处理"
    elif isinstance(exception, TooManyFieldsSent):
        message = "提交的字段过多，未作任何处理"
    if for_api(request):
        return json_error(status, code, message)
    return render(request, "400.html", {"reason": message}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if for_api(request):
        return json_error(404, "not_found", "没有这个接口（请查看 /api/v1/docs）")
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if for_api(request):
        return json_error(
            500, "server_error", "服务器内部错误，您的数据没有被修改；错误已记录，请稍后重试"
        )
    # No request context: the page must render even when the error came from a middleware.
    page = loader.get_template("500.html").render({"service_phones": association.SERVICE_PHONES})
    return HttpResponse(page, status=500)
