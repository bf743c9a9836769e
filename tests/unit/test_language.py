"""Simplified Chinese unless someone chose English (--lang, the user's or the clinic's
setting), whatever the machine's locale."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from clinic_desktop.cli import EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.i18n import chosen_language
from tests.conftest import FIXED_NOW


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    assert main(["--data-dir", str(folder), "demo", "--patients", "3"], out=io.StringIO(),
                clock=FixedClock(FIXED_NOW)) == EXIT_OK
    return folder


def _export_header(clinic: Path, tmp_path: Path, *lang: str) -> tuple[object, ...]:
    target = tmp_path / "p.xlsx"
    code = main([*lang, "--data-dir", str(clinic), "export", "patients", str(target)],
                out=io.StringIO(), clock=FixedClock(FIXED_NOW))
    assert code == EXIT_OK
    return next(load_workbook(target).worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("locale", ["C", "C.UTF-8", "en_US.UTF-8", "POSIX"])
def test_an_english_or_c_locale_still_exports_in_chinese(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    for var in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.setenv(var, locale)
    header = _export_header(clinic, tmp_path)
    assert header[:3] == ("病历号", "姓名", "性别")


def test_english_when_chosen_on_the_command_line_or_by_the_clinic(
    clinic: Path, tmp_path: Path
) -> None:
    assert _export_header(clinic, tmp_path, "--lang", "en")[:2] == ("Record no.", "Name")
    conn = sqlite3.connect(clinic / "clinic.sqlite3")
    conn.execute("INSERT INTO setting (key, value_json) VALUES ('clinic.language', '\"en\"')")
    conn.commit()
    conn.close()
    assert _export_header(clinic, tmp_path)[:2] == ("Record no.", "Name")
    assert _export_header(clinic, tmp_path, "--lang", "zh_CN")[:2] == ("病历号", "姓名")


def test_the_choice_order() -> None:
    assert chosen_language(None, None) == "zh_CN"
    assert chosen_language(None, "en") == "en"
    assert chosen_language("zh_CN", "en") == "zh_CN"
    assert chosen_language("fr", None) == "zh_CN"
