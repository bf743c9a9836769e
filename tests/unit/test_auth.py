"""First-run setup, signing in, and the lockout after five wrong passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import AuthenticationFailed, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services.auth import needs_setup, setup_clinic, sign_in
from clinic_desktop.services.clinic import read_clinic
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.audit import AuditEntry
from tests.conftest import ADMIN_PASSWORD


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"clinic_name": "  "}, "clinic_name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"admin_username": ""}, "username"),
        ({"admin_username": "张 三"}, "username"),
        ({"admin_display_name": ""}, "display_name"),
        ({"password": "123"}, "password"),
    ],
)
def test_setup_refuses_bad_fields_and_writes_nothing(
    database: Database, fixed_clock: FixedClock, kwargs: dict[str, str], field: str
) -> None:
    values = {
        "clinic_name": "仁爱口腔", "timezone": "Asia/Shanghai", "admin_username": "boss",
        "admin_display_name": "王院长", "password": "long-enough",
    } | kwargs
    with pytest.raises(UserError) as caught:
        setup_clinic(database, clock=fixed_clock, **values)
    assert caught.value.field == field
    assert needs_setup(database)
    assert _actions(database) == []


def test_setup_creates_clinic_and_administrator_once(
    database: Database, fixed_clock: FixedClock
) -> None:
    actor = setup_clinic(
        database, clinic_name="仁爱口腔", timezone="Asia/Shanghai", admin_username="Boss",
        admin_display_name="王院长", password="long-enough", clock=fixed_clock,
    )
    assert actor.role is Role.ADMINISTRATOR and actor.username == "boss"
    clinic = read_clinic(database)
    assert (clinic.name, clinic.timezone, clinic.is_demo) == ("仁爱口腔", "Asia/Shanghai", False)
    assert not needs_setup(database)
    with pytest.raises(UserError, match="已经设置过"):
        setup_clinic(
            database, clinic_name="x", timezone="Asia/Shanghai", admin_username="other",
            admin_display_name="y", password="long-enough", clock=fixed_clock,
        )


def test_sign_in_with_right_and_wrong_password(admin_ctx: Context, fixed_clock: FixedClock) -> None:
    db = admin_ctx.db
    actor = sign_in(db, username=" ADMIN ", password=ADMIN_PASSWORD, clock=fixed_clock)
    assert actor.staff_id == admin_ctx.actor.staff_id
    with pytest.raises(AuthenticationFailed, match="用户名或密码不正确") as caught:
        sign_in(db, username="admin", password="nope", clock=fixed_clock)
    assert caught.value.field == "password"
    with pytest.raises(AuthenticationFailed, match="用户名或密码不正确"):
        sign_in(db, username="ghost", password="nope", clock=fixed_clock)
    assert _actions(db)[-3:] == ["login", "login.failed", "login.unknown_user"]


def test_five_wrong_passwords_lock_the_account_for_five_minutes(
    admin_ctx: Context, fixed_clock: FixedClock
) -> None:
    db = admin_ctx.db
    for attempt in range(4):
        with pytest.raises(AuthenticationFailed, match=f"再错 {4 - attempt} 次"):
            sign_in(db, username="admin", password="wrong", clock=fixed_clock)
    with pytest.raises(AuthenticationFailed, match="已锁定 5 分钟"):
        sign_in(db, username="admin", password="wrong", clock=fixed_clock)
    # Even the right password is refused while locked.
    fixed_clock.advance(timedelta(minutes=4))
    with pytest.raises(AuthenticationFailed, match="1 分钟后再试"):
        sign_in(db, username="admin", password=ADMIN_PASSWORD, clock=fixed_clock)
    fixed_clock.advance(timedelta(minutes=1, seconds=1))
    assert sign_in(db, username="admin", password=ADMIN_PASSWORD, clock=fixed_clock).username
    actions = _actions(db)
    assert "login.locked" in actions and "login.while_locked" in actions
    assert actions[-1] == "login"
