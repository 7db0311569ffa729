"""Roster pages: the unit's roster, upload → check → confirm, member detail with coverage."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from huzhu.accounts.models import User, user_of
from huzhu.claims.access import can_file
from huzhu.claims.engine import cover_ended
from huzhu.claims.models import Claim
from huzhu.contracts.models import Contract, ContractLine, ContractStatus
from huzhu.core import clock
from huzhu.core.access import authenticated, public
from huzhu.core.downloads import xlsx_response
from huzhu.core.product import current_plan
from huzhu.core.types import HtmxHttpRequest
from huzhu.core.uploaded import read_bounded
from huzhu.members import actions, checks, imports, spreadsheet
from huzhu.members.access import (
    can_manage_roster,
    can_reveal,
    get_member_for,
    require_roster_manager,
)
from huzhu.members.forms import MemberEditForm, RosterUploadForm
from huzhu.members.models import NOTICE_VERSION, Member, Membership, search_params
from huzhu.members.spreadsheet import template_workbook
from huzhu.organizations.access import get_unit_for
from huzhu.organizations.models import Unit
from huzhu.rules.adjudication import CoverEnd
from huzhu.rules.dates import add_years
from huzhu.rules.money import format_yuan
from huzhu.rules.roster import EDITABLE, HEADER, validate_changes

ROSTER_PAGE_SIZE = 100  # a large unit has tens of thousands of workers


@authenticated
def roster(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The unit's current roster, a page at a time, searchable by name, ID number or code."""
    user = user_of(request)
    unit = get_unit_for(user, code)
    rows = Membership.objects.filter(unit=unit, left__isnull=True)
    # the search form posts (an ID number stays out of the URL); paging links carry a name
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    found = rows.filter(member__in=Member.objects.search(query)) if query.strip() else rows
    page = Paginator(
        found.select_related("member").order_by("member__name", "pk"), ROSTER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "pager_params": search_params(query),
        "unit": unit,
        "page": page,
        "total": rows.count() if query.strip() else page.paginator.count,
        "query": query,
        "form": RosterUploadForm(),
        "can_manage": can_manage_roster(user, unit),
        "leave_reasons": actions.LEAVE_REASONS,
    }
    template = "members/_roster_rows.html" if request.htmx else "members/roster.html"
    return render(request, template, context)


def _managed_roster(request: HttpRequest, code: str, doing: str = "导入名册") -> tuple[User, Unit]:
    """The user and the unit whose roster he is changing: the unit in his scope (404 otherwise),
    and he its roster manager (403 otherwise)."""
    user = user_of(request)
    unit = get_unit_for(user, code)
    require_roster_manager(user, unit, doing)
    return user, unit


@authenticated
@require_POST
def roster_leave(request: HttpRequest, code: str, member: str) -> HttpResponse:
    """移出名册: a worker who left the unit is not carried into its next enrolment or renewal."""
    user, unit = _managed_roster(request, code, "移出职工")
    worker = get_member_for(user, member)
    reason = request.POST.get("reason", "")
    try:
        actions.leave_roster(unit, worker, actor=user, reason=reason)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{worker.name} 已移出本单位名册；已生效的合同保障至期满，期间发生的事件仍可申请救助",
        )
        plan = current_plan()
        if reason == actions.DIED and _recently_covered(worker, plan.time_bar_years):
            benefit = format_yuan(plan.death_benefit)  # C-7: two decimals
            messages.info(
                request,
                DEATH_BENEFIT_HINT.format(
                    name=worker.name, years=plan.time_bar_years, benefit=benefit
                ),
            )
    return redirect("members:roster", code=unit.code)


DEATH_BENEFIT_HINT = (
    "{name} 近{years}年有保障合同：如在保障期内身故，可为其申请身故救助金（每份{benefit}元，"
    "由受托人领取），请在“救助申请”中提交，自知道身故之日起{years}年内办理（P-4、P-11）"
)


def _recently_covered(member: Member, years: int) -> bool:
    """Whether a contract of the member was in force within the time bar (P-11): a unit taking
    off a worker who died may not know his death is covered (P-4)."""
    since = add_years(clock.today(), -years)
    lines = ContractLine.objects.filter(member=member, contract__status=ContractStatus.ACTIVE)
    return lines.filter(contract__end__gte=since).exists()


@authenticated
def roster_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_workbook(NOTICE_VERSION), "职工名册模板.xlsx")


@authenticated
@require_POST
def roster_export(request: HttpRequest, code: str) -> HttpResponse:
    """The current roster as a workbook with the full numbers, after a deliberate click that
    is logged (an unmasked view of every worker on it)."""
    user, unit = _managed_roster(request, code, "导出名册")
    data = actions.export_roster(unit, actor=user)
    return xlsx_response(data, f"职工名册-{unit.code}-{clock.today():%Y%m%d}.xlsx")


@authenticated
def roster_edit(request: HttpRequest, code: str, member: str) -> HttpResponse:
    """修改职工信息: one worker's name, phone, bank card, planned shares and special groups,
    checked as his roster row would be, without uploading a file."""
    user, unit = _managed_roster(request, code, "修改职工信息")
    worker = get_member_for(user, member)
    place = Membership.objects.filter(unit=unit, member=worker, left__isnull=True).first()
    if place is None:
        raise Http404("该职工不在本单位名册上")
    initial = {
        "name": worker.name,
        "mobile": worker.mobile,
        "shares": place.shares,
        "tags": worker.tags,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _corrected(request, unit, worker, form):
        return redirect("members:member_detail", code=worker.code)
    context = {"form": form, "unit": unit, "member": worker}
    return render(request, "members/member_edit.html", context)


EDIT_FIELDS = {HEADER[name]: name for name in EDITABLE}  # a refusal's column → its form field


def _corrected(request: HttpRequest, unit: Unit, worker: Member, form: MemberEditForm) -> bool:
    """Check the form's values as a roster row and save them; whether that is done (the
    refusals are on the form otherwise)."""
    changes = validate_changes(form.cells())
    for issue in changes.errors:
        form.add_error(EDIT_FIELDS.get(issue.column), issue.message)
    if changes.errors:
        return False
    try:
        changed = actions.correct_member(unit, worker, changes, actor=user_of(request))
    except ValueError as exc:
        form.add_error(None, str(exc))
        return False
    if not changed:
        messages.info(request, "信息没有变化，未作修改")
        return True
    messages.success(request, f"{changes.name} 的信息已保存")
    for warning in changes.warnings:
        messages.warning(request, warning.message)
    _note_pending(request, unit, "本次修改")
    return True


@authenticated
@require_POST
def roster_check(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Validate an upload without writing; keep the file for the confirmation."""
    user, unit = _managed_roster(request, code)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        # 422, which htmx swaps in (huzhu/templates/base.html): a 400 it dropped, so a file
        # left empty showed nothing at all
        return render(request, "members/_check.html", {"unit": unit, "form": form}, status=422)
    data = read_bounded(form.cleaned_data["file"], spreadsheet.MAX_BYTES)
    # the day the import will check for too: a unit whose contract is in force renews on its
    # end date (K-5, K-6); checked for today, ages and the share cap could pass here and fail
    # at the import, or the other way round
    effective: date = form.cleaned_data["effective"] or checks.default_start(unit)
    report, rows, _ = checks.check_roster(data, effective=effective, unit=unit)
    try:
        token = imports.keep(unit, data, report.annotated)
    except imports.NotKept as exc:
        form.add_error("file", str(exc))
        return render(request, "members/_check.html", {"unit": unit, "form": form}, status=422)
    context = {
        "unit": unit,
        "report": report,
        "token": token,
        "effective": effective,
        # the unit's workers the file leaves out: offered to take off the roster (K-5)
        "absent": 0 if report.errors else checks.absent_from(unit, rows),
    }
    return render(request, "members/_check.html", context)


@authenticated
@require_POST
def roster_import(request: HttpRequest, code: str) -> HttpResponse:
    user, unit = _managed_roster(request, code)
    token = request.POST.get("token", "")
    data = imports.take(unit, token)
    if data is None:
        messages.error(request, "上传的文件已失效或已在导入中，请刷新名册查看结果或重新选择文件")
        return redirect("members:roster", code=unit.code)
    effective = clock.parse_day(request.POST.get("effective", ""))
    report = actions.import_roster(
        unit,
        data,
        actor=user,
        effective=effective,
        accept_valid=request.POST.get("mode") == "valid",
        annotate=False,  # the check before this confirmation built it already
        replace=request.POST.get("replace") == "1",
    )
    imports.discard(unit, token)
    if report.saved:
        messages.success(
            request,
            f"已导入 {report.accepted} 人（新增 {report.created}，更新 {report.updated}）"
            + (f"，{report.refused} 行未导入" if report.refused else "")
            + (f"；文件中没有的 {report.left} 人已移出名册" if report.left else ""),
        )
        _note_pending(request, unit, "本次导入")
    else:
        messages.error(request, "名册有错误，未导入任何数据，请修改后重新上传")
    return redirect("members:roster", code=unit.code)


def _note_pending(request: HttpRequest, unit: Unit, change: str) -> None:
    """K-1: a pending enrolment or renewal keeps the roster it was made from."""
    pending = Contract.objects.filter(
        unit=unit, status__in=[ContractStatus.DRAFT, ContractStatus.SUBMITTED]
    )
    for contract in pending:
        messages.warning(
            request,
            f"{'续会' if contract.previous_id else '入会'}申请 {contract.public_id}"
            f"（{contract.state_label}）的名册是生成时的名册，"
            f"不随{change}变化；如需按新名册办理，请撤销该申请后重新生成",
        )


@authenticated
def roster_report(request: HttpRequest, code: str, token: str) -> HttpResponse:
    user, unit = _managed_roster(request, code)
    data = imports.report(unit, token)
    if data is None:
        messages.error(request, "校验结果已失效，请重新上传")
        return redirect("members:roster", code=unit.code)
    return xlsx_response(data, "名册校验结果.xlsx")


MEMBERS_PAGE_SIZE = 50


@authenticated
def member_search(request: HttpRequest) -> HttpResponse:
    """The members in the user's scope (a unit officer his unit's, current and past), found by
    whole ID number, member code or part of the name: the service window's first step. The
    form posts (an ID number stays out of the URL); page links carry a name."""
    user = user_of(request)
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    found = Member.objects.for_user(user).search(query) if query.strip() else Member.objects.none()
    # each member's place on a roster today, with its unit: one query for the page
    places = Membership.objects.filter(left__isnull=True).select_related("unit")
    current = Prefetch("memberships", queryset=places, to_attr="current_places")
    page = Paginator(
        found.prefetch_related(current).order_by("name", "pk"), MEMBERS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "pager_params": search_params(query),
    }
    return render(request, "members/member_search.html", context)


@authenticated
def member_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    member = get_member_for(user, code)
    lines = list(
        ContractLine.objects.filter(member=member)
        .select_related("contract__unit")
        .order_by("contract__effective", "contract__created_at")
    )
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "memberships": member.memberships.select_related("unit").order_by("-joined"),
            "timeline": _timeline(lines, cover_ended(member.pk)),
            "can_reveal": can_reveal(user, member),
            "edit_unit": _edit_unit(user, member),
            # his claims within the user's scope (a unit's officer: those his unit filed)
            "claims": Claim.objects.for_user(user).filter(member=member).select_related("unit"),
            "can_file": can_file(user),
            "can_revoke_death": member.status == Member.Status.DECEASED
            and user.has_duty(actions.REVOKE_DUTY),
            "today": clock.today(),
        },
    )


@authenticated
@require_POST
def revoke_death(request: HttpRequest, code: str) -> HttpResponse:
    """撤销身故记录: a death recorded by mistake, taken back with a reason (registration duty)."""
    user = user_of(request)
    member = get_member_for(user, code)
    try:
        actions.revoke_death(member, actor=user, reason=request.POST.get("reason", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已撤销 {member.name} 的身故记录；如仍在职，请所在单位重新上传名册将其列入"
        )
    return redirect("members:member_detail", code=member.code)


def _edit_unit(user: User, member: Member) -> Unit | None:
    """The unit whose roster the member is on, when this user manages it (修改信息)."""
    current = member.current_membership
    return current.unit if current and can_manage_roster(user, current.unit) else None


def _timeline(
    lines: list[ContractLine], ended: dict[str, tuple[CoverEnd, date]]
) -> list[dict[str, object]]:
    """Each contract of the member with its place on a shared time axis (percentages) and
    what his critical illnesses ended under it (P-7: `ended` per contract number)."""
    dated = [x for x in lines if x.contract.effective and x.contract.end]
    if not dated:
        return [{"line": x, "left": 0, "width": 0} for x in lines]
    first = min(x.contract.effective for x in dated if x.contract.effective)
    last = max(x.contract.end for x in dated if x.contract.end)
    span = max((last - first).days, 1)
    rows: list[dict[str, object]] = []
    for line in lines:
        contract = line.contract
        if contract.effective and contract.end:
            left = (contract.effective - first).days * 100 // span
            width = max((contract.end - contract.effective).days * 100 // span, 2)
        else:
            left, width = 0, 0
        stopped, since = ended.get(contract.contract_no or "", (None, None))
        rows.append({"line": line, "left": left, "width": width, "ended": stopped, "since": since})
    return rows


@authenticated
@require_POST
def reveal(request: HttpRequest, code: str, what: str) -> HttpResponseBase:
    """The full number after a deliberate click; the click is logged (who, when, whose)."""
    user = user_of(request)
    member: Member = get_member_for(user, code)
    if what not in ("id_number", "bank_card") or not can_reveal(user, member):
        raise PermissionDenied("您的角色不能查看完整号码")
    value = actions.reveal(member, what, actor=user)
    return HttpResponse(f'<code class="revealed">{value}</code>')


@public
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "members/privacy_notice.html", {"version": NOTICE_VERSION})
