"""A legacy clinic spreadsheet as clinics really bring them, for the README walkthrough, the
tests and the import benchmark: a title row, a blank row, a two-row merged header with Chinese
labels, one row per visit, phones stored as numbers, dates in five formats, the same patient
on several rows, a few broken cells, blank rows and a 合计 row at the bottom. Procedures and
doctors are named as the clinic wrote them (种植, 洗牙, 李医生); the patient columns carry a
referrer (sometimes one further down the sheet), tags, a WeChat id, an emergency contact whose
phone another tool wrote as ``18858540446.0``, and a stored-value balance (imported later,
with the loyalty journals)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from clinic_desktop.demo.patients import GIVEN_F, GIVEN_M, PREFIXES, SOURCES, STREETS, SURNAMES
from clinic_desktop.rules.idcard import check_char

PROCEDURES = (("超声洁牙", 300), ("洗牙", 260), ("补牙", 400), ("根管", 1500),
              ("拔牙", 300), ("种植", 12000), ("全瓷冠", 3000), ("隐形矫正", 30000),
              ("窝沟封闭", 150), ("全飞秒", 18000), ("种植复查", 200), ("牙齿美白", 1800))
DOCTORS = ("王建国", "李医生", "陈医生", "赵医生")
TAGS = ("怕疼", "VIP", "价格敏感", "老客户", "种植意向")
GROUP_ROW = ("患者信息", "", "", "", "", "", "", "就诊信息", "", "", "", "", "", "关系", "", "",
             "", "", "会员")
HEADER_ROW = ("姓名", "性别", "出生日期", "联系电话", "身份证号", "来源", "地址", "就诊日期",
              "治疗项目", "消费金额", "实收金额", "主治医生", "备注", "介绍人", "标签", "微信号",
              "紧急联系人", "紧急联系人电话", "储值余额")


def _id_number(rng: random.Random, birth: date, male: bool) -> str:
    body = f"110105{birth:%Y%m%d}{rng.randint(10, 99)}{rng.choice('13579' if male else '02468')}"
    return body + check_char(body)


def _date_cell(rng: random.Random, day: date, messy: bool) -> object:
    if not messy:
        return day
    style = rng.randrange(6)
    if style == 0:
        return datetime.combine(day, datetime.min.time())
    if style == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if style == 2:
        return f"{day.year}.{day.month}.{day.day}"
    if style == 3:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 4:
        return f"{day:%Y%m%d}"
    return day.isoformat()


def legacy_rows(count: int, *, seed: int = 7, today: date = date(2026, 11, 24),
                duplicate_share: float = 0.03, blank_every: int = 500,
                broken: bool = True) -> list[list[object]]:
    """``count`` data rows (plus blank rows every ``blank_every``)."""
    rng = random.Random(seed)
    people: list[tuple[str, str, date, float, str, str, str]] = []
    rows: list[list[object]] = []
    for index in range(count):
        if people and rng.random() < duplicate_share:
            name, sex, birth, phone, card, source, address = rng.choice(people)
        else:
            male = rng.random() < 0.45
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN_M if male else GIVEN_F) for _ in range(rng.choice((1, 2, 2))))
            sex = rng.choice(("男", "M", "1")) if male else rng.choice(("女", "F", "2"))
            birth = date(rng.randint(1950, 2016), rng.randint(1, 12), rng.randint(1, 28))
            phone = float(f"{rng.choice(PREFIXES)}{rng.randint(0, 99_999_999):08d}")
            card = _id_number(rng, birth, male) if rng.random() < 0.3 else ""
            source = rng.choice(SOURCES)
            address = rng.choice(STREETS) + f"{rng.randint(1, 300)}号"
            people.append((name, sex, birth, phone, card, source, address))
        procedure, price = rng.choice(PROCEDURES)
        visit = today - timedelta(days=rng.randint(1, 365 * 5))
        amount: object = price if rng.random() < 0.6 else rng.choice(
            (f"¥{price:,.2f}", f"{price}元", f"{price:,}"))
        phone_cell: object = phone
        if rng.random() < 0.05:
            text = str(int(phone))
            phone_cell = f"+86 {text[:3]}-{text[3:7]}-{text[7:]}"
        rows.append([name, sex, _date_cell(rng, birth, True), phone_cell, card, source, address,
                     _date_cell(rng, visit, True), procedure, amount, amount,
                     rng.choice(DOCTORS), ""])
        if blank_every and index % blank_every == blank_every - 1:
            rows.append([""] * len(HEADER_ROW))
    _relationship_columns(rows, seed)
    if broken and count >= 20:
        rows[3][7] = "2023-13-05"  # month 13
        rows[7][3] = 1380013800.0  # ten digits
        rows[11][2] = (today + timedelta(days=40)).isoformat()  # born in the future
        rows[15][0] = ""  # no name
    return rows


def _relationship_columns(rows: list[list[object]], seed: int) -> None:
    """介绍人 … 储值余额, from a random stream of their own: the columns before them stay the
    rows they always were (the tests count on them)."""
    rng = random.Random(seed + 1000)
    data = [r for r in rows if r[0]]
    for row in rows:
        if not row[0]:
            row.extend([""] * (len(HEADER_ROW) - len(row)))
            continue
        referrer: object = ""
        if rng.random() < 0.08:  # anyone on the sheet, further down as often as further up
            other = rng.choice(data)
            phone = other[3]
            referrer = (f"{other[0]} {int(phone)}" if isinstance(phone, float)
                        and rng.random() < 0.7 else other[0])
        elif rng.random() < 0.01:
            referrer = rng.choice(("老客户王姐", "隔壁药店"))
        tags = ""
        if rng.random() < 0.15:
            tags = rng.choice(("、", ",", " ")).join(rng.sample(TAGS, rng.choice((1, 2))))
        wechat = f"wx{rng.randint(10_000, 99_999_999)}" if rng.random() < 0.2 else ""
        contact, contact_phone = "", ""
        if rng.random() < 0.1:
            contact = rng.choice(SURNAMES) + rng.choice(GIVEN_F + GIVEN_M)
            contact_phone = f"{rng.choice(PREFIXES)}{rng.randint(0, 99_999_999):08d}.0"
        balance = rng.choice((0, 200, 500, 1000)) if rng.random() < 0.3 else ""
        row.extend([referrer, tags, wechat, contact, contact_phone, balance])


def write_legacy_workbook(path: Path, rows: int = 60, *, seed: int = 7,
                          today: date = date(2026, 11, 24), duplicate_share: float = 0.2,
                          broken: bool = True) -> Path:
    """The messy sheet, written with openpyxl (streamed, so 100,000 rows stay quick)."""
    from openpyxl import Workbook

    data = legacy_rows(rows, seed=seed, today=today, duplicate_share=duplicate_share,
                       broken=broken)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("患者档案")
    sheet.append(["阳光口腔诊所 患者就诊登记表（2021—2026）"])
    sheet.append([])
    sheet.append(list(GROUP_ROW))
    sheet.append(list(HEADER_ROW))
    for row in data:
        sheet.append(row)
    sheet.append([])
    sheet.append(["合计", "", "", "", "", "", "", "", "", "=SUM(J5:J9999)"]
                 + [""] * (len(HEADER_ROW) - 10))
    book.save(path)
    _merge_headers(path)
    return path


def _merge_headers(path: Path) -> None:
    """Merge the title and group cells as Excel users do (write-only mode cannot)."""
    from openpyxl import load_workbook

    if path.stat().st_size > 2_000_000:
        return  # the benchmark's big file: merged cells change nothing for the reader
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A1:S1")
    sheet.merge_cells("A3:G3")
    sheet.merge_cells("H3:M3")
    sheet.merge_cells("N3:R3")
    book.save(path)


if __name__ == "__main__":  # python -m clinic_desktop.demo.legacy_workbook OUT.xlsx [ROWS]
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "legacy-patients.xlsx")
    write_legacy_workbook(target, int(sys.argv[2]) if len(sys.argv) > 2 else 120)
    print(target)
