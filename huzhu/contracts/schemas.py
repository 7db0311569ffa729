from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class ContractIn(Schema):
    unit: str
    funding_source: str
    requested_start: date | None = None


class RenewalIn(Schema):
    funding_source: str = Field(
        "", description="会费来源（五种方式之一）；不填则沿用原合同的会费来源"
    )


class FeeConfirmIn(Schema):
    reference: str = Field(
        "", max_length=60, description="收款凭证号或银行流水号（选填），记入合同与审计日志"
    )


class CancelIn(Schema):
    reason: str = Field(description="撤销原因（必填）")


class LineOut(Schema):
    member: str
    name: str
    id_number: str  # masked
    shares: int


class ContractSummaryOut(Schema):
    """A contract without its roster (the list)."""

    id: str  # the contract number once active, the opaque code before
    contract_no: str | None
    unit: str
    funding: str
    funding_source: str
    status: str
    requested_start: date | None
    effective: date | None
    end: date | None
    total_shares: int
    fee: Decimal
    previous: str | None
    people: int = Field(description="名册人数")
    fee_reference: str = Field("", description="确认会费时记下的收款凭证号")
    declaration: str = Field("", description="单位提交申请时作出的声明（E-5），提交前为空")


class ContractOut(ContractSummaryOut):
    lines: list[LineOut]
