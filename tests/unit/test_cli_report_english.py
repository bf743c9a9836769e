"""``report summary`` in English reads as English: the payments by method in ordinary
brackets, separated by commas, as the report's other lines are; Chinese keeps its own."""

from __future__ import annotations

import io

import pytest

from clinic_desktop.cli import main
from clinic_desktop.cli.base import EXIT_OK
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from tests.conftest import FIXED_NOW
from tests.unit.insight.clinic import Clinic, build

FULL_WIDTH = "（）、，：；"


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py): in November 2026 ¥10,300 taken,
    ¥10,100 in cash and ¥200 by WeChat Pay."""
    return build(admin_ctx)


def _summary(cli_database: list[str], *options: str, start: str = "2026-11-01",
             end: str = "2026-11-30") -> list[str]:
    out = io.StringIO()
    code = main([*cli_database, *options, "report", "summary", "--from", start, "--to", end],
                out=out, clock=FixedClock(FIXED_NOW))
    assert code == EXIT_OK
    return out.getvalue().splitlines()


def test_english_summary_uses_english_punctuation(clinic: Clinic,
                                                  cli_database: list[str]) -> None:
    clinic.ctx.db.close()
    lines = _summary(cli_database, "--lang", "en")
    assert "Received ¥10300.00 (Cash ¥10100.00, WeChat Pay ¥200.00)" in lines
    assert [line for line in lines if set(line) & set(FULL_WIDTH)] == []


def test_chinese_summary_keeps_chinese_punctuation(clinic: Clinic,
                                                   cli_database: list[str]) -> None:
    clinic.ctx.db.close()
    assert "实收 ¥10300.00（现金 ¥10100.00、微信支付 ¥200.00）" in _summary(cli_database)


def test_no_payments_no_brackets(clinic: Clinic, cli_database: list[str]) -> None:
    clinic.ctx.db.close()
    lines = _summary(cli_database, "--lang", "en", start="2020-03-01", end="2020-03-31")
    assert "Received ¥0.00" in lines
