"""POST /api/v1/lookup and /api/v1/lookup/claim for the union app (issue 7): app tokens only,
the same answers and limits as the public page. The client of the per-client limit is the app
token (setting LOOKUP_LIMIT_APP); the per-ID-number limit is the page's."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from huzhu.accounts.auth import AppToken
from huzhu.core.api_errors import ApiError
from huzhu.lookup.limits import Limit
from huzhu.lookup.queries import ClaimView
from huzhu.lookup.service import Refusal, checked_claim, checked_lookup

router = Router(tags=["保单查询（应用令牌）"], auth=AppToken())


# The names are the OpenAPI component names: django-ninja keys components by class name alone, so
# a look-up schema named like the claims' or contracts' own (ClaimIn, ContractOut, ClaimOut) took
# their place in the document (test_schema_names_are_unique).


class LookupIn(Schema):
    id_number: str = Field(max_length=40, description="18位身份证号码")
    name: str = Field(max_length=60, description="姓名")


class LookupClaimIn(LookupIn):
    claim_no: str = Field(max_length=20, description="救助申请编号")


class LookupContractOut(Schema):
    contract_no: str
    funding: str
    unit: str
    effective: date | None
    end: date | None
    shares: int
    in_force: bool
    status: str
    waiting_days_left: int = Field(description="免责期剩余天数（P-5），0 表示不在免责期")
    waiting_shares: int = Field(
        description="仍在免责期内的份数：续会连续参保的份数不再等待，续会新增的份数重新等待（P-6）"
    )
    waiting_for: str = Field(
        description="免责期所指的救助项目（免责期最长且本合同仍保障的项目，如“重大疾病、疾病身故”）；"
        "不在免责期时为空"
    )
    cover_ended: str = Field(
        description="P-7：all 表示已获重大疾病救助，本合同对本人的保障责任已终止（in_force 为 "
        "false）；critical_illness 表示免责期内确诊重大疾病，仅重大疾病保障终止；空表示未终止"
    )
    cover_ended_on: date | None = Field(description="终止保障的重大疾病的确诊日（事件日）")


class LookupClaimOut(Schema):
    number: str
    kind: str
    event_date: date
    submitted_on: date
    status: str
    status_label: str
    amount: Decimal | None
    due_date: date | None
    due_provisional: bool
    paid: bool
    paid_on: date | None = Field(None, description="银行确认的到账日期（已发放时）")


class LookupOut(Schema):
    id_number: str = Field(description="遮盖后的身份证号码")
    checked_on: date
    contracts: list[LookupContractOut]
    claims: list[LookupClaimOut]
    message: str = Field(description="无记录时的提示（身份证号与姓名不符时相同）")


def _client(request: HttpRequest) -> tuple[Limit, str]:
    token = getattr(request, "auth", None)  # the app token's id, set by AppToken
    if not isinstance(token, int):  # pragma: no cover - AppToken guarantees it
        raise ApiError(401, "unauthorized", "缺少或无效的访问令牌")
    return Limit.setting("app"), f"token:{token}"


def _refused(refusal: Refusal) -> ApiError:
    if refusal.code == "rate_limited":
        return ApiError(429, "rate_limited", refusal.message)
    return ApiError(422, "invalid_input", refusal.message, details=[{"field": refusal.field}])


@router.post(
    "/lookup",
    response={200: LookupOut},
    summary="职工本人保单查询：合同与救助申请（身份证号与姓名不符时返回空结果）",
)
def lookup(request: HttpRequest, body: LookupIn) -> LookupOut:
    result = checked_lookup(*_client(request), body.id_number, body.name)
    if isinstance(result, Refusal):
        raise _refused(result)
    return LookupOut.model_validate(result.as_json())


@router.post(
    "/lookup/claim",
    response={200: LookupClaimOut},
    summary="按申请编号查询本人救助申请进度（不是本人的申请与不存在的编号回答相同）",
)
def claim(request: HttpRequest, body: LookupClaimIn) -> LookupClaimOut:
    result = checked_claim(*_client(request), body.id_number, body.name, body.claim_no)
    if isinstance(result, Refusal):
        raise _refused(result)
    if not isinstance(result, ClaimView):
        raise ApiError(404, "not_found", "未查到与该身份证号码和姓名相符的救助申请")
    return LookupClaimOut.model_validate(result.__dict__)
