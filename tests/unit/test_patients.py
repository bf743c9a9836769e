"""The patient archive: validation, duplicates, concurrency, search."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, UserError
from clinic_desktop.rules.idcard import check_char
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import (
    DuplicatePatient,
    PatientInput,
    create_patient,
    find_possible_duplicates,
    load_patient,
    set_archived,
    update_patient,
)
from clinic_desktop.storage.models.patient import Patient

ID_BODY = "11010519900307123"
ID_NUMBER = ID_BODY + check_char(ID_BODY)


def new(ctx: Context, name: str = "张三", **kw: object) -> int:
    return create_patient(ctx, PatientInput(name=name, **kw)).patient.id  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "field"), [
    ({"name": "  "}, "name"),
    ({"mobile": "1380013800"}, "mobile"),
    ({"id_number": "110105199003071230"}, "id_number"),
    ({"birth_date": date(2030, 1, 1)}, "birth_date"),
    ({"source": "地推"}, "source"),
])
def test_bad_fields_are_named_and_nothing_is_written(
    admin_ctx: Context, values: dict[str, object], field: str
) -> None:
    data = PatientInput(**({"name": "李四", "mobile": "13800138000"} | values))  # type: ignore[arg-type]
    with pytest.raises(UserError) as caught:
        create_patient(admin_ctx, data)
    assert caught.value.field == field
    assert search_patients(admin_ctx, "李四") == []


def test_create_normalises_and_derives_from_the_id_card(admin_ctx: Context) -> None:
    saved = create_patient(admin_ctx, PatientInput(
        name=" 王 小明 ", mobile="+86 139-0013-9000", id_number=ID_NUMBER.lower(),
        sex="F", source="微信"))
    p = saved.patient
    assert (p.code, p.name, p.mobile, p.id_number) == ("P000001", "王小明", "13900139000",
                                                      ID_NUMBER)
    assert p.birth_date == date(1990, 3, 7)
    assert p.sex == "F" and any("性别与身份证不一致" in w for w in saved.warnings)


@pytest.mark.parametrize(("second", "reason"), [
    ({"name": "张叁", "mobile": "13800138000"}, "手机号 13800138000 相同"),
    ({"name": "张叁", "id_number": ID_NUMBER}, "身份证号相同"),
    ({"name": "张三", "birth_date": date(1990, 3, 7)}, "姓名和出生日期相同"),
])
def test_duplicates_are_shown_before_creating(
    admin_ctx: Context, second: dict[str, object], reason: str
) -> None:
    first = new(admin_ctx, mobile="13800138000", id_number=ID_NUMBER)
    data = PatientInput(**second)  # type: ignore[arg-type]
    matches = find_possible_duplicates(admin_ctx, data)
    assert [(m.patient_id, m.reason) for m in matches] == [(first, reason)]
    with pytest.raises(DuplicatePatient) as caught:
        create_patient(admin_ctx, data)
    assert caught.value.matches[0].code == "P000001"
    assert create_patient(admin_ctx, data, allow_duplicate=True).patient.code == "P000002"


def test_second_save_gets_who_and_when(admin_ctx: Context) -> None:
    pid = new(admin_ctx, mobile="13800138000")
    saved = update_patient(admin_ctx, pid, PatientInput(name="张三", mobile="13800138000",
                                                         address="北京"), version=1)
    assert saved.patient.version == 2
    with pytest.raises(ConcurrentEdit, match="已被 管理员 于 2026-11-24 10:00 修改"):
        update_patient(admin_ctx, pid, PatientInput(name="张三丰"), version=1)


@pytest.fixture
def people(admin_ctx: Context) -> dict[str, int]:
    return {
        "张三": new(admin_ctx, "张三", mobile="13800138000"),
        "张三丰": new(admin_ctx, "张三丰", mobile="13912345678", id_number=ID_NUMBER),
        "李明": new(admin_ctx, "李明", mobile="13700001111"),
        "欧阳娜娜": new(admin_ctx, "欧阳娜娜", phone2="010-88886666"),
        "单田芳": new(admin_ctx, "单田芳", mobile="13611112222"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("张", ["张三", "张三丰"]),            # one Chinese character
    ("三丰", ["张三丰"]),                 # two characters, not a prefix
    ("张三", ["张三", "张三丰"]),          # exact name ranks first
    ("zs", ["张三", "张三丰"]),            # pinyin initials
    ("zsf", ["张三丰"]),
    ("zhangsan", ["张三", "张三丰"]),      # full pinyin
    ("shantian", ["单田芳"]),             # surname reading 单 = shan
    ("oyn", ["欧阳娜娜"]),
    ("8000", ["张三"]),                   # last four digits of the mobile
    ("1234", ["张三丰"]),                 # digits in the middle
    ("8888", ["欧阳娜娜"]),               # second phone
    ("P000003", ["李明"]), ("3", ["李明"]),  # clinic code
    ("0307", ["张三丰"]),                 # ID-number fragment
    ("13700001111", ["李明"]),
    ("王", []),
])
def test_one_box_finds_by_every_key(
    admin_ctx: Context, people: dict[str, int], query: str, expected: list[str]
) -> None:
    assert [hit.name for hit in search_patients(admin_ctx, query)] == expected


def test_archived_patients_are_hidden_unless_asked(
    admin_ctx: Context, people: dict[str, int]
) -> None:
    set_archived(admin_ctx, people["李明"], archived=True)
    assert search_patients(admin_ctx, "李明") == []
    assert [h.name for h in search_patients(admin_ctx, "李明", include_archived=True)] == ["李明"]


@pytest.mark.parametrize(("field", "value"), [
    ("phone2", "abc"), ("phone2", "12345"), ("emergency_phone", "母亲"),
    ("emergency_phone", "138-0013-800x")])
def test_a_second_or_emergency_number_that_is_no_phone_is_refused(
        admin_ctx: Context, field: str, value: str) -> None:
    with pytest.raises(UserError) as refused:
        create_patient(admin_ctx, replace(PatientInput(name="赵六"), **{field: value}))
    assert refused.value.field == field and value in str(refused.value)


@pytest.mark.parametrize("value", [
    "0571-8888 6666", "0571-88886666 转 12", "(010) 8888-6666 ext. 3", "+852 9123 4567",
    "１３８００１３８０００"])
def test_landlines_extensions_and_overseas_numbers_are_phones(
        admin_ctx: Context, value: str) -> None:
    created = create_patient(admin_ctx, PatientInput(name="赵六", phone2=value,
                                                     emergency_phone=value))
    assert created.patient.phone2


def test_an_old_text_in_a_number_field_does_not_hold_up_another_edit(
        admin_ctx: Context) -> None:
    pid = create_patient(admin_ctx, PatientInput(name="赵六")).patient.id
    with admin_ctx.transaction(write=True) as session:  # as an early import wrote it
        session.get(Patient, pid).emergency_phone = "同上"  # type: ignore[union-attr]
    record = load_patient(admin_ctx, pid)
    update_patient(admin_ctx, pid, replace(record.as_input(), address="杭州市西湖区"),
                   version=record.version)
    with pytest.raises(UserError):
        update_patient(admin_ctx, pid, replace(load_patient(admin_ctx, pid).as_input(),
                                               emergency_phone="同下"),
                       version=load_patient(admin_ctx, pid).version)
