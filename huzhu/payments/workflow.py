"""Payment batches and payments (SPEC M-1, M-2) as transition tables: action → (from, to).

A cashier makes a batch of approved claims, each a pending payment. An approver who did not
make it releases it (four eyes), the cashier exports the file for the bank (the first export
fixes the file's hash; it may be downloaded again), and the bank's results end each payment
paid or failed (M-2). Until its file went to the bank a batch may be withdrawn: its payments
end withdrawn and their claims wait for a new batch. Paid, failed and withdrawn are final: a
failed claim is re-issued as a new payment in a new batch, never reopened, so nothing is paid
twice.

A batch keeps no state column: each step records who and when (`approved_by`, `file_sha256`,
`withdrawn_at`), and `PaymentBatch.state` reads the state from them.
"""

from huzhu.core.workflow import Transition, allows, steps
from huzhu.payments.models import BatchState as B
from huzhu.payments.models import PaymentStatus as P

BATCH_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(frozenset({B.CREATED}), B.APPROVED),
    "export": Transition(frozenset({B.APPROVED, B.EXPORTED}), B.EXPORTED),
    "withdraw": Transition(frozenset({B.CREATED, B.APPROVED}), B.WITHDRAWN),
}
BATCH_STARTS = frozenset({B.CREATED})

PAYMENT_TRANSITIONS: dict[str, Transition] = {
    "record_paid": Transition(frozenset({P.PENDING}), P.PAID),
    "record_failed": Transition(frozenset({P.PENDING}), P.FAILED),
    "withdraw": Transition(frozenset({P.PENDING}), P.WITHDRAWN),
}
PAYMENT_STARTS = frozenset({P.PENDING})

# the bank pays only what it was sent: results are recorded for an exported batch's payments
RESULTS_IN = frozenset({B.EXPORTED})


def batch_allows(action: str, state: str) -> bool:
    return allows(BATCH_TRANSITIONS, action, state)


def payment_allows(action: str, status: str) -> bool:
    return allows(PAYMENT_TRANSITIONS, action, status)


def batch_steps(state: str) -> list[str]:
    return steps(BATCH_TRANSITIONS, state)


def payment_steps(status: str) -> list[str]:
    return steps(PAYMENT_TRANSITIONS, status)
