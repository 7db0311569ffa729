"""The organisation tree (SPEC E-1, E-2): city federation → coordinating unions → units."""

import secrets
from typing import TYPE_CHECKING, ClassVar

from django.core.validators import RegexValidator
from django.db import models

from huzhu.core import clock
from huzhu.rules.identity import normalize

if TYPE_CHECKING:
    from huzhu.accounts.models import User

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# each random byte to a character by its low 5 bits: 256 is a multiple of 32, so every
# character stays equally likely (5 random bits), and the mapping runs in C
_BYTE_TO_CHAR = bytes(CODE_ALPHABET.encode()[b & 31] for b in range(256))


def opaque_code(prefix: str, length: int) -> str:
    """A random public code for URLs and the API (never the row id): 5 random bits a
    character from an alphabet without look-alikes (no 0/O, 1/I)."""
    return prefix + secrets.token_bytes(length).translate(_BYTE_TO_CHAR).decode()


def new_unit_code() -> str:
    return opaque_code("U", 7)


class UnionKind(models.TextChoices):
    CITY = "city", "市总工会"
    DISTRICT = "district", "区总工会"
    COUNTY = "county", "县总工会"
    FUNCTION_AREA = "function_area", "功能区总工会"
    BUREAU = "bureau", "局（委）工会"
    ENTERPRISE = "enterprise", "大企业/产业工会"


class UnionQuerySet(models.QuerySet["Union"]):
    def for_user(self, user: "User") -> "UnionQuerySet":
        """Staff see every union; a coordinating officer his subtree; a unit officer the
        chain above his unit."""
        if user.sees_all_organizations:
            return self.all()
        if user.role == "union_officer" and user.union is not None:
            return self.filter(path__startswith=user.union.path)
        if user.role == "unit_officer" and user.unit is not None:
            return self.filter(pk__in=[u.pk for u in user.unit.union.ancestors_and_self()])
        return self.none()


class Union(models.Model):
    """A coordinating union (上级工会). `path` is the chain of codes from the root, ending in
    '/', so a subtree is one prefix query."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=UnionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    # K-2: the 2-digit series in paid contract numbers is a setting per coordinating union.
    contract_series = models.CharField(
        "合同号系列",
        max_length=2,
        default="01",
        validators=[RegexValidator(r"^[0-9]{2}\Z", "合同号系列应为两位数字，如 01（K-2）")],
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects: ClassVar[UnionQuerySet] = UnionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "上级工会"
        verbose_name_plural = "上级工会"
        ordering: ClassVar[list[str]] = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_code(self) -> str:
        return self.code

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors_and_self(self) -> list["Union"]:
        codes = [c for c in self.path.split("/") if c]
        by_code = {u.code: u for u in Union.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class UnitQuerySet(models.QuerySet["Unit"]):
    def for_user(self, user: "User") -> "UnitQuerySet":
        """Staff: all; coordinating officer: his subtree; unit officer: his unit (brief 5)."""
        if user.sees_all_organizations:
            return self.all()
        if user.role == "union_officer" and user.union is not None:
            return self.filter(union__path__startswith=user.union.path)
        if user.role == "unit_officer" and user.unit_id is not None:
            return self.filter(pk=user.unit_id)
        return self.none()

    def search(self, text: str) -> "UnitQuerySet":
        text = text.strip()
        if not text:
            return self
        code = normalize(text)  # full-width, spaces and case as people type them
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(credit_code__iexact=code)
            | models.Q(code__iexact=code)
        )


class Unit(models.Model):
    """A member unit (团体会员 / 基层工会), the only applicant of the scheme (E-1, E-2)."""

    code = models.CharField("单位编号", max_length=12, unique=True, default=new_unit_code)
    name = models.CharField("单位名称", max_length=150)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    union = models.ForeignKey(
        Union, verbose_name="上级工会", on_delete=models.PROTECT, related_name="units"
    )
    member_count = models.PositiveIntegerField("工会会员人数")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    objects: ClassVar[UnitQuerySet] = UnitQuerySet.as_manager()  # type: ignore[assignment]

    AUDITED_FIELDS: ClassVar[list[str]] = [
        "name",
        "credit_code",
        "union",
        "member_count",
        "contact_name",
        "contact_phone",
        "address",
    ]

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_code(self) -> str:
        return self.code
