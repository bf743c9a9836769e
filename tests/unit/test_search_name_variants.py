"""A name found however the desk types it: a transliterated name with or without its dot (or
with a full stop, a bullet, a space), and ü typed as u (``luxiaoyan`` for 吕晓燕)."""

from __future__ import annotations

import pytest

from clinic_desktop.context import Context
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient


def new(ctx: Context, name: str) -> int:
    return create_patient(ctx, PatientInput(name=name)).patient.id


def names(ctx: Context, query: str) -> list[str]:
    return [hit.name for hit in search_patients(ctx, query)]


@pytest.mark.parametrize("query", [
    "阿依古丽·买买提", "阿依古丽.买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽买买提",
    "阿依古丽 买买提", "阿依古丽买", "阿依古丽 买买提 ", "买买提",
])
def test_a_dotted_name_is_found_however_the_dot_is_typed(admin_ctx: Context,
                                                           query: str) -> None:
    new(admin_ctx, "阿依古丽.买买提")  # the form saves the middle dot
    new(admin_ctx, "阿依古力·买买提")  # the same sound, another character
    new(admin_ctx, "买买提")
    found = names(admin_ctx, query)
    assert "阿依古丽·买买提" in found
    if query.strip() != "买买提":
        assert "阿依古力·买买提" not in found  # the pinyin key finds it, the name rules it out


def test_the_whole_name_without_its_dot_ranks_first(admin_ctx: Context) -> None:
    new(admin_ctx, "阿依古丽·买买提江")
    new(admin_ctx, "阿依古丽·买买提")
    assert names(admin_ctx, "阿依古丽买买提") == ["阿依古丽·买买提", "阿依古丽·买买提江"]


def test_a_name_saved_without_a_dot_is_found_typed_with_one(admin_ctx: Context) -> None:
    new(admin_ctx, "热依拉买买提")  # an older record, written without the dot
    assert names(admin_ctx, "热依拉·买买提") == ["热依拉买买提"]
    assert names(admin_ctx, "热依拉.买买提") == ["热依拉买买提"]


def test_a_name_with_two_dots(admin_ctx: Context) -> None:
    new(admin_ctx, "阿不都·热合曼·艾力")
    for query in ("阿不都热合曼艾力", "阿不都热合曼", "阿不都.热合曼·艾力", "热合曼"):
        assert names(admin_ctx, query) == ["阿不都·热合曼·艾力"], query


@pytest.mark.parametrize("query", ["luxiaoyan", "lvxiaoyan", "lüxiaoyan", "LuXiaoyan", "lxy",
                                   "lux", "luxiaoy"])
def test_u_typed_for_u_umlaut_after_l(admin_ctx: Context, query: str) -> None:
    new(admin_ctx, "吕晓燕")
    new(admin_ctx, "陆晓燕")
    new(admin_ctx, "罗晓燕")
    found = names(admin_ctx, query)
    assert "吕晓燕" in found
    assert "罗晓燕" not in found or query == "lxy"
    # The typed u still finds lu; a typed v (or ü) means ü only.
    assert ("陆晓燕" in found) == (query not in ("lvxiaoyan", "lüxiaoyan"))


def test_u_typed_for_u_umlaut_after_n_and_in_two_places(admin_ctx: Context) -> None:
    new(admin_ctx, "吕女士")
    new(admin_ctx, "女娲")
    new(admin_ctx, "努尔")
    assert names(admin_ctx, "nuwa") == ["女娲"]
    assert names(admin_ctx, "nu") == ["女娲", "努尔"]  # both readings; equally long: by code
    assert names(admin_ctx, "lunushi") == ["吕女士"]  # both u's read as ü
    assert names(admin_ctx, "lvnushi") == ["吕女士"]
    assert names(admin_ctx, "nuer") == ["努尔"]
