"""Members (职工会员, SPEC E-4) and their unit memberships with history."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from django.db import models

from huzhu.core import clock, crypto
from huzhu.core.bulk import keys_in
from huzhu.core.fields import EncryptedTextField
from huzhu.organizations.models import Unit, opaque_code
from huzhu.rules.dates import age_on
from huzhu.rules.identity import clean_name, mask_card, mask_id, normalize

if TYPE_CHECKING:
    from huzhu.accounts.models import User

ID_PURPOSE = "id_number"
CARD_PURPOSE = "bank_card"
# The privacy notice the unit collects each worker's separate consent to (PIPL art. 29, E-4).
NOTICE_VERSION = "2025-01"
# A worker may withdraw that consent (the notice says so): recorded as the member's last consent
# event, with the day; a later roster upload confirms a fresh consent and replaces it.
CONSENT_WITHDRAWN = "职工撤回同意（经单位工会）"


def new_member_code() -> str:
    return opaque_code("M", 9)


def id_hash(number: str) -> str:
    return crypto.keyed_hash(number, ID_PURPOSE)


def card_hash(number: str) -> str:
    return crypto.keyed_hash(number, CARD_PURPOSE)


def is_id_search(text: str) -> bool:
    """Whether a search names a whole ID number. Pages send such a search in a POST body and
    keep it out of every URL (browser history, server and proxy logs), as the look-up does."""
    return len(normalize(text)) == 18


def search_params(text: str) -> dict[str, str]:
    """What a page's links (pages, filters) may carry of a search: a name or a code, never a
    whole ID number, nor an empty search."""
    return {} if is_id_search(text) or not text.strip() else {"q": text}


class MemberQuerySet(models.QuerySet["Member"]):
    def for_user(self, user: "User") -> "MemberQuerySet":
        """Staff: all; coordinating officer: members of units in his subtree; unit officer:
        members of his unit (current or past memberships)."""
        if user.sees_all_organizations:
            return self.all()
        units = Unit.objects.for_user(user)
        return self.filter(memberships__unit__in=units).distinct()

    def lock(self, ids: Iterable[int]) -> None:
        """Hold these members' rows until the transaction ends (in key order, so two holders of
        overlapping sets cannot deadlock): what decides their shares (P-2) runs one at a time."""
        keys = sorted(set(ids))
        list(self.select_for_update().filter(pk__in=keys_in(keys)).order_by("pk").values("pk"))

    def by_id_number(self, number: str) -> "MemberQuerySet":
        return self.filter(id_hash=id_hash(number))

    def search(self, text: str) -> "MemberQuerySet":
        """By the whole ID number (through its keyed hash: numbers are stored encrypted), by
        member code, or by part of the name (cleaned as names are stored: no blanks, the ID
        card's middle dot)."""
        key = normalize(text)
        if is_id_search(key):
            return self.by_id_number(key)
        if not key:
            return self
        return self.filter(models.Q(name__contains=clean_name(text)) | models.Q(code=key))


class Member(models.Model):
    """One person, keyed by the ID number (found by its keyed hash, stored encrypted).
    Birth date and sex are derived from the ID number, never typed (E-4)."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", "在职"
        RETIRED = "retired", "退休"
        DECEASED = "deceased", "身故"  # a death claim was registered, or he left as 去世 (E-5)

    code = models.CharField("会员编号", max_length=12, default=new_member_code)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号码")
    id_hash = models.CharField(max_length=64, editable=False)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    mobile = models.CharField("手机号码", max_length=11)
    bank_card = EncryptedTextField("工商银行卡号")
    bank_card_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField("在职状态", max_length=12, choices=Status.choices)
    tags = models.JSONField("人员类别", default=list, blank=True)
    consent_version = models.CharField("隐私告知书版本", max_length=20)
    consent_date = models.DateField("同意日期")
    consent_method = models.CharField("同意方式", max_length=60)
    created_at = models.DateTimeField("登记时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    objects: ClassVar[MemberQuerySet] = MemberQuerySet.as_manager()  # type: ignore[assignment]

    AUDITED_FIELDS: ClassVar[list[str]] = ["name", "mobile", "status", "tags", "consent_version"]

    class Meta:
        verbose_name = "职工会员"
        verbose_name_plural = "职工会员"
        ordering: ClassVar[list[str]] = ["name"]
        # Declared here rather than as unique=True/db_index=True on the fields: on PostgreSQL
        # those also add a varchar_pattern_ops ("_like") index per field, which only LIKE
        # queries use. Codes and hashes are only ever matched exactly, and the three extra
        # indexes were a third of what every roster import wrote.
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["code"], name="member_code_unique"),
            models.UniqueConstraint(fields=["id_hash"], name="member_id_hash_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["bank_card_hash"], name="member_card_hash"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_code(self) -> str:
        return self.code

    @property
    def consent_withdrawn(self) -> bool:
        return self.consent_method == CONSENT_WITHDRAWN

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_card(self) -> str:
        return mask_card(self.bank_card)

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(clock.today())

    @property
    def current_membership(self) -> "Membership | None":
        return self.memberships.filter(left__isnull=True).select_related("unit").first()


class Membership(models.Model):
    """A member's place on a unit's roster, with the shares the unit plans for him; `left` is
    set when he leaves (a worker can change units)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    shares = models.PositiveSmallIntegerField("计划份数", default=1)
    joined = models.DateField("加入日期", default=clock.today)
    left = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "单位名册"
        verbose_name_plural = "单位名册"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(left__isnull=True),
                name="one_current_membership",
            ),
            models.CheckConstraint(
                condition=models.Q(shares__gte=1, shares__lte=3), name="membership_shares_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.unit}"
