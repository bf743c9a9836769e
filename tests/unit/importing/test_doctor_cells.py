"""Doctor cells as other clinics' sheets write them: a title in brackets, a surname with the
word for doctor written three ways when two doctors share the surname."""

from __future__ import annotations

import pytest

from clinic_desktop.importing.values import Matcher, StaffEntry, ValueChoice

STAFF = [StaffEntry("李建国", True), StaffEntry("李明", True), StaffEntry("王芳", True)]


@pytest.mark.parametrize("cell", ["李建国(主任医师)", "李建国（主任医师）", "李建国【主治】"])
def test_a_title_in_brackets_is_no_part_of_the_name(cell: str) -> None:
    assert Matcher([], STAFF).doctor(cell)[0] == ValueChoice("match", "李建国")


@pytest.mark.parametrize("cell", ["李医生", "李 医生", "李大夫", "李医师"])
def test_one_surname_and_the_word_for_doctor_is_one_inactive_doctor(cell: str) -> None:
    # Two doctors are called 李: which one is not known, but the four cells are one person
    # (they were four inactive doctors, splitting the doctor ranking four ways).
    choice, why = Matcher([], STAFF).doctor(cell)
    assert choice == ValueChoice("inactive", "李医生") and "有 2 位姓“李”的医生" in why


def test_other_unknown_doctors_keep_their_names_without_padding() -> None:
    matcher = Matcher([], STAFF)
    assert matcher.doctor("赵 强")[0] == ValueChoice("inactive", "赵强")
    assert matcher.doctor("陈主任")[0] == ValueChoice("inactive", "陈主任")
    assert matcher.doctor("Dr. Li")[0] == ValueChoice("inactive", "Dr. Li")


@pytest.mark.parametrize(("cell", "doctor"), [("李建国主任", "李建国"), ("李建国", "李建国"),
                                              ("李明医生", "李明"), ("李主任", "李主任")])
def test_a_doctor_not_on_the_staff_list_is_one_whatever_title_follows(cell: str,
                                                                     doctor: str) -> None:
    assert Matcher([], [StaffEntry("王芳", True)]).doctor(cell)[0] == ValueChoice("inactive",
                                                                                 doctor)
