"""The plan as data: the critical-illness plan (重疾项目) of SPEC §3 as one frozen object.

A future year's plan is a new `Plan`, not a code edit: every number the rules use lives here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType


class BenefitType(StrEnum):
    """Claim types (SPEC C-1)."""

    CRITICAL_ILLNESS = "critical_illness"
    ACCIDENT_HOSPITALIZATION = "accident_hospitalization"
    DEATH_ILLNESS = "death_illness"
    DEATH_ACCIDENT = "death_accident"
    DISABILITY_ACCIDENT = "disability_accident"

    @property
    def label(self) -> str:
        return BENEFIT_LABELS[self]

    @property
    def is_illness(self) -> bool:
        """Illness claims are subject to the pre-existing test (SPEC P-8)."""
        return self in ILLNESS_TYPES

    @property
    def is_accident(self) -> bool:
        return self not in ILLNESS_TYPES

    @property
    def under_death_disability_cap(self) -> bool:
        """SPEC P-9: death and disability share one cap."""
        return self in CAPPED_TYPES


ILLNESS_TYPES = frozenset({BenefitType.CRITICAL_ILLNESS, BenefitType.DEATH_ILLNESS})
DEATH_TYPES = frozenset({BenefitType.DEATH_ILLNESS, BenefitType.DEATH_ACCIDENT})  # C-2: trustee
CAPPED_TYPES = frozenset(
    {BenefitType.DEATH_ILLNESS, BenefitType.DEATH_ACCIDENT, BenefitType.DISABILITY_ACCIDENT}
)


BENEFIT_LABELS = MappingProxyType(
    {
        BenefitType.CRITICAL_ILLNESS: "重大疾病",
        BenefitType.ACCIDENT_HOSPITALIZATION: "意外伤害住院",
        BenefitType.DEATH_ILLNESS: "疾病身故",
        BenefitType.DEATH_ACCIDENT: "意外身故",
        BenefitType.DISABILITY_ACCIDENT: "意外伤残",
    }
)


@dataclass(frozen=True)
class Disease:
    code: str
    name: str
    tier: str  # "A" (5000/share) or "B" (3000/share)


_DISEASE_NAMES = (
    "慢性肾功能衰竭（尿毒症期）",
    "再生障碍性贫血",
    "重大器官移植手术",
    "原发性癌症",
    "心肌梗塞",
    "冠状动脉绕道手术",
    "脑中风",
    "瘫痪",
    "主动脉手术",
    "爆发性肝炎",
    "晚期肝硬化",
    "严重烧伤",
    "帕金森氏病",
    "心脏瓣膜置换手术",
    "阿耳茨海默氏病",
    "严重脑损伤",
    "昏迷",
    "脑部良性肿瘤",
    "多发性硬化",
    "原发性肺动脉高压",
    "失明",
    "听力丧失",
    "丧失语言能力",
    "终末期肺病",
    "脑炎",
    "颅脑手术",
    "断肢",
    "胃切除",
    "肺切除",
    "脾切除",
    "肾脏切除",
    "慢性粒细胞白血病",
    "稳定性心绞痛PCI手术",
    "不稳定性心绞痛PCI手术",
)

DISEASES: Mapping[str, Disease] = MappingProxyType(
    {
        f"CI{i:02d}": Disease(f"CI{i:02d}", name, "A" if i <= 3 else "B")
        for i, name in enumerate(_DISEASE_NAMES, start=1)
    }
)


@dataclass(frozen=True)
class Plan:
    """One year's critical-illness plan. Defaults are SPEC §2-§3; settings marked
    [interpretation] in the SPEC are fields here, not constants in code."""

    name: str = "济南市职工团体重大疾病、意外伤害住院互助保障项目"
    fee_per_share: Decimal = Decimal("20.00")  # P-1
    max_shares: int = 3  # P-2
    term_years: int = 1  # P-3
    tier_benefit: Mapping[str, Decimal] = field(
        default_factory=lambda: MappingProxyType({"A": Decimal("5000"), "B": Decimal("3000")})
    )  # P-4
    accident_hospitalization_benefit: Decimal = Decimal("1600")  # P-4
    death_benefit: Decimal = Decimal("3000")  # P-4
    disability_full_benefit: Decimal = Decimal("3000")  # P-4, grade g pays (110 - 10g)%
    death_disability_cap: Decimal = Decimal("3000")  # P-9, per share per contract
    waiting_days: Mapping[BenefitType, int] = field(
        default_factory=lambda: MappingProxyType(
            {
                BenefitType.CRITICAL_ILLNESS: 30,
                BenefitType.ACCIDENT_HOSPITALIZATION: 0,
                BenefitType.DEATH_ILLNESS: 30,  # [interpretation] P-5
                BenefitType.DEATH_ACCIDENT: 0,
                BenefitType.DISABILITY_ACCIDENT: 0,
            }
        )
    )  # P-5
    renewal_waives_waiting: bool = True  # P-6 [interpretation]
    time_bar_years: int = 2  # P-11
    participation_threshold: Decimal = Decimal("0.70")  # E-3
    min_age: int = 18  # E-5
    max_age: int = 60  # E-5
    diseases: Mapping[str, Disease] = field(default_factory=lambda: DISEASES)

    @property
    def participation_percent(self) -> str:
        """E-3's threshold as people read it: "70" for 0.70."""
        return f"{(self.participation_threshold * 100).normalize():f}"

    @property
    def largest_benefit(self) -> Decimal:
        """The most one claim can pay: the share cap (P-2) times the largest benefit of a share
        (P-4). A reviewer's amount above it is a typing error."""
        largest = max(
            *self.tier_benefit.values(),
            self.accident_hospitalization_benefit,
            self.death_benefit,
            self.disability_full_benefit,
        )
        return self.max_shares * largest

    def disability_percent(self, grade: int) -> Decimal:
        """Grade 1 → 100%, grade 10 → 10% (人身保险伤残评定标准)."""
        return Decimal(110 - 10 * grade)

    def per_share(self, kind: BenefitType, disease: str | None, grade: int | None) -> Decimal:
        """The benefit of one share (SPEC P-4) before caps."""
        if kind == BenefitType.CRITICAL_ILLNESS:
            return self.tier_benefit[self.diseases[disease or ""].tier]
        if kind == BenefitType.ACCIDENT_HOSPITALIZATION:
            return self.accident_hospitalization_benefit
        if kind == BenefitType.DISABILITY_ACCIDENT:
            return self.disability_full_benefit * self.disability_percent(grade or 10) / 100
        return self.death_benefit


CRITICAL_ILLNESS_PLAN = Plan()
