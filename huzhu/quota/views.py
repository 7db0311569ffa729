"""Free-share pages: the live board, a unit's application, units yet to apply (issue 6)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from huzhu.accounts.models import Role, user_of
from huzhu.contracts.access import require_applicant
from huzhu.core import xlsx
from huzhu.core.access import authenticated, roles
from huzhu.core.downloads import xlsx_response
from huzhu.core.types import HtmxHttpRequest
from huzhu.organizations.access import get_unit_for
from huzhu.organizations.models import Unit
from huzhu.organizations.register import UNIT_COLUMNS, unit_cells
from huzhu.quota import actions, queries
from huzhu.quota.models import FreeShareApplication


@authenticated
def board(request: HtmxHttpRequest) -> HttpResponse:
    programme = queries.current_programme()
    rows = queries.board(programme)
    context = {
        "programme": programme,
        "rows": rows,
        "summary": queries.year_summary(programme, rows),
    }
    template = "quota/_board.html" if request.htmx else "quota/board.html"
    return render(request, template, context)


@authenticated
def apply(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    unit = get_unit_for(user, code)
    require_applicant(user, unit.pk)
    context = {
        "unit": unit,
        "preview": queries.preview(unit),
        "answers": FreeShareApplication.objects.filter(unit=unit).select_related("contract")[:10],
    }
    return render(request, "quota/apply.html", context)


@authenticated
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    unit = get_unit_for(user, code)
    require_applicant(user, unit.pk)
    answer = actions.apply_for_free_shares(unit, None, actor=user)
    if answer.granted:
        messages.success(request, f"申请成功：{answer.message}")
    else:
        messages.error(request, f"未获得名额：{answer.message}")
    return redirect("quota:apply", code=unit.code)


@roles(Role.ADMIN, Role.STAFF, Role.UNION_OFFICER)
def pending_units(request: HttpRequest) -> HttpResponse:
    """Units of the user's scope without free shares this year: by default those the open
    period takes (Q-2), to be reminded to apply; `show=all` lists every one, with when it may."""
    user = user_of(request)
    period = queries.current_period()
    rows = queries.pending(Unit.objects.for_user(user), queries.programme_of(period), period)
    due = [r for r in rows if r.now]
    show_all = period is None or request.GET.get("show") == "all"
    chosen = rows if show_all else due
    if request.GET.get("format") == "xlsx":
        return _xlsx(chosen, "尚未获得普惠名额的单位" if show_all else "本期可申请普惠名额的单位")
    context = {
        "rows": chosen[:500],
        "count": len(chosen),
        "due": len(due),
        "total": len(rows),
        "period": period,
        "show_all": show_all,
    }
    return render(request, "quota/pending.html", context)


PENDING_COLUMNS = (*UNIT_COLUMNS, ("类别", 8), ("可申请期次", 30))


def _xlsx(rows: list[queries.PendingUnit], title: str) -> HttpResponse:
    lines = ([*unit_cells(row.unit), row.standing_label, row.when] for row in rows)
    return xlsx_response(xlsx.table_workbook(title, PENDING_COLUMNS, lines), f"{title}.xlsx")
