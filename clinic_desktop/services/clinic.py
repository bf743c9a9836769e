"""Clinic-wide business settings, kept in the database (not in QSettings)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.settings import Setting

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    timezone: str
    phone: str
    address: str
    is_demo: bool

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def read_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value_json)


def write_setting(session: Session, key: str, value: Any) -> None:
    encoded = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value_json=encoded))
    else:
        row.value_json = encoded


def validate_timezone(name: str) -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        message = _("时区“{zone}”无效，例如 Asia/Shanghai。", zone=name)
        raise UserError(message, field="timezone") from exc
    return name


def common_timezones() -> list[str]:
    preferred = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Macau", "Asia/Urumqi"]
    rest = sorted(z for z in available_timezones() if z not in preferred and "/" in z)
    return preferred + rest


def read_clinic(db: Database) -> ClinicInfo:
    with db.session() as session:
        return _clinic_from(session)


def _clinic_from(session: Session) -> ClinicInfo:
    return ClinicInfo(
        name=read_setting(session, "clinic.name", ""),
        timezone=read_setting(session, "clinic.timezone", DEFAULT_TIMEZONE),
        phone=read_setting(session, "clinic.phone", ""),
        address=read_setting(session, "clinic.address", ""),
        is_demo=bool(read_setting(session, "clinic.is_demo", False)),
    )


def update_clinic(
    ctx: Context, *, name: str, timezone: str, phone: str = "", address: str = ""
) -> ClinicInfo:
    ctx.require(Permission.SETTINGS_MANAGE)
    name = name.strip()
    if not name:
        raise UserError(_("请填写诊所名称。"), field="clinic_name")
    timezone = validate_timezone(timezone)
    with ctx.transaction(write=True) as session:
        write_setting(session, "clinic.name", name)
        write_setting(session, "clinic.timezone", timezone)
        write_setting(session, "clinic.phone", phone.strip())
        write_setting(session, "clinic.address", address.strip())
        ctx.audit(session, "clinic.update", "setting", "clinic", f"{name} {timezone}")
        return _clinic_from(session)
