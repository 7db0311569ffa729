"""The statistics tables as rows, for the page and for xlsx (one sheet per table)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from huzhu.core import xlsx
from huzhu.stats.figures import Figures, Totals

Table = tuple[str, list[str], list[list[Any]]]  # (title, header, rows)

TOTALS_HEADER = ["参保人数", "份数", "会费（元）", "救助人次", "发放救助金（元）", "赔付率（%）"]


def _totals_row(t: Totals) -> list[Any]:
    return [t.members, t.shares, t.fees, t.claims, t.benefits, t.loss_ratio]


def overview(f: Figures) -> Table:
    label = f"{f.year}年" if f.year else "全部年度"
    rows = [[label, *_totals_row(f.totals)]]
    if f.has_history:
        rows.append(["自开办以来", *_totals_row(f.inception)])
    return ("总览", ["范围", *TOTALS_HEADER], rows)


def per_year(f: Figures) -> Table:
    return ("逐年", ["年度", *TOTALS_HEADER], [[y, *_totals_row(t)] for y, t in f.per_year])


def by_type(f: Figures) -> Table:
    return (
        "按救助类型",
        ["救助类型", "人次", "金额（元）"],
        [[r["label"], r["count"], r["amount"]] for r in f.by_type],
    )


def per_union(f: Figures) -> Table:
    return (
        "按上级工会",
        ["上级工会", *TOTALS_HEADER],
        [[n, *_totals_row(t)] for n, t in f.per_union],
    )


def quota(f: Figures) -> Table:
    return (
        "普惠名额",
        ["年度", "期次", "基础名额", "有效名额", "全市已发放", "本范围已获", "使用率（%）"],
        [
            [
                r["year"],
                r["period"],
                r["quota"],
                r["effective_quota"],
                r["granted_city"],
                r["granted_scope"],
                r["use_percent"],
            ]
            for r in f.quota
        ],
    )


def timeliness(f: Figures) -> Table:
    t = f.timeliness
    return (
        "发放时效",
        ["已发放笔数", "10个工作日内", "超期", "及时率（%）"],
        [[t["paid"], t["on_time"], t["late"], t["on_time_percent"]]],
    )


HISTORY_TABLES = ("per_year",)  # need the since-inception figures
TABLES: dict[str, Callable[[Figures], Table]] = {
    "overview": overview,
    "per_year": per_year,
    "by_type": by_type,
    "per_union": per_union,
    "quota": quota,
    "timeliness": timeliness,
}


def workbook(f: Figures, names: list[str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name in names:
        title, header, rows = TABLES[name](f)
        sheet = book.create_sheet(title)
        sheet.append([f"{f.scope} · {f.year or '全部年度'} · {title}"])
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        sheet.column_dimensions["A"].width = 22
    return xlsx.save(book)
