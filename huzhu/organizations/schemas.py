from ninja import Schema

from huzhu.organizations.models import Unit


class UnitOut(Schema):
    code: str
    name: str
    credit_code: str
    union: str
    union_name: str
    member_count: int
    contact_name: str
    contact_phone: str
    address: str

    @staticmethod
    def resolve_union(obj: Unit) -> str:
        return obj.union.code

    @staticmethod
    def resolve_union_name(obj: Unit) -> str:
        return obj.union.name
