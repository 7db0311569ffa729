"""Every write to unions and units, each in one transaction with its audit entry."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from huzhu.core import audit, clock
from huzhu.core.models import AuditEntry
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


def register_units(units: Sequence[UnitFacts], *, actor: Any) -> list[Unit]:
    """Units of a checked spreadsheet (`huzhu.organizations.sheet`), all in one transaction
    with an audit entry each, or none: IntegrityError when one of their credit codes was
    registered since the check."""
    with transaction.atomic(durable=True):
        now = clock.now()
        made = Unit.objects.bulk_create(
            Unit(created_at=now, updated_at=now, **facts.__dict__) for facts in units
        )
        AuditEntry.objects.bulk_create(
            audit.build(
                actor,
                "organizations.unit.created",
                unit,
                after=audit.snapshot(unit, Unit.AUDITED_FIELDS) | {"from_file": True},
            )
            for unit in made
        )
    return made


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
