"""Every write to unions and units, each in one transaction with its audit entry."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from huzhu.core import audit, clock
from huzhu.organizations.models import Union, Unit


@dataclass(frozen=True)
class UnitFacts:
    """Validated unit data (E-2), from a form, the API or the demo loader."""

    name: str
    credit_code: str
    union: Union
    member_count: int
    contact_name: str
    contact_phone: str
    address: str = ""


def create_union(
    *, actor: Any, code: str, name: str, kind: str, parent: Union | None, series: str = "01"
) -> Union:
    with transaction.atomic(durable=True):
        union = Union(code=code, name=name, kind=kind, parent=parent, contract_series=series)
        union.path = (parent.path if parent else "/") + code + "/"
        union.save()
        audit.record(
            actor,
            "organizations.union.created",
            union,
            after=audit.snapshot(union, ["code", "name", "kind", "parent", "contract_series"]),
        )
    return union


def create_unit(facts: UnitFacts, *, actor: Any) -> Unit:
    with transaction.atomic(durable=True):
        now = clock.now()
        unit = Unit(created_at=now, updated_at=now, **facts.__dict__)
        unit.save()
        audit.record(
            actor,
            "organizations.unit.created",
            unit,
            after=audit.snapshot(unit, Unit.AUDITED_FIELDS),
        )
    return unit


def update_unit(unit: Unit, facts: UnitFacts, *, actor: Any) -> Unit:
    """Change a unit's record; an unchanged submission writes nothing and logs nothing."""
    with transaction.atomic(durable=True):
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        before = audit.snapshot(locked, Unit.AUDITED_FIELDS)
        for name, value in facts.__dict__.items():
            setattr(locked, name, value)
        after = audit.snapshot(locked, Unit.AUDITED_FIELDS)
        if before == after:
            return locked
        locked.updated_at = clock.now()
        locked.save(update_fields=[*facts.__dict__.keys(), "updated_at"])
        audit.record(actor, "organizations.unit.updated", locked, before=before, after=after)
    return locked
