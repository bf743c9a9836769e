"""设置 → 定时任务: the lease a manager sets is the one the next workstation's scheduler uses;
out-of-range values are refused naming the field; the change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.scheduler import _lease_seconds
from clinic_desktop.services.clinic import write_setting
from clinic_desktop.services.platform.scheduler_lease import (
    MAX_SECONDS,
    MIN_SECONDS,
    SETTING,
    lease_seconds,
    save_lease_seconds,
)
from clinic_desktop.storage.leader import DEFAULT_LEASE_SECONDS
from clinic_desktop.storage.models.audit import AuditEntry


def test_the_default_until_a_manager_sets_one(admin_ctx: Context) -> None:
    assert lease_seconds(admin_ctx) == DEFAULT_LEASE_SECONDS
    assert save_lease_seconds(admin_ctx, 25) == 25
    assert lease_seconds(admin_ctx) == 25.0
    with admin_ctx.transaction() as session:
        entry = session.execute(select(AuditEntry).where(
            AuditEntry.action == "settings.scheduler_lease")).scalar_one()
    assert entry.summary == "25"


def test_the_scheduler_of_a_server_workstation_uses_it(admin_ctx: Context) -> None:
    save_lease_seconds(admin_ctx, 45)
    # a single workstation on SQLite holds no election: its lease is the default
    expected = DEFAULT_LEASE_SECONDS if admin_ctx.db.is_sqlite else 45.0
    assert _lease_seconds(admin_ctx) == expected


@pytest.mark.parametrize("seconds", [MIN_SECONDS - 1, 0, -5, MAX_SECONDS + 1])
def test_out_of_range_is_refused_naming_the_field(admin_ctx: Context, seconds: int) -> None:
    save_lease_seconds(admin_ctx, 30)
    with pytest.raises(UserError, match=f"{MIN_SECONDS} 到 {MAX_SECONDS} 秒") as refused:
        save_lease_seconds(admin_ctx, seconds)
    assert refused.value.field == "lease_seconds"
    assert lease_seconds(admin_ctx) == 30.0  # nothing lost


def test_a_setting_that_is_not_a_number_reads_as_the_default(admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        write_setting(session, SETTING, "一分钟")
    assert lease_seconds(admin_ctx) == DEFAULT_LEASE_SECONDS
