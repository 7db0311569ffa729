"""Claim pages: intake, the staff lists (due this week, overdue), the claim with its documents,
the engine's explanation, the timeline and the actions this user may take."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huzhu.accounts.models import Role, User, user_of
from huzhu.claims import actions, engine, pdf, pictures, uploads
from huzhu.claims.access import can_file, can_open_documents, get_claim_for, require_filer
from huzhu.claims.checklist import STATEMENTS
from huzhu.claims.forms import ClaimForm, CorrectionForm
from huzhu.claims.models import Claim, ClaimDocument, ClaimQuerySet, ClaimStatus
from huzhu.claims.twins import event_claims, flagged_twins, same_event
from huzhu.claims.workflow import TRANSITIONS, Transition, next_actions
from huzhu.core import clock
from huzhu.core.access import authenticated, public
from huzhu.core.audit import actor_name
from huzhu.core.audit_labels import action_label
from huzhu.core.downloads import file_response, pdf_response, xlsx_response
from huzhu.core.models import AuditEntry
from huzhu.core.uploaded import read_bounded
from huzhu.members.models import is_id_search, search_params
from huzhu.rules.adjudication import REASON_LABELS, time_bar_deadline
from huzhu.rules.money import read_yuan
from huzhu.rules.product import DISEASES

# the 34 illnesses offered by the claim forms' disease field (code and name)
DISEASE_LIST = [(code, d.name) for code, d in DISEASES.items()]


@authenticated
def claim_list(request: HttpRequest) -> HttpResponse:
    """The claims the user may see, by state or due date, found by claim number or member.
    The search form posts (a whole ID number stays out of the URL), and so does its export."""
    user = user_of(request)
    data = request.POST if request.method == "POST" else request.GET
    view, query = data.get("view", ""), data.get("q", "")
    today = clock.today()
    claims = _in_view(Claim.objects.for_user(user), view, today).search(query)
    if request.method == "POST" and "export" in request.POST:
        filters = "；".join(filter(None, (VIEW_LABELS.get(view, ""), _searched(query))))
        workbook = actions.export_register(claims, actor=user, filters=filters or "全部")
        return xlsx_response(workbook, f"救助申请台账-{today:%Y%m%d}.xlsx")
    page = Paginator(claims.select_related("member", "unit"), 30).get_page(data.get("page"))
    context = {
        "page": page,
        "twins": flagged_twins(list(page.object_list)),  # C-6
        "view": view,
        "query": query,
        "pager_params": {"view": view} | search_params(query),
        # the state buttons keep a name search (never an ID number: it stays out of URLs)
        "kept_query": search_params(query).get("q", "").strip(),
        "statuses": ClaimStatus.choices,
        "today": today,
        "can_file": can_file(user),
    }
    return render(request, "claims/claim_list.html", context)


# the list's views besides one state each: what the cashier and the approver watch (C-5)
VIEW_LABELS = {"due_week": "本周应发放", "overdue": "已逾期", **dict(ClaimStatus.choices)}


def _in_view(claims: ClaimQuerySet, view: str, today: date) -> ClaimQuerySet:
    if view == "due_week":
        return claims.filter(
            status=ClaimStatus.APPROVED,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=7),
        )
    if view == "overdue":
        return claims.filter(status=ClaimStatus.APPROVED, due_date__lt=today)
    if view in ClaimStatus.values:
        return claims.filter(status=view)
    return claims


def _searched(query: str) -> str:
    """The search, as the audit log keeps it: never a whole ID number."""
    if not query.strip():
        return ""
    return "查找：身份证号码（不记录）" if is_id_search(query) else f"查找：{query.strip()[:50]}"


@authenticated
def claim_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not can_file(user):
        raise PermissionDenied("只有基层工会经办人或互济会工作人员可以提交救助申请")
    # finding the member posts (an ID number stays out of the URL: history, logs); the
    # claim itself is the other POST
    finding = request.method == "POST" and "find" in request.POST
    search = request.POST.get("q", "") if finding else request.GET.get("q", "")
    form = ClaimForm(
        None if finding else request.POST or None,
        user=user,
        search=search,
        initial={"member": request.GET.get("member")},
    )
    if request.method == "POST" and not finding and form.is_valid():
        try:
            claim = actions.submit_claim(form.cleaned_data["member"], form.facts(), actor=user)
        except actions.ClaimError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            _announce(request, claim)
            return redirect("claims:detail", number=claim.number)
    context = {"form": form, "search": search, "diseases": DISEASE_LIST}
    return render(request, "claims/claim_form.html", context)


def _announce(request: HttpRequest, claim: Claim) -> None:
    """What the filer learns at once: the claim's number and time bar (P-11), and whether the
    rules engine already sees nothing payable (C-4) or the same event filed before (C-6)."""
    deadline = time_bar_deadline(claim.known_date)
    messages.success(request, f"已提交，申请编号 {claim.number}；请上传材料。救助时效至 {deadline}")
    if engine.unpayable(claim) is not None:  # C-4: said before papers are gathered
        messages.warning(
            request,
            "按目前的合同和救助记录，规则引擎预判本申请不予给付，原因见申请页面；"
            "最终以病案审核为准",
        )
    twins = same_event(claim)
    if twins:  # C-6: said at once, and flagged on the claim's page
        numbers = "、".join(t.number for t in twins)
        messages.warning(request, f"该职工同一事件已有救助申请 {numbers}，不会重复给付（C-6）")


@authenticated
@require_GET
def claim_same_event(request: HttpRequest) -> HttpResponse:
    """C-6 before filing: the claim form asks, as its member, type, date, disease or accident
    change, whether the member already has a claim for that event (a second claim would only
    be flagged, never paid twice). Only the facts given and valid are used; a member outside
    the user's scope is not valid for his form."""
    user = user_of(request)
    if not can_file(user):
        raise PermissionDenied("只有基层工会经办人或互济会工作人员可以提交救助申请")
    form = ClaimForm(request.GET, user=user)
    form.is_valid()  # each field is cleaned on its own: the valid ones are in cleaned_data
    facts = form.cleaned_data
    twins: list[Claim] = []
    if facts.get("member") and facts.get("kind") and facts.get("event_date"):
        draft = Claim(
            member=facts["member"],
            kind=facts["kind"],
            event_date=facts["event_date"],
            disease=facts.get("disease") or "",
            accident_id=facts.get("accident_id") or "",
        )
        twins = event_claims(draft)
    visible = set(
        Claim.objects.for_user(user)
        .filter(pk__in=[t.pk for t in twins])
        .values_list("pk", flat=True)
    )
    return render(request, "claims/_same_event.html", {"twins": twins, "visible": visible})


@authenticated
def claim_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    claim = get_claim_for(user, number)
    deadline = time_bar_deadline(claim.known_date)
    documents = list(claim.documents.order_by("pk"))
    context = {
        "claim": claim,
        "documents": documents,
        "available": _available(user, claim),
        "can_upload": can_file(user, claim) and claim.accepts_documents,
        "can_take_paper": user.has_duty("registrar") and claim.accepts_documents,
        "can_open": can_open_documents(user, claim),
        "statements": STATEMENTS,
        "missing": sum(d.required and not d.received for d in documents),
        # a received file is named with its item: five uploads of 材料.pdf said nothing apart
        "timeline": [
            (entry, action_label(entry.action), actor_name(entry, user), _item_of(entry, documents))
            for entry in actions.steps(claim)
        ],
        "deadline": deadline,
        "barred": timezone.localdate(claim.submitted_at) > deadline,
        "today": clock.today(),
        "same_event": same_event(claim),  # C-6: the flag of a second claim
        "proposal": _proposal(user, claim),
        "decision": _labelled(claim.decision) if claim.decision else None,
        "unpayable": _unpayable(user, claim),
        "staff": user.role == Role.STAFF,
    }
    return render(request, "claims/claim_detail.html", context)


def _item_of(entry: AuditEntry, documents: list[ClaimDocument]) -> str:
    """The checklist item an entry of the claim's timeline is about, by its label ("" if none)."""
    item = (entry.after or {}).get("item")
    return next((d.label for d in documents if d.item == item), "") if item else ""


def _available(user: User, claim: Claim) -> list[tuple[str, Transition]]:
    """The workflow steps (C-4) this user may take on the claim now, payment aside (a batch
    pays it)."""
    return [
        (name, TRANSITIONS[name])
        for name in next_actions(claim.status)
        if name != "pay" and _may(user, TRANSITIONS[name].duty, claim)
    ]


def _proposal(user: User, claim: Claim) -> dict[str, Any] | None:
    """C-4: what the engine proposes, for a reviewer before he decides (nothing is written; the
    review computes it again and records it)."""
    if claim.status != ClaimStatus.REGISTERED or not user.has_duty("reviewer"):
        return None
    return _labelled(engine.decide(claim)[1])


def _unpayable(user: User, claim: Claim) -> dict[str, Any] | None:
    """For those who handle the claim (the filing unit, staff): the engine's decision, labelled,
    while it is not registered and the engine would pay nothing for it (C-4)."""
    decision = engine.unpayable(claim) if can_file(user, claim) else None
    return _labelled(decision) if decision is not None else None


def _labelled(decision: dict[str, Any]) -> dict[str, Any]:
    """The engine's decision for display: each denial with its reason in words."""
    denials = [
        d | {"label": REASON_LABELS.get(d["reason"], d["reason"])}
        for d in decision.get("denials", [])
    ]
    return decision | {"denials": denials}


@authenticated
def claim_correct(request: HttpRequest, number: str) -> HttpResponse:
    """C-4: the filing unit corrects a returned claim's facts and submits it again."""
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "更正并重新提交")
    if claim.status != ClaimStatus.RETURNED:
        messages.error(request, "只有被退回的申请可以更正后重新提交")
        return redirect("claims:detail", number=claim.number)
    form = CorrectionForm(request.POST or None, claim=claim, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.resubmit_claim(claim, form.facts(), actor=user)
        except actions.ClaimError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, "已更正并重新提交")
            return redirect("claims:detail", number=claim.number)
    context = {"form": form, "claim": claim, "diseases": DISEASE_LIST}
    return render(request, "claims/claim_correct.html", context)


def _may(user: User, duty: str | None, claim: Claim) -> bool:
    return user.has_duty(duty) if duty else can_file(user, claim)


@authenticated
@require_POST
def upload_document(request: HttpRequest, number: str, item: str) -> HttpResponse:
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "上传材料")
    chosen = request.FILES.getlist("file")
    if not chosen:
        messages.error(request, "请选择文件")
        return redirect("claims:detail", number=claim.number)
    try:
        if len(chosen) == 1:
            data, name = read_bounded(chosen[0], uploads.MAX_BYTES), chosen[0].name or ""
            said = "材料已上传"
        else:  # a paper's pages photographed on a phone: one PDF, in the photos' order
            pictures.check_count(len(chosen))  # before a byte of them is read
            names = [f.name or "" for f in chosen]
            order = pictures.natural_order(names)
            photos = [read_bounded(chosen[i], uploads.MAX_BYTES) for i in order]
            data = pictures.combine(photos)
            name = f"{names[order[0]]} 等 {len(chosen)} 张照片（已合并为 PDF）"
            said = f"材料已上传：{len(chosen)} 张照片已按文件名顺序合并为一份 PDF"
        actions.attach_document(claim, item, data, name, actor=user)
        messages.success(request, said)
    except uploads.UploadRefused as exc:
        messages.error(request, f"{exc}；本次未上传")
    except actions.ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("claims:detail", number=claim.number)


@authenticated
@require_POST
def confirm_statement(request: HttpRequest, number: str, item: str) -> HttpResponse:
    user = user_of(request)
    claim = get_claim_for(user, number)
    require_filer(user, claim, "确认材料")
    try:
        actions.confirm_statement(claim, item, actor=user)
        messages.success(request, "已确认")
    except actions.ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("claims:detail", number=claim.number)


@authenticated
@require_POST
def receive_paper(request: HttpRequest, number: str, item: str) -> HttpResponse:
    """The registrar took an item's original at the window (C-3): marked received, no file.
    The action checks the registrar's duty, for the page and the API alike."""
    user = user_of(request)
    claim = get_claim_for(user, number)
    try:
        document = actions.receive_paper(claim, item, actor=user)
        messages.success(request, f"已登记收到纸质材料：{document.label}")
    except actions.ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("claims:detail", number=claim.number)


@authenticated
def document_file(request: HttpRequest, number: str, item: str) -> HttpResponse:
    user = user_of(request)
    claim = get_claim_for(user, number)
    if not can_open_documents(user, claim):
        raise PermissionDenied("申请材料原件只供提交申请的基层工会和互济会工作人员查看")
    # an item taken on paper, or a statement confirmed, has no file to show
    document = claim.documents.filter(item=item, received=True).exclude(file_path="").first()
    if document is None:
        raise Http404("没有该材料")
    try:  # checked again on the way out: only a real PDF/JPEG/PNG is ever shown inline
        data = uploads.read(document.file_path)
        content_type, extension = uploads.sniff(data)
    except uploads.UploadRefused as exc:
        raise Http404("该材料文件已损坏") from exc
    actions.document_opened(claim, document, actor=user)
    response = file_response(data, f"{document.item}.{extension}", content_type, inline=True)
    # shown in the app's origin, yet with no power: no script, no form, no plugin, no same-origin
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@authenticated
@require_POST
def claim_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    claim = get_claim_for(user, number)
    if action not in TRANSITIONS or action == "pay":
        raise Http404("没有该操作")
    reason = request.POST.get("reason", "")
    try:
        if action == "register":
            actions.register_claim(claim, actor=user)
            if claim.is_death:
                messages.info(request, f"已记录{claim.member.name}身故，本人不再列入任何单位名册")
        elif action == "return":
            actions.return_claim(claim, actor=user, reason=reason)
        elif action == "resubmit":
            actions.resubmit_claim(claim, None, actor=user)
        elif action == "withdraw":
            actions.withdraw_claim(claim, actor=user, reason=reason)
        elif action == "review":
            accept = request.POST.get("decision", "accept") == "accept"
            typed = request.POST.get("amount", "").strip()
            amount = read_yuan(typed) if typed else None
            if typed and amount is None and not accept:
                raise actions.ClaimError(
                    [f"核定金额“{typed}”无法识别，请填写数字（元），如 1600 或 1600.50"]
                )
            actions.review_claim(claim, actor=user, accept=accept, amount=amount, reason=reason)
        elif action == "approve":
            actions.approve_claim(claim, actor=user)
        elif action == "reject":
            actions.reject_claim(claim, actor=user, reason=reason)
        else:
            actions.archive_claim(claim, actor=user)
        messages.success(request, f"已完成：{TRANSITIONS[action].label}")
    except actions.ClaimError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    return redirect("claims:detail", number=claim.number)


@public
def blank_form(request: HttpRequest, form: str) -> HttpResponse:
    """The blank 救助申请表 and 授权委托书 to print."""
    if form == "application":
        return pdf_response(pdf.application_form(), "application.pdf")
    return pdf_response(pdf.power_of_attorney(), "power-of-attorney.pdf")


@authenticated
def claim_pdf(request: HttpRequest, number: str, form: str) -> HttpResponse:
    claim = get_claim_for(user_of(request), number)
    if form == "application":
        return pdf_response(pdf.application_form(claim), f"application-{claim.number}.pdf")
    if form == "power-of-attorney":
        return pdf_response(pdf.power_of_attorney(claim), f"power-of-attorney-{claim.number}.pdf")
    if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PAID, ClaimStatus.ARCHIVED):
        raise Http404("审批通过后才有发放通知")
    return pdf_response(pdf.payment_notice(claim), f"payment-notice-{claim.number}.pdf")
