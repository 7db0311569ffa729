"""The claim workflow of SPEC C-4 as a transition table: action → (from states, to state, duty).

submitted → registered or returned (the unit corrects and resubmits) → reviewed (again, if
need be) → approved or rejected → paid → archived. Approval is by another account than the
review (four eyes). Before registration, or once returned, the filing unit (or staff at the
window) may withdraw the claim with a reason [not in C-4: a claim filed by mistake, or returned
and never to be resubmitted, would otherwise wait for good].
"""

from dataclasses import dataclass

from huzhu.claims.models import ClaimStatus as S
from huzhu.core.workflow import allows, steps


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    duty: str | None  # the staff duty needed; None: the filing unit's officer or staff
    label: str


TRANSITIONS: dict[str, Transition] = {
    "register": Transition(frozenset({S.SUBMITTED}), S.REGISTERED, "registrar", "查验登记"),
    "return": Transition(frozenset({S.SUBMITTED}), S.RETURNED, "registrar", "退回"),
    "resubmit": Transition(frozenset({S.RETURNED}), S.SUBMITTED, None, "重新提交"),
    "withdraw": Transition(frozenset({S.SUBMITTED, S.RETURNED}), S.WITHDRAWN, None, "撤回申请"),
    # a reviewed claim may be reviewed again before approval (approval refuses a review that
    # other claims approved meanwhile have made stale)
    "review": Transition(frozenset({S.REGISTERED, S.REVIEWED}), S.REVIEWED, "reviewer", "病案审核"),
    "approve": Transition(frozenset({S.REVIEWED}), S.APPROVED, "approver", "审批通过"),
    "reject": Transition(frozenset({S.REVIEWED}), S.REJECTED, "approver", "不予救助"),
    "pay": Transition(frozenset({S.APPROVED}), S.PAID, "cashier", "救助金发放"),
    "archive": Transition(frozenset({S.PAID, S.REJECTED}), S.ARCHIVED, "registrar", "材料归档"),
}


# the audit log's and the claim timeline's names of the claim's steps
STEP_LABELS = {f"claims.claim.{name}": t.label for name, t in TRANSITIONS.items()} | {
    "claims.claim.submitted": "提交申请",
    "claims.document.received": "收到材料",
    "claims.document.confirmed": "确认申请表已写明",
    "claims.document.paper_received": "窗口收到纸质材料",
    "claims.claim.due_recomputed": "按调整后的节假日重算应发放日",
    "claims.claim.corrected": "更正申请内容",
}


def allowed(action: str, status: str) -> bool:
    return allows(TRANSITIONS, action, status)


def next_actions(status: str) -> list[str]:
    return steps(TRANSITIONS, status)
