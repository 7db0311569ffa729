"""Contract pages: list and staff queue, enrolment, detail with its actions, certificate."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from huzhu.accounts.models import user_of
from huzhu.contracts import actions, register, workflow
from huzhu.contracts.access import (
    can_apply,
    can_confirm_fee,
    get_contract_for,
    require_applicant,
    require_fee_confirmer,
)
from huzhu.contracts.forms import CancelForm, EnrolmentForm
from huzhu.contracts.models import (
    RENEWAL_NOTICE_DAYS,
    Contract,
    ContractQuerySet,
    ContractStatus,
    Funding,
)
from huzhu.contracts.pdf import certificate
from huzhu.core import clock
from huzhu.core.access import authenticated
from huzhu.core.downloads import pdf_response, xlsx_response
from huzhu.core.product import current_plan
from huzhu.members.models import Membership
from huzhu.organizations.access import get_unit_for
from huzhu.rules.roster import participation_needed

EXPIRING = "expiring"  # the list's filter of contracts to renew soon (K-5)


@authenticated
def contract_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    contracts = (
        Contract.objects.for_user(user)
        .select_related("unit")
        .annotate(people=Count("lines"))
        .order_by("-created_at")
    )
    status, funding, query = (request.GET.get(key, "") for key in ("status", "funding", "q"))
    today = clock.today()
    contracts = _filtered(contracts.search(query), status, funding, today)
    if request.GET.get("format") == "xlsx":
        return _export(contracts, status, today)
    page = Paginator(contracts, 30).get_page(request.GET.get("page"))
    statuses = [*ContractStatus.choices, (EXPIRING, f"{RENEWAL_NOTICE_DAYS}日内到期未续会")]
    context = {
        "page": page,
        "status": status,
        "statuses": statuses,
        "expiring": EXPIRING,
        "funding": funding,
        "fundings": Funding.choices,
        "query": query,
        # the export takes what the list shows: its filters and search, every page
        "export": urlencode(
            {"q": query.strip(), "funding": funding, "status": status, "format": "xlsx"}
        ),
    }
    return render(request, "contracts/contract_list.html", context)


def _filtered(
    contracts: ContractQuerySet, status: str, funding: str, today: date
) -> ContractQuerySet:
    """The list's type filter and its status filter: the status as read today (K-4), or the
    contracts due for 续会 soonest first (K-5). A value the list does not offer is ignored."""
    if funding in Funding.values:
        contracts = contracts.filter(funding=funding)
    if status in ContractStatus.values:
        return contracts.in_state(status, today)
    if status == EXPIRING:
        return contracts.expiring(today).order_by("end")
    return contracts


def _export(contracts: ContractQuerySet, status: str, today: date) -> HttpResponse:
    """Every contract the list holds: the units to remind of 续会 with their contacts (K-5),
    or the contract register."""
    if status == EXPIRING:
        return xlsx_response(register.renewals_due_workbook(contracts), "即将到期未续会的合同.xlsx")
    return xlsx_response(register.register_workbook(contracts), f"保障合同台账-{today:%Y%m%d}.xlsx")


@authenticated
def enrol(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    unit = get_unit_for(user, code)
    require_applicant(user, unit.pk)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = actions.create_enrolment(unit, form.facts(), actor=user)
        except actions.ContractError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已生成入会申请草稿，请核对名册后提交")
            return redirect("contracts:detail", public_id=contract.public_id)
    roster = Membership.objects.filter(unit=unit, left__isnull=True)
    context = {
        "unit": unit,
        "form": form,
        "roster_count": roster.count(),
        "needed": participation_needed(unit.member_count, current_plan()),
        "pending": actions.pending_enrolment(unit),  # one at a time (a second is refused)
        # K-5: a unit covered now renews from its contract (continuity, the roster carried
        # over); a new enrolment beside it is rarely what the officer wants
        "current": Contract.objects.filter(
            unit=unit, status=ContractStatus.ACTIVE, end__gte=clock.today()
        )
        .order_by("-end")
        .first(),
    }
    return render(request, "contracts/enrol.html", context)


LINES_PAGE_SIZE = 100  # the roster of a large unit's contract runs to tens of thousands


@authenticated
def contract_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = user_of(request)
    contract = get_contract_for(user, public_id)
    lines = contract.lines.select_related("member").order_by("member__name", "pk")
    problems: list[str] = []
    if contract.status == ContractStatus.DRAFT:
        problems = actions.check_contract(contract, actions.intended_start(contract, clock.today()))
    context = {
        "contract": contract,
        "page": Paginator(lines, LINES_PAGE_SIZE).get_page(request.GET.get("page")),
        "problems": problems,
        "can_apply": can_apply(user, contract.unit_id),
        "can_confirm": can_confirm_fee(user),
        "steps": workflow.next_actions(contract.status),  # K-4
        "cancel_form": CancelForm(),
        "renewal": contract.renewals.exclude(status=ContractStatus.CANCELLED).first(),
        "declaration": actions.declaration(),
    }
    return render(request, "contracts/contract_detail.html", context)


@authenticated
@require_POST
def contract_step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    """One workflow step on a contract; refusals come back as messages on its page."""
    user = user_of(request)
    contract = get_contract_for(user, public_id)
    if step == "confirm-fee":
        require_fee_confirmer(user)
    else:
        require_applicant(user, contract.unit_id)
    try:
        contract = _apply(step, contract, request)
    except actions.ContractError as exc:
        _refused(request, step, contract, exc.problems)
    return redirect("contracts:detail", public_id=contract.public_id)


SHOWN = 20  # a step's problems listed at most, each a line of its own


def _refused(request: HttpRequest, step: str, contract: Contract, problems: list[str]) -> None:
    """A refused step's problems as messages. A draft's page lists its submission problems
    itself (提交前需要解决), so a refused submission only says how many; the others list the
    first SHOWN and how many more (before, the rest were dropped without a word)."""
    if step == "submit" and contract.status == ContractStatus.DRAFT:
        messages.error(request, f"未能提交：请先解决下列 {len(problems)} 处问题")
        return
    for problem in problems[:SHOWN]:
        messages.error(request, problem)
    if len(problems) > SHOWN:
        more = len(problems) - SHOWN
        messages.error(request, f"另有 {more} 处问题未列出，改正后重新办理时会一并检查")


def _apply(step: str, contract: Contract, request: HttpRequest) -> Contract:
    user = user_of(request)
    if step == "confirm-fee":
        reference = str(request.POST.get("reference", ""))
        contract = actions.confirm_fee(contract, actor=user, reference=reference)
        messages.success(request, f"会费已确认，合同 {contract.contract_no} 生效")
    elif step == "submit":
        if request.POST.get("declare") != "on":  # E-5: the unit answers for its workers' health
            messages.error(request, "请阅读并勾选单位声明后再提交")
            return contract
        contract = actions.submit_contract(contract, actor=user)
        messages.success(request, "已提交，等待互济会确认会费")
    elif step == "cancel":
        contract = actions.cancel_contract(
            contract, actor=user, reason=request.POST.get("reason", "")
        )
        messages.success(request, "申请已撤销")
    else:
        facts = actions.EnrolmentFacts(contract.funding_source or "union_funds")
        contract = actions.start_renewal(contract, facts, actor=user)
        messages.success(request, "已按当前名册生成续会申请，请核对后在原合同终止日前提交")
    return contract


@authenticated
def certificate_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = get_contract_for(user_of(request), public_id)
    return pdf_response(certificate(contract), f"contract-{contract.public_id}.pdf")
