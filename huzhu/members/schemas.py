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
    warnings: list[IssueOut]


class CoverageOut(Schema):
    contract_no: str | None
    unit: str
    effective: date | None
    end: date | None
    shares: int
    state: str


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
    unit: str | None
    coverage: list[CoverageOut]
