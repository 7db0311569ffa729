"""List pagination of /api/v1: ninja's limit/offset with both bounded, so an absurd offset is
a 422 with the usual JSON error instead of a database overflow (found by the schema fuzzing)."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

T = TypeVar("T")

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="每页条数（1-500）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class Built(Generic[T]):
    """Rows that `paginate` slices and counts, each answer built by `build` from its row: only
    the rows of the page asked for are read and built, the count is the database's."""

    def __init__(self, rows: "QuerySet[Any]", build: Callable[[Any], T]) -> None:
        self.rows, self.build = rows, build

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[T]:
        return [self.build(row) for row in self.rows[window]]
