"""Headers naming someone else than the patient (a doctor, the cashier, a parent) or something
else than the field (a number, a kind, a planned date) are not mapped to the patient's fields.

The header rows are the ones found in real Chinese clinic spreadsheets.
"""

from __future__ import annotations

import pytest

from clinic_desktop.importing.mapping import (
    auto_map,
    ignored_columns,
    is_guardian_label,
    match_field,
)

# Each case: a header row, then the expected field of the columns that matter (None: unmapped).
HEADER_ROWS: list[tuple[list[str], dict[str, str | None]]] = [
    # Patients were named after their doctors.
    (["就诊日期", "医生姓名", "患者名", "性别", "手机", "治疗项目", "金额"],
     {"医生姓名": "doctor", "患者名": "name", "手机": "mobile", "就诊日期": "visit_date"}),
    # Parents were created as patients, with their child's visits. With no phone of the
    # child's own, the parent's is the mobile (the number to call).
    (["家长姓名", "患儿姓名", "家长电话", "出生日期", "治疗时间", "项目", "金额"],
     {"家长姓名": "emergency_contact", "患儿姓名": "name", "家长电话": "mobile",
      "治疗时间": "visit_date"}),
    (["监护人", "监护人电话", "患儿姓名", "联系电话"],
     {"监护人": "emergency_contact", "监护人电话": "emergency_phone", "患儿姓名": "name",
      "联系电话": "mobile"}),
    (["母亲姓名", "父亲电话", "病人姓名", "手机"],
     {"母亲姓名": "emergency_contact", "父亲电话": "emergency_phone", "病人姓名": "name",
      "手机": "mobile"}),
    # Patients named BL0001; the patient's phone taken for the name.
    (["患者编号", "患者手机", "患者名", "就诊日期"],
     {"患者编号": "record_no", "患者手机": "mobile", "患者名": "name"}),
    (["病历号", "患者电话", "病人姓名", "患者ID"],
     {"病历号": "record_no", "患者电话": "mobile", "病人姓名": "name", "患者ID": None}),
    (["就诊卡号", "客户姓名", "联系电话1", "联系电话2"],
     {"就诊卡号": "record_no", "客户姓名": "name", "联系电话1": "mobile",
      "联系电话2": "phone2"}),
    # Every row refused: "金额 前台小李 不是数字".
    (["收费员", "就诊日期", "姓名", "治疗项目", "本次金额"],
     {"收费员": None, "本次金额": "amount"}),
    (["日期", "姓名", "项目", "收费员", "收银员", "操作员", "咨询师"],
     {"收费员": None, "收银员": None, "操作员": None, "咨询师": None}),
    (["日期", "姓名", "费用类别", "项目"], {"费用类别": None}),
    (["下次复诊日期", "姓名", "项目", "金额"], {"下次复诊日期": None}),
    (["姓名", "手机", "电话", "预约日期", "就诊日期"],
     {"手机": "mobile", "电话": "phone2", "预约日期": None, "就诊日期": "visit_date"}),
    (["主治医师", "护士", "姓名", "经办人", "录入人"],
     {"主治医师": "doctor", "护士": None, "姓名": "name", "经办人": None, "录入人": None}),
    (["姓名", "大夫", "收费方式", "金额"],
     {"大夫": "doctor", "收费方式": "method", "金额": "amount"}),
    # A landline column keeps phone2: the second 电话 only takes it when it is free.
    (["姓名", "手机", "电话", "座机"], {"手机": "mobile", "电话": None, "座机": "phone2"}),
]


@pytest.mark.parametrize(("labels", "expected"), HEADER_ROWS,
                         ids=["-".join(labels) for labels, _ in HEADER_ROWS])
def test_header_rows_map_each_column_to_whose_field_it_is(
        labels: list[str], expected: dict[str, str | None]) -> None:
    mapping = auto_map(labels)
    got = {label: mapping.get(labels.index(label)) for label in expected}
    assert got == expected
    unmapped = [label for label, key in expected.items() if key is None]
    assert set(unmapped) <= set(ignored_columns(labels, mapping))


@pytest.mark.parametrize(("label", "field"), [
    ("医生姓名", "doctor"), ("医生", "doctor"), ("主治医师", "doctor"), ("大夫", "doctor"),
    ("主任医师", "doctor"), ("医生电话", None), ("医生助理", None), ("护士", None),
    ("收费员", None), ("收银员", None), ("操作员", None), ("咨询师", None), ("经办人", None),
    ("录入人", None), ("录入时间", None), ("家长姓名", "emergency_contact"),
    ("家长", "emergency_contact"), ("联系人", "emergency_contact"),
    ("家长电话", "emergency_phone"), ("监护人电话", "emergency_phone"),
    ("妈妈手机", "emergency_phone"), ("家长身份证号", None), ("患儿姓名", "name"),
    ("患者名", "name"), ("病人姓名", "name"), ("客户姓名", "name"), ("患者编号", "record_no"),
    ("病历号", "record_no"), ("卡号", None), ("患者ID", "record_no"), ("患者手机", "mobile"),
    ("患者电话", "mobile"), ("联系电话1", "mobile"), ("联系电话2", "phone2"),
    ("手机2", "phone2"), ("费用类别", None), ("项目类别", None), ("患者类型", None),
    ("下次复诊日期", None), ("复诊日期", None), ("预约日期", None), ("治疗时间", "visit_date"),
    ("收银金额", "amount"), ("Patient ID", None), ("Paid date", "visit_date"),
])
def test_one_header_is_the_patients_field_or_nothing(label: str, field: str | None) -> None:
    assert match_field(label) == field


@pytest.mark.parametrize(("label", "field"), [
    # An activity word is a role only as a person: 销售 (the salesperson) goes nowhere, but a
    # sales export's 销售日期/销售项目/销售金额 are the visit's.
    ("销售日期", "visit_date"), ("销售项目", "procedure"), ("销售金额", "amount"),
    ("开单日期", "visit_date"), ("接待日期", "visit_date"), ("开单医生", "doctor"),
    ("接待医生", "doctor"), ("前台备注", "notes"), ("客服备注", "notes"),
    ("销售", None), ("开单人", None), ("接待人员", None), ("前台", None), ("收费员", None),
    # A discount is a sum taken off, never a discounted price, a campaign, a reason or a rate.
    ("优惠金额", "discount"), ("本次优惠金额", "discount"), ("优惠", "discount"),
    ("减免", "discount"), ("优惠价", None), ("优惠活动", None), ("减免原因", None),
    ("优惠券", None), ("优惠比例", None),
])
def test_activity_words_and_discounts(label: str, field: str | None) -> None:
    assert match_field(label) == field


def test_a_parents_phone_is_the_childs_mobile_when_the_sheet_has_no_other() -> None:
    assert is_guardian_label("家长电话") and not is_guardian_label("紧急联系人电话")
    # 家长电话 is the number a nurse calls for an OK-lens recall and searches the child by.
    assert auto_map(["家长姓名", "家长电话", "患儿姓名", "就诊日期"]) == {
        0: "emergency_contact", 1: "mobile", 2: "name", 3: "visit_date"}
    assert auto_map(["患儿姓名", "手机", "家长姓名", "家长电话"]) == {
        0: "name", 1: "mobile", 2: "emergency_contact", 3: "emergency_phone"}
    assert auto_map(["姓名", "紧急联系人电话"]) == {0: "name", 1: "emergency_phone"}
