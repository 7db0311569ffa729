"""The statistics dashboard (SPEC S-1): staff see everything, a coordinating officer his
subtree. Charts are drawn in the browser from the same figures as the tables."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from huzhu.accounts.models import Role, User, user_of
from huzhu.core import clock
from huzhu.core.access import roles
from huzhu.core.downloads import xlsx_response
from huzhu.organizations.models import Union
from huzhu.stats.export import HISTORY_TABLES, TABLES, workbook
from huzhu.stats.export import per_year as per_year_table
from huzhu.stats.figures import Figures, Totals, compute, history_of

FIRST_YEAR = 2006  # the scheme's first year (brochure: 2006-2024)


def _scope(user: User, code: str) -> Union | None:
    """The union the figures are for: a coordinating officer is held to his subtree."""
    unions = Union.objects.for_user(user)
    if code:
        found = unions.filter(code=code).first()
        if found is None:
            raise Http404("没有这个上级工会，或不在您的管辖范围内")
        return found
    if user.role == Role.UNION_OFFICER:
        return user.union
    return None


def _year(text: str) -> int | None:
    if not text or text == "all":
        return None
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= clock.today().year:
        raise Http404("年度不正确")
    return int(text)


def _figures(request: HttpRequest, *, history: bool = True) -> tuple[Figures, Union | None]:
    user = user_of(request)
    year_text = request.GET.get("year", str(clock.today().year))
    root = _scope(user, request.GET.get("union", ""))
    return compute(_year(year_text), root, history=history), root


@roles(Role.ADMIN, Role.STAFF, Role.UNION_OFFICER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The chosen year's figures at once; the since-inception part comes from `history`."""
    figures, root = _figures(request, history=False)
    user = user_of(request)
    tables = {name: build(figures) for name, build in TABLES.items() if name not in HISTORY_TABLES}
    chart = {
        "types": [r["label"] for r in figures.by_type],
        "type_amounts": [str(r["amount"]) for r in figures.by_type],
        "periods": [f"第{r['period']}期" for r in figures.quota],
        "quota": [r["effective_quota"] for r in figures.quota],
        "granted": [r["granted_city"] for r in figures.quota],
    }
    return render(
        request,
        "stats/dashboard.html",
        {
            "figures": figures,
            "tables": tables,
            "chart": chart,  # display only; every figure is exact in the tables and exports
            "years": list(range(clock.today().year, FIRST_YEAR - 1, -1)),
            "unions": Union.objects.for_user(user).order_by("path"),
            "selected_union": root.code if root else "",
            "selected_year": str(figures.year or "all"),
            "query": request.GET.urlencode(),
        },
    )


@roles(Role.ADMIN, Role.STAFF, Role.UNION_OFFICER)
def history(request: HttpRequest) -> HttpResponse:
    """Since inception and per year (htmx fragment; cached until the next audited change)."""
    root = _scope(user_of(request), request.GET.get("union", ""))
    inception, per_year = history_of(root)
    figures = Figures(root.name if root else "全市", None, Totals(), inception, per_year)
    figures.has_history = True
    table = per_year_table(figures)
    chart = {
        "years": [y for y, _ in per_year],
        "fees": [str(t.fees) for _, t in per_year],
        "benefits": [str(t.benefits) for _, t in per_year],
    }
    return render(
        request,
        "stats/_history.html",
        {
            "inception": inception,
            "table": table,
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


@roles(Role.ADMIN, Role.STAFF, Role.UNION_OFFICER)
def export(request: HttpRequest, table: str) -> HttpResponse:
    if table != "all" and table not in TABLES:
        raise Http404("没有这个统计表")
    figures, _ = _figures(request)
    names = list(TABLES) if table == "all" else [table]
    label = figures.year or "全部年度"
    return xlsx_response(workbook(figures, names), f"统计-{figures.scope}-{label}-{table}.xlsx")
