"""GET /api/v1/units and /api/v1/units/{code}, scoped like the pages."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from huzhu.accounts.models import user_of
from huzhu.core.pagination import BoundedLimitOffset
from huzhu.organizations.access import get_union_for, get_unit_for
from huzhu.organizations.models import Unit, UnitQuerySet
from huzhu.organizations.schemas import UnitOut

router = Router(tags=["单位"])


@router.get("/units", response=list[UnitOut], summary="可见的单位列表")
@paginate(BoundedLimitOffset)
def list_units(request: HttpRequest, q: str = "", union: str = "") -> UnitQuerySet:
    """Units the token's account may see; `q` searches name, credit code or unit code,
    `union` limits to a coordinating union's subtree."""
    user = user_of(request)
    units = Unit.objects.for_user(user).select_related("union").search(q)
    if union:
        units = units.filter(union__path__startswith=get_union_for(user, union).path)
    return units


@router.get("/units/{code}", response=UnitOut, summary="单位详情")
def get_unit(request: HttpRequest, code: str) -> Unit:
    return get_unit_for(user_of(request), code)
