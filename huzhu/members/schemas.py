from datetime import date

from ninja import Field, Schema


class IssueOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    rows: int
    accepted: int
    refused: int
    saved: bool
    created: int
    updated: int
    left: int = Field(description="名册以文件为准（replace）时移出名册的人数")
    errors: list[IssueOut]
    warnings: list[IssueOut] = Field(
        description="不影响导入的提示：code 为 id_region_unknown（身份证号码地区代码未识别）"
        "或 card_luhn（银行卡号校验未通过，请与持卡人核对）"
    )


class CoverageOut(Schema):
    contract_no: str | None
    unit: str
    effective: date | None
    end: date | None
    shares: int
    state: str
    cover_ended: str = Field(
        description="P-7：all 表示已获重大疾病救助，本合同对本人的保障责任已终止；"
        "critical_illness 表示免责期内确诊重大疾病，仅重大疾病保障终止；空表示未终止"
    )
    cover_ended_on: date | None = Field(description="终止保障的重大疾病的确诊日（事件日）")


class MemberOut(Schema):
    code: str
    name: str
    id_number: str  # masked
    birth_date: date
    sex: str
    age: int
    mobile: str
    bank_card: str  # masked
    status: str
    tags: list[str]
    consent_version: str
    consent_date: date
    consent_withdrawn: bool = Field(
        description="职工已撤回个人信息处理同意（consent_date 为撤回日）；重新上传名册前不能入会"
    )
    unit: str | None
    coverage: list[CoverageOut]


class RosterMemberOut(Schema):
    """One worker on a unit's current roster (GET /api/v1/units/{code}/members), read from his
    Membership: the dotted names are the member's attributes."""

    code: str = Field(
        alias="member.code", description="职工编号（申请普惠名额、提交救助申请时使用）"
    )
    name: str = Field(alias="member.name")
    id_number: str = Field(alias="member.masked_id", description="遮盖后的身份证号码")
    age: int = Field(alias="member.age")
    status: str = Field(alias="member.status")
    shares: int = Field(description="名册上的计划份数（入会申请按此份数）")
    joined: date
