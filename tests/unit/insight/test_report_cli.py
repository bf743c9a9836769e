"""``clinic-desktop report summary``: the dashboard's numbers as JSON and as text."""

from __future__ import annotations

import io
import json

import pytest

from clinic_desktop.cli import main
from clinic_desktop.cli.base import EXIT_OK, EXIT_UNUSABLE
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from tests.conftest import FIXED_NOW
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_summary_json(clinic: Clinic, cli_database: list[str]) -> None:
    clinic.ctx.db.close()
    code, text = _run(*cli_database, "report", "summary", "--from",
                      "2026-11-01", "--to", "2026-11-30", "--json")
    assert code == EXIT_OK
    data = json.loads(text)
    assert (data["revenue"], data["payments"], data["visits"], data["patients_seen"],
            data["new_patients"], data["average_ticket"], data["repeat_rate"]) == (
        11600, 10300, 6, 5, 3, 1933.33, 0.6)
    assert data["payments_by_method"] == {"cash": 10100, "wechat": 200}
    assert data["by_procedure"][0] == {"name": "测试种植", "revenue": 9500, "visits": 1,
                                       "patients": 1}
    assert [d["name"] for d in data["by_doctor"]] == ["王医生", "李医生"]
    assert {s["name"]: s["revenue"] for s in data["by_source"]} == {
        "抖音": 10900, "转介绍": 500, "未填写来源": 200}
    assert data["year_before"]["revenue"] == 200 and data["previous"]["visits"] == 0


def test_summary_text_and_a_bad_range(clinic: Clinic, cli_database: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    clinic.ctx.db.close()
    code, text = _run(*cli_database, "report", "summary", "--from",
                      "2026-11-01")
    assert code == EXIT_OK
    assert "营业额 ¥11600.00" in text and "现金 ¥10100.00" in text
    code, _text = _run(*cli_database, "report", "summary", "--from",
                       "2026-11-05", "--to", "2026-11-01")
    assert code == EXIT_UNUSABLE
    assert "早于" in capsys.readouterr().err
