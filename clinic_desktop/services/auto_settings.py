"""What the clinic lets the app send by itself, and the rules it sends by (one setting,
``messages.auto``): each automatic message on or off with its template, the channel, the
quiet hours, a daily cap, a rate per minute for the SMS provider, the festivals chosen.
The reminders' times are the care settings' (the evening before at ``care.reminder_evening``,
``care.reminder_hours_before`` hours before), whether a message or a call task reminds.

Everything starts off: a clinic turns on what it wants in 消息 → 自动消息…, after setting up
its channel, so no patient hears from a clinic that has not decided to write to them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import time
from typing import Any

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.festivals import KEYS as FESTIVAL_KEYS
from clinic_desktop.services.clinic import read_setting, write_setting

SETTING = "messages.auto"
AUTO_CHANNELS = ("sms", "email", "manual")  # manual: queued for the desk to copy into WeChat
# The kinds of automatic message, in the order the settings dialog lists them.
KINDS = ("confirmation", "reminder", "care", "recall_notice", "birthday", "festival", "survey")
MARKETING_KINDS = frozenset({"birthday", "festival", "campaign"})
DEFAULT_TEMPLATES = {"confirmation": "confirmation", "reminder": "reminder", "care": "postop",
                     "recall_notice": "recall", "birthday": "birthday", "festival": "festival",
                     "survey": "survey"}


def kind_label(kind: str | None) -> str:
    """An outbox message's kind in the staff's language (None: queued by hand)."""
    return {"confirmation": _("预约确认"), "reminder": _("预约提醒"), "care": _("关怀消息"),
            "recall_notice": _("复查通知"), "birthday": _("生日祝福"), "festival": _("节日问候"),
            "survey": _("满意度回访"), "campaign": _("营销活动"), None: _("人工")}.get(
        kind, kind or "")


def outbox_status_label(status: str) -> str:
    """An outbox message's state in the staff's language."""
    return {"queued": _("待发送"), "sending": _("发送中"), "sent": _("已发送"),
            "failed": _("发送失败"), "dropped": _("已撤回")}.get(status, status)


@dataclass(frozen=True)
class AutoMessageSettings:
    enabled: frozenset[str] = frozenset()  # of KINDS
    channel: str = "sms"
    # A patient the channel cannot reach (no mobile, SMS declined) gets an e-mail instead when
    # an address and consent are on file.
    email_fallback: bool = False
    # A kind's template when not the default one (care messages name theirs in the plan step).
    templates: dict[str, str] = field(default_factory=dict)
    quiet_from: str = "21:00"
    quiet_until: str = "08:00"
    day_messages_at: str = "09:00"  # birthdays and festivals, on the clinic's day
    survey_hours_after: int = 2
    recall_notice_days: int = 10  # a recall notice this many days before the recall is due
    daily_cap: int = 500  # automatic messages sent per day, all kinds
    rate_per_minute: int = 60  # what the SMS provider allows
    festivals: tuple[str, ...] = ("spring", "mid_autumn", "national_day")

    def on(self, kind: str) -> bool:
        return kind in self.enabled

    def channels(self) -> tuple[str, ...]:
        """The channels a message may take, in the order they are tried."""
        if self.email_fallback and self.channel != "email":
            return (self.channel, "email")
        return (self.channel,)

    def template_for(self, kind: str) -> str:
        return self.templates.get(kind) or DEFAULT_TEMPLATES[kind]

    def quiet_span(self) -> tuple[time, time]:
        return time.fromisoformat(self.quiet_from), time.fromisoformat(self.quiet_until)


def _settings(data: dict[str, Any]) -> AutoMessageSettings:
    names = {f.name for f in fields(AutoMessageSettings)}
    known = {k: v for k, v in data.items() if k in names}
    if "enabled" in known:
        known["enabled"] = frozenset(k for k in known["enabled"] if k in KINDS)
    if "festivals" in known:
        known["festivals"] = tuple(k for k in known["festivals"] if k in FESTIVAL_KEYS)
    if "templates" in known:
        known["templates"] = {str(k): str(v) for k, v in dict(known["templates"]).items()}
    return AutoMessageSettings(**known)


def auto_settings_in(session: Session) -> AutoMessageSettings:
    return _settings(read_setting(session, SETTING, {}) or {})


def read_auto_settings(ctx: Context) -> AutoMessageSettings:
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        return auto_settings_in(session)


def _check(settings: AutoMessageSettings, templates: set[str]) -> None:
    if settings.channel not in AUTO_CHANNELS:
        raise UserError(_("请选择自动消息的发送渠道。"), field="channel")
    for name in ("quiet_from", "quiet_until", "day_messages_at"):
        try:
            time.fromisoformat(getattr(settings, name))
        except ValueError as exc:
            raise UserError(_("时间应写成 21:00 这样的格式。"), field=name) from exc
    limits = {"survey_hours_after": (0, 72),
              "recall_notice_days": (1, 30), "daily_cap": (1, 100000),
              "rate_per_minute": (1, 6000)}
    for name, (low, high) in limits.items():
        if not low <= getattr(settings, name) <= high:
            raise UserError(_("请填写 {low} 到 {high} 之间的数字。", low=low, high=high),
                            field=name)
    for kind in KINDS:
        if settings.template_for(kind) not in templates:
            raise UserError(_("找不到消息模板“{key}”。", key=settings.template_for(kind)),
                            field=f"template_{kind}")
    unknown = set(settings.festivals) - set(FESTIVAL_KEYS)
    if unknown:
        raise UserError(_("节日无效：{key}", key=sorted(unknown)[0]), field="festivals")


def save_auto_settings(ctx: Context, settings: AutoMessageSettings) -> None:
    from clinic_desktop.services.messages import templates

    ctx.require(Permission.SETTINGS_MANAGE)
    _check(settings, {key for key, _name, _body in templates(ctx)})
    data = asdict(replace(settings))
    data["enabled"] = sorted(settings.enabled)
    data["festivals"] = list(settings.festivals)
    with ctx.transaction(write=True) as session:
        write_setting(session, SETTING, data)
        ctx.audit(session, "settings.auto_messages", "setting", SETTING,
                  f"on={','.join(sorted(settings.enabled)) or '-'} "
                  f"channel={'+'.join(settings.channels())} "
                  f"quiet={settings.quiet_from}-{settings.quiet_until} "
                  f"cap={settings.daily_cap}/day {settings.rate_per_minute}/min")
