"""List pagination of /api/v1: ninja's limit/offset with both bounded, so an absurd offset is
a 422 with the usual JSON error instead of a database overflow (found by the schema fuzzing)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="每页条数（1-500）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
