"""Demo data: Jinan's coordinating unions, about 200 plausible units, one login per role.

Deterministic (seeded), loaded once: a second run changes nothing.
"""

import io
import random
from dataclasses import dataclass

from openpyxl import Workbook

from huzhu.accounts.actions import create_user
from huzhu.accounts.models import Duty, Role, User
from huzhu.claims.actions import load_holiday_year
from huzhu.contracts.actions import (
    EnrolmentFacts,
    confirm_fee,
    create_enrolment,
    submit_contract,
)
from huzhu.contracts.models import Contract
from huzhu.core import audit, clock
from huzhu.core.models import AuditEntry
from huzhu.demo.history import load_history
from huzhu.members.actions import import_roster
from huzhu.organizations.actions import UnitFacts, create_union, create_unit
from huzhu.organizations.models import Union, UnionKind, Unit
from huzhu.rules.identity import credit_code_check_char, id_check_char, luhn_ok
from huzhu.rules.workdays import library_calendar

DEMO_PASSWORD = "huzhu-demo-2025"
ROOT = ("jinan", "济南市总工会", UnionKind.CITY, "370100")

# (code, name, kind, region code of its units' credit codes)
COORDINATING = [
    ("lixia", "历下区总工会", UnionKind.DISTRICT, "370102"),
    ("shizhong", "市中区总工会", UnionKind.DISTRICT, "370103"),
    ("huaiyin", "槐荫区总工会", UnionKind.DISTRICT, "370104"),
    ("tianqiao", "天桥区总工会", UnionKind.DISTRICT, "370105"),
    ("licheng", "历城区总工会", UnionKind.DISTRICT, "370112"),
    ("changqing", "长清区总工会", UnionKind.DISTRICT, "370113"),
    ("zhangqiu", "章丘区总工会", UnionKind.DISTRICT, "370114"),
    ("jiyang", "济阳区总工会", UnionKind.DISTRICT, "370115"),
    ("laiwu", "莱芜区总工会", UnionKind.DISTRICT, "370116"),
    ("gangcheng", "钢城区总工会", UnionKind.DISTRICT, "370117"),
    ("pingyin", "平阴县总工会", UnionKind.COUNTY, "370124"),
    ("shanghe", "商河县总工会", UnionKind.COUNTY, "370126"),
    ("gaoxin", "济南高新技术产业开发区总工会", UnionKind.FUNCTION_AREA, "370171"),
    ("qibuqu", "济南新旧动能转换起步区总工会", UnionKind.FUNCTION_AREA, "370172"),
    ("nanbushanqu", "济南市南部山区总工会", UnionKind.FUNCTION_AREA, "370173"),
    ("jiaoyu", "济南市教育局工会", UnionKind.BUREAU, "370100"),
    ("weijian", "济南市卫生健康委员会工会", UnionKind.BUREAU, "370100"),
    ("jiaotong", "济南市交通运输局工会", UnionKind.BUREAU, "370100"),
    ("zhujian", "济南市住房和城乡建设局工会", UnionKind.BUREAU, "370100"),
    ("zhongqi", "中国重汽集团工会", UnionKind.ENTERPRISE, "370100"),
    ("gongjiao", "济南公共交通集团工会", UnionKind.ENTERPRISE, "370100"),
    ("chengjian", "济南城市建设集团工会", UnionKind.ENTERPRISE, "370100"),
    ("jigang", "济钢集团有限公司工会", UnionKind.ENTERPRISE, "370100"),
]

BRANDS = [
    "泉城",
    "齐鲁",
    "鲁信",
    "华山",
    "千佛山",
    "大明湖",
    "趵突",
    "黄河",
    "舜耕",
    "历山",
    "泺源",
    "鹊华",
    "章丘",
    "明湖",
    "汇泉",
    "金泉",
    "绿城",
    "海右",
    "恒信",
    "宏达",
    "瑞丰",
    "振华",
    "正泰",
    "鲁能",
    "德晟",
    "嘉禾",
]
TRADES = [
    "科技有限公司",
    "机械制造有限公司",
    "建设工程有限公司",
    "物流有限公司",
    "食品有限公司",
    "软件股份有限公司",
    "商贸有限公司",
    "物业服务有限公司",
    "医药有限公司",
    "电子信息有限公司",
    "新材料有限公司",
    "餐饮管理有限公司",
]
BUREAU_UNITS = {
    "jiaoyu": ["济南市第{}中学", "济南市历下区第{}实验小学", "济南市第{}职业中等专业学校"],
    "weijian": ["济南市第{}人民医院", "济南市中心医院第{}分院", "济南市第{}社区卫生服务中心"],
    "jiaotong": ["济南市交通运输执法支队第{}大队", "济南市公路事业发展中心第{}养护站"],
    "zhujian": ["济南市建设工程质量安全中心第{}站", "济南市房屋征收服务中心第{}所"],
}
ENTERPRISE_UNITS = {
    "zhongqi": ["中国重汽集团济南商用车有限公司第{}分厂", "中国重汽集团济南动力有限公司第{}车间"],
    "gongjiao": ["济南公共交通集团第{}客运分公司", "济南公共交通集团第{}保修厂"],
    "chengjian": ["济南城市建设集团第{}工程有限公司"],
    "jigang": ["济钢集团第{}分公司"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰志红"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    secret: str = ""  # the demo authenticator's key, for staff and administrators


DEMO_DEVICE = "演示"


def organization_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code(rng: random.Random, region: str, authority: str = "91") -> str:
    stem = authority + region + organization_code(rng)
    return stem + credit_code_check_char(stem)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _unit_names(rng: random.Random, code: str, count: int) -> list[str]:
    patterns = BUREAU_UNITS.get(code) or ENTERPRISE_UNITS.get(code)
    if patterns:
        return [rng.choice(patterns).format(CHINESE_NUMBERS[i % 10]) for i in range(count)]
    union_name = next(name for c, name, _, _ in COORDINATING if c == code)
    district = {"gaoxin": "高新", "qibuqu": "起步区", "nanbushanqu": "南山"}.get(
        code, union_name[:2]
    )
    return [f"济南{rng.choice(BRANDS)}{district}{rng.choice(TRADES)}" for _ in range(count)]


def _load_tree() -> dict[str, Union]:
    root = create_union(actor=None, code=ROOT[0], name=ROOT[1], kind=ROOT[2], parent=None)
    unions = {root.code: root}
    for index, (code, name, kind, _) in enumerate(COORDINATING, start=1):
        unions[code] = create_union(
            actor=None, code=code, name=name, kind=kind, parent=root, series=f"{index:02d}"
        )
    return unions


def _load_units(rng: random.Random, unions: dict[str, Union]) -> list[Unit]:
    units: list[Unit] = []
    seen: set[str] = set()
    for code, _, kind, region in COORDINATING:
        count = 14 if kind == UnionKind.DISTRICT else 7
        for name in _unit_names(rng, code, count):
            if name in seen:
                continue
            seen.add(name)
            units.append(
                create_unit(
                    UnitFacts(
                        name=name,
                        credit_code=credit_code(rng, region, "12" if "市" in name[2:] else "91"),
                        union=unions[code],
                        member_count=rng.choice((12, 25, 40, 68, 120, 260, 540, 1200)),
                        contact_name=_person(rng),
                        contact_phone="1" + rng.choice("35789") + f"{rng.randrange(10**9):09d}",
                    ),
                    actor=None,
                )
            )
    return units


def _load_logins(unions: dict[str, Union], units: list[Unit]) -> None:
    unit_a = next(u for u in units if u.union == unions["lixia"])
    unit_b = next(u for u in units if u.union == unions["shizhong"])
    create_user(
        actor=None,
        username="admin",
        password=DEMO_PASSWORD,
        role=Role.ADMIN,
        display_name="系统管理员",
    )
    for duty, name in (
        (Duty.REGISTRAR, "登记员"),
        (Duty.REVIEWER, "审核员"),
        (Duty.APPROVER, "审批员"),
        (Duty.CASHIER, "出纳"),
    ):
        create_user(
            actor=None,
            username=duty.value,
            password=DEMO_PASSWORD,
            role=Role.STAFF,
            display_name=f"互济会{name}",
            duties=(duty,),
        )
    create_user(
        actor=None,
        username="lixia",
        password=DEMO_PASSWORD,
        role=Role.UNION_OFFICER,
        display_name="历下区总工会经办人",
        union=unions["lixia"],
    )
    _unit_officer("unit_a", "单位A经办人", unit_a)
    _unit_officer("unit_b", "单位B经办人", unit_b)


def _unit_officer(username: str, display_name: str, unit: Unit) -> None:
    create_user(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        role=Role.UNIT_OFFICER,
        display_name=display_name,
        unit=unit,
    )


def _roster_file(rng: random.Random, count: int, region: str) -> bytes:
    """A filled-in roster template, as a unit officer would upload it."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["姓名", "身份证号码", "手机号码", "工商银行卡号", "份数", "在职状态", "人员类别"])
    for _ in range(count):
        born = f"{rng.randint(1968, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        stem = f"{region}{born}{rng.randint(0, 999):03d}"
        card = f"622202{rng.randrange(10**12):012d}"
        card += next(str(c) for c in range(10) if luhn_ok(card + str(c)))
        tag = rng.choice(["", "", "", "", "劳模工匠", "困难职工", "新就业形态劳动者"])
        sheet.append(
            [
                _person(rng),
                stem + id_check_char(stem),
                f"13{rng.randrange(10**9):09d}",
                card,
                str(rng.choice((1, 1, 2, 3))),
                "在职",
                tag,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _load_contracts(rng: random.Random, unions: dict[str, Union]) -> None:
    """unit A: a roster and an active contract; unit A's neighbour: a submitted enrolment
    waiting for the fee; unit B: a roster only."""
    lixia = list(Unit.objects.filter(union=unions["lixia"]).order_by("pk")[:2])
    unit_b = Unit.objects.filter(union=unions["shizhong"]).order_by("pk").first()
    plans = [(lixia[0], 12, "active"), (lixia[1], 8, "submitted"), (unit_b, 10, "roster")]
    for unit, count, stage in plans:
        if unit is None:
            continue
        unit.member_count = count
        unit.save(update_fields=["member_count"])
        import_roster(unit, _roster_file(rng, count, unit.credit_code[2:8]), actor=None)
        if stage == "roster":
            continue
        contract = create_enrolment(unit, EnrolmentFacts("union_funds"), actor=None)
        submit_contract(contract, actor=None)
        if stage == "active":
            confirm_fee(contract, actor=None)


PROGRAMME_2025 = [  # SPEC Q-2: (quota, window, renewal end dates)
    (130_000, ("2025-02-28", "2025-03-21"), ("2024-11-01", "2025-03-31")),
    (68_000, ("2025-05-30", "2025-06-20"), ("2025-01-01", "2025-06-30")),
    (61_000, ("2025-08-29", "2025-09-19"), ("2025-04-01", "2025-09-30")),
    (91_000, ("2025-11-28", "2025-12-19"), ("2025-07-01", "2025-12-31")),
]


# the 2025 table's note 4: whom units call about the online application
PROGRAMME_SUPPORT = "0531-81285015（武老师）、0531-81285017（李老师）"


def _load_programmes() -> None:
    """The 2025 programme of the rulebook, and the same table for each year since, up to the
    current one, so the board has a programme whatever the year (in 2026 the last window is
    open at the end of November)."""
    from datetime import date
    from decimal import Decimal

    from huzhu.quota.actions import load_programme
    from huzhu.rules.dates import add_years
    from huzhu.rules.quota import Period

    for shift in range(max(clock.today().year, 2026) - 2025 + 1):
        periods = []
        for no, (quota, window, ends) in enumerate(PROGRAMME_2025, start=1):
            opens, closes, first, last = (
                add_years(date.fromisoformat(d), shift) for d in (*window, *ends)
            )
            periods.append(Period(no, quota, opens, closes, first, last))
        load_programme(
            2025 + shift, Decimal("7000000.00"), periods, actor=None, support=PROGRAMME_SUPPORT
        )


def _seed_calendar() -> None:
    """The holiday table starts from chinesecalendar's known years, for admins to see and edit.
    A year it does not know (from 2027) stays unlisted, its due dates provisional (C-5): loaded
    empty, it was listed as a year without a single holiday."""
    this_year = clock.today().year
    for year in range(this_year - 5, this_year + 1):
        known = library_calendar(year)
        if not known:
            continue
        load_holiday_year(
            year,
            {d: w for d, (w, _) in known.items()},
            actor=None,
            notes={d: n for d, (_, n) in known.items()},
        )


def _history_units(rng: random.Random, units: list[Unit]) -> list[Unit]:
    """Units with a past: one or two per coordinating union, never the three login units."""
    taken = set(Contract.objects.values_list("unit_id", flat=True)) | set(
        User.objects.filter(unit__isnull=False).values_list("unit_id", flat=True)
    )
    free = [u for u in units if u.pk not in taken]
    by_union: dict[int, list[Unit]] = {}
    for unit in free:
        by_union.setdefault(unit.union_id, []).append(unit)
    chosen = []
    for group in by_union.values():
        chosen.extend(group[: rng.choice((1, 2))])
    return chosen


DEMO_LOADED = "core.demo.loaded"  # the audit entry of a finished load


def load(seed: int = 2025, *, history: bool = True) -> bool:
    """Load the demo data unless it is there already; True when it was loaded now. `history`
    adds several years of enrolments, free shares, claims and payments (see demo/history.py).

    The steps are the live system's actions, and an action's transaction is the outermost one
    (STYLE): each commits on its own, as in real use, so the load is not one transaction. Its
    last step records that it finished (`finished`)."""
    if Union.objects.filter(code=ROOT[0]).exists():
        return False
    rng = random.Random(seed)
    unions = _load_tree()
    units = _load_units(rng, unions)
    _load_logins(unions, units)
    _demo_devices()
    _load_contracts(rng, unions)
    _seed_calendar()
    _load_programmes()
    if history:
        featured = load_history(rng, _history_units(rng, units), _roster_file)
        if featured is not None:  # years of contracts and claims, one returned
            _unit_officer("unit_c", "单位C经办人", featured)
    audit.record(None, DEMO_LOADED, unions[ROOT[0]], after={"seed": seed, "history": history})
    return True


def finished() -> bool:
    """Whether a load ran to its end. Not so after a load that stopped half-way, nor for a
    database loaded before loads were recorded, nor for one whose union tree was not made
    by the demo."""
    return AuditEntry.objects.filter(action=DEMO_LOADED).exists()


def _demo_devices() -> None:
    """Staff and the administrator sign in with a second factor (issue 8); the demo gives each
    an authenticator key, printed with the logins (`huzhu demo-code USER` shows the code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in User.objects.filter(role__in=[Role.ADMIN, Role.STAFF]):
        TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)


def demo_secret(user: User) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from huzhu.accounts.twofactor import secret_text

    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE, confirmed=True).first()
    return secret_text(device) if device is not None else ""


def logins() -> list[DemoLogin]:
    users = User.objects.filter(
        username__in=[
            "admin",
            "registrar",
            "reviewer",
            "approver",
            "cashier",
            "lixia",
            "unit_a",
            "unit_b",
            "unit_c",
        ]
    ).select_related("union", "unit")
    order = {"admin": 0, "staff": 1, "union_officer": 2, "unit_officer": 3}
    return [
        DemoLogin(u.username, u.get_role_display() + _duties(u), u.scope_label, demo_secret(u))
        for u in sorted(users, key=lambda u: (order[u.role], u.pk))
    ]


def _duties(user: User) -> "str":
    return f"（{'、'.join(d.label for d in user.duties)}）" if user.duties else ""
