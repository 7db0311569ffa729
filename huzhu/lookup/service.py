"""Throttled entry points shared by the page and the API, so both give the same answer and
apply the same limits (SPEC W-1, W-2)."""

from dataclasses import dataclass

from huzhu.core import clock
from huzhu.lookup.limits import Limit, allow
from huzhu.lookup.queries import Answer, ClaimView, claim_progress, lookup
from huzhu.rules.errors import RuleViolation
from huzhu.rules.identity import normalize, validate_resident_id


@dataclass(frozen=True)
class Refusal:
    code: str  # "invalid" or "rate_limited"
    message: str
    field: str = ""


def _minutes(seconds: int) -> str:
    return f"{seconds // 3600}小时" if seconds >= 3600 else f"{max(1, seconds // 60)}分钟"


def check_input(id_number: str, name: str) -> Refusal | None:
    """Format only: a malformed number says so; a well-formed one never says if it exists."""
    if not name.strip():
        return Refusal("invalid", "请填写姓名", "name")
    if len(name.strip()) > 30:
        return Refusal("invalid", "姓名过长", "name")
    try:
        validate_resident_id(normalize(id_number or ""), clock.today())
    except RuleViolation as exc:
        return Refusal("invalid", exc.message, "id_number")
    return None


def throttle(client: Limit, client_key: str, id_number: str) -> Refusal | None:
    if not allow(client, client_key):
        return Refusal(
            "rate_limited",
            f"查询过于频繁，请{_minutes(client.seconds)}后再试（每{_minutes(client.seconds)}"
            f"最多查询{client.count}次）",
        )
    per_id = Limit.setting("id_number")
    if not allow(per_id, normalize(id_number)):
        return Refusal(
            "rate_limited",
            f"该身份证号码查询次数过多，请{_minutes(per_id.seconds)}后再试",
            "id_number",
        )
    return None


def checked_lookup(client: Limit, client_key: str, id_number: str, name: str) -> Answer | Refusal:
    refused = check_input(id_number, name) or throttle(client, client_key, id_number)
    return refused or lookup(id_number, name)


def checked_claim(
    client: Limit, client_key: str, id_number: str, name: str, claim_no: str
) -> ClaimView | None | Refusal:
    refused = check_input(id_number, name) or throttle(client, client_key, id_number)
    return refused or claim_progress(id_number, name, claim_no)
