"""The contract's states of SPEC K-4 as a transition table: action → (from states, to state).

An enrolment or a renewal starts as a draft; a granted free-share application starts its PB
contract active (K-4: free grant approved). draft → submitted → active (fee confirmed, K-6);
cancelled from draft or submitted only; an active contract is never rewritten. Expiry is not
a step: a contract reads as expired the day after its end date (`effective_status`), with or
without a nightly job, so no action writes it.
"""

from huzhu.contracts.models import ContractStatus as S
from huzhu.core.workflow import Transition, allows, steps

TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({S.DRAFT}), S.SUBMITTED),
    "confirm_fee": Transition(frozenset({S.SUBMITTED}), S.ACTIVE),
    "cancel": Transition(frozenset({S.DRAFT, S.SUBMITTED}), S.CANCELLED),
}

# the states a contract is created in: an enrolment or a renewal, a free grant (K-4)
STARTS = frozenset({S.DRAFT, S.ACTIVE})
# the state that time alone reaches, read from the end date (P-3)
BY_TIME = {S.ACTIVE: S.EXPIRED}


def allowed(action: str, status: str) -> bool:
    return allows(TRANSITIONS, action, status)


def next_actions(status: str) -> list[str]:
    return steps(TRANSITIONS, status)
