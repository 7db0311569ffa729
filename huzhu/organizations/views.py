"""Pages for unions and units, scoped by role (SPEC E-1, E-2)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from huzhu.accounts.models import Role, User, user_of
from huzhu.claims.models import Claim
from huzhu.contracts.models import Contract, ContractStatus
from huzhu.core import clock
from huzhu.core.access import authenticated, roles
from huzhu.core.downloads import xlsx_response
from huzhu.core.types import HtmxHttpRequest
from huzhu.core.uploaded import read_bounded
from huzhu.members.spreadsheet import MAX_BYTES
from huzhu.organizations import actions, register, sheet
from huzhu.organizations.access import can_edit_units, get_union_for, get_unit_for
from huzhu.organizations.forms import UnitForm, UnitSheetForm
from huzhu.organizations.models import Union, Unit, UnitQuerySet

PAGE_SIZE = 25
COVER = {"covered": "有有效合同", "none": "无有效合同"}  # the unit list's filter


# the unique credit code (E-2) taken between the form's check and the save
CODE_TAKEN = "该统一社会信用代码刚被另一单位登记，未保存；请刷新后核对"


@authenticated
def unit_list(request: HtmxHttpRequest) -> HttpResponse:
    user = user_of(request)
    query = request.GET.get("q", "")
    union_code = request.GET.get("union", "")
    cover = request.GET.get("cover", "")
    units = _filtered(Unit.objects.for_user(user), user, query, union_code, cover)
    if request.GET.get("format") == "xlsx":
        today = clock.today()
        workbook = register.unit_workbook(units, today)
        return xlsx_response(workbook, f"单位名录-{today:%Y%m%d}.xlsx")
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "union_code": union_code,
        "cover": cover,
        "covers": COVER,
        "unions": Union.objects.for_user(user),
        "can_edit": can_edit_units(user),
        # the export takes what the list shows: its filters and search, every page
        "export": urlencode(
            {"q": query.strip(), "union": union_code, "cover": cover, "format": "xlsx"}
        ),
    }
    template = "organizations/_unit_rows.html" if request.htmx else "organizations/unit_list.html"
    return render(request, template, context)


def _filtered(
    units: UnitQuerySet, user: User, query: str, union_code: str, cover: str
) -> UnitQuerySet:
    """The units the list shows: the search, one union's subtree, with or without cover."""
    units = units.select_related("union").search(query)
    if union_code:
        union = get_union_for(user, union_code)
        units = units.filter(union__path__startswith=union.path)
    if cover in COVER:  # a contract in force or confirmed to start, as read today (K-4)
        held = Contract.objects.in_state(ContractStatus.ACTIVE, clock.today()).values("unit")
        units = units.filter(pk__in=held) if cover == "covered" else units.exclude(pk__in=held)
    return units


@authenticated
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    unit = get_unit_for(user, code)
    context = {
        "unit": unit,
        "chain": unit.union.ancestors_and_self(),
        "can_edit": can_edit_units(user),
        "contracts": Contract.objects.filter(unit=unit).order_by("-created_at")[:20],
        # when the unit calls about its claims (latest submitted first, as the claim list)
        "claims": Claim.objects.for_user(user).filter(unit=unit).select_related("member")[:21],
    }
    if user.sees_all_organizations:  # who acts for the unit, when it calls
        officers = User.objects.filter(role=Role.UNIT_OFFICER, unit=unit).order_by("username")
        context["officers"] = officers
    if user.role == Role.ADMIN:
        context["add_officer"] = _add_officer_url(unit)
    return render(request, "organizations/unit_detail.html", context)


def _add_officer_url(unit: Unit) -> str:
    """The admin's new-user page filled in for an officer of `unit` (its contact as the
    likeliest one): one unit's account at a time, without searching for the unit there."""
    initial = {
        "role": Role.UNIT_OFFICER,
        "unit": unit.pk,
        "display_name": unit.contact_name,
        "phone": unit.contact_phone,
    }
    return f"{reverse('admin:accounts_user_add')}?{urlencode(initial)}"


@roles("admin", "staff")
def unit_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = UnitForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(form.facts(), actor=user)
        except IntegrityError:  # the form's check passed, then someone registered it
            form.add_error("credit_code", CODE_TAKEN)
        else:
            messages.success(request, f"单位“{unit.name}”已登记，编号 {unit.code}")
            return redirect("organizations:unit_detail", code=unit.code)
    return render(request, "organizations/unit_form.html", {"form": form, "unit": None})


@roles("admin", "staff")
def unit_template(request: HttpRequest) -> HttpResponse:
    unions = list(Union.objects.for_user(user_of(request)).order_by("path"))
    return xlsx_response(sheet.template_workbook(unions), "批量登记单位模板.xlsx")


@roles("admin", "staff")
def unit_import(request: HttpRequest) -> HttpResponse:
    """Units from a spreadsheet: the upload is checked and shown; a file whose every row passed
    comes back signed in the page and is registered when confirmed (checked again then)."""
    user = user_of(request)
    if "rows" in request.POST:  # the confirmation
        return _register_checked(request, user)
    form = UnitSheetForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        checked = sheet.check_units(read_bounded(form.cleaned_data["file"], MAX_BYTES), user)
        signed = signing.dumps(checked.records, salt=ROWS_SALT, compress=True) if checked.ok else ""
        context |= {"sheet": checked, "signed": signed}
    return _import_page(request, context)


def _register_checked(request: HttpRequest, user: User) -> HttpResponse:
    records = _signed_rows(request.POST["rows"])
    if records is None:
        messages.error(request, "检查结果已失效（超过1小时或已被改动），请重新上传表格")
        return redirect("organizations:unit_import")
    checked = sheet.check_records(records, user)
    if checked.ok:
        try:
            made = actions.register_units(checked.units, actor=user)
        except IntegrityError:
            checked.problems.append(sheet.Problem(0, "", CODE_TAKEN))
        else:
            messages.success(request, f"已登记 {len(made)} 家单位")
            return redirect("organizations:unit_list")
    return _import_page(request, {"form": UnitSheetForm(), "sheet": checked})


def _import_page(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    shown = {"shown": sheet.SHOWN, "shown_slice": f":{sheet.SHOWN}"}
    return render(request, "organizations/unit_import.html", context | shown)


ROWS_SALT = "huzhu.organizations.unit_import"  # the checked rows, signed into the page


def _signed_rows(text: str) -> list[sheet.Record] | None:
    """The rows the check passed, as the page sent them back; None when altered or stale."""
    try:
        rows = signing.loads(text, salt=ROWS_SALT, max_age=3600)
    except signing.BadSignature:
        return None
    return [(int(row_no), dict(values)) for row_no, values in rows]


@roles("admin", "staff")
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    unit = get_unit_for(user, code, write=True)
    form = UnitForm(request.POST or None, user=user, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(unit, form.facts(), actor=user)
        except IntegrityError:
            form.add_error("credit_code", CODE_TAKEN)
        else:
            messages.success(request, "单位信息已保存")
            return redirect("organizations:unit_detail", code=unit.code)
    return render(request, "organizations/unit_form.html", {"form": form, "unit": unit})


@roles("admin", "staff", "union_officer")
def union_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    unions = Union.objects.for_user(user)
    counts = {
        row["union__path"]: row["n"]
        for row in Unit.objects.for_user(user).values("union__path").annotate(n=Count("id"))
    }
    rows = [
        {
            "union": u,
            "indent": u.depth - (unions[0].depth if unions else 0),
            "units": sum(n for path, n in counts.items() if path.startswith(u.path)),
        }
        for u in unions
    ]
    return render(request, "organizations/union_list.html", {"rows": rows})


@roles("admin", "staff", "union_officer")
def union_detail(request: HttpRequest, code: str) -> HttpResponse:
    union = get_union_for(user_of(request), code)
    return render(
        request,
        "organizations/union_detail.html",
        {
            "union": union,
            "chain": union.ancestors_and_self(),
            "children": union.children.all(),
            "unit_count": Unit.objects.filter(union__path__startswith=union.path).count(),
        },
    )
