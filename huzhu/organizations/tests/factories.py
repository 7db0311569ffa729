import random

import factory

from huzhu.demo.loader import credit_code
from huzhu.organizations.models import Union, UnionKind, Unit

_rng = random.Random(7)


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union

    code = factory.Sequence(lambda n: f"union{n}")
    name = factory.Sequence(lambda n: f"测试第{n}区总工会")
    kind = UnionKind.DISTRICT
    parent = None
    path = factory.LazyAttribute(lambda o: (o.parent.path if o.parent else "/") + o.code + "/")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"济南测试{n}有限公司")
    credit_code = factory.LazyFunction(lambda: credit_code(_rng, "370102"))
    union = factory.SubFactory(UnionFactory)
    member_count = 100
    contact_name = "张伟"
    contact_phone = "13905310000"
