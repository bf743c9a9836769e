"""The audit log as a person reads it: what happened in words, to which patient, by whom.

``audit.py`` writes and verifies the hash chain; this module only reads it. An entry keeps
the raw action (``patient.create``) and entity (``appointment 12``) it was written with — the
chain hashes them — and a reader gets them back with the action named in the current language,
the person's name, and the patient the entry concerns: the patient itself, or the patient of
the appointment, message, callback… it names. That patient is found in the same query as the
entries (outer joins on the entity's id), never row by row. Filters: a day range in the clinic's
time zone, a person, a patient (code, name or mobile) and an action.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _, current_language
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment, WaitlistEntry
from clinic_desktop.storage.models.staff import Staff


# Every action the services write (a test reads them from the code), named in the current
# language; an action missing here is shown as written. Built per language (``_`` answers in
# the current one) and kept: the page names 500 entries at a time.
@cache
def _action_labels(language: str) -> dict[str, str]:
    return {
        "patient.consent": _("登记消息同意/拒收"),
        "clinic.setup": _("建立诊所"), "clinic.update": _("修改诊所信息"), "login": _("登录"),
        "logout": _("退出登录"), "login.failed": _("登录失败：密码错误"),
        "login.unknown_user": _("登录失败：没有这个用户"),
        "login.inactive": _("登录被拒：账号已停用"),
        "login.while_locked": _("登录被拒：账号锁定中"), "login.locked": _("账号被锁定"),
        "staff.add": _("新增员工"), "staff.update": _("修改员工资料"),
        "staff.reset_password": _("重置员工密码"), "staff.change_password": _("修改本人密码"),
        "staff.require_password_change": _("要求员工下次登录时改密码"),
        "staff.waive_password_change": _("取消下次登录改密码的要求"),
        "patient.create": _("新建患者"), "patient.update": _("修改患者资料"),
        "patient.open": _("查看患者档案"), "patient.archive": _("归档患者"),
        "contact.reveal": _("查看完整号码"),  # a masked phone or ID number shown in full
        "patient.unarchive": _("取消归档患者"), "patient.membership": _("修改会员信息"),
        "patient.merge": _("合并患者"), "patient.merge_undo": _("撤销合并患者"),
        "patient.medical": _("修改病史与过敏"), "patient.tag": _("给患者加标签"),
        "patient.untag": _("去掉患者标签"), "patient.custom_fields": _("修改患者自定义字段"),
        "family.link": _("关联家属"), "family.unlink": _("解除家属关联"),
        "appointment.book": _("新建预约"), "appointment.move": _("预约改期"),
        "appointment.status": _("预约状态变更"), "appointment.complete": _("预约完成就诊"),
        "visit.record": _("记录就诊"), "visit.undo": _("撤销就诊记录"),
        "ledger.charge": _("记账：收费"), "ledger.payment": _("记账：收款"),
        "ledger.refund": _("记账：退款"), "ledger.discount": _("记账：优惠"),
        "ledger.topup": _("记账：储值充值"), "waitlist.add": _("加入候补名单"),
        "waitlist.resolve": _("处理候补"), "attachment.add": _("添加附件"),
        "attachment.remove": _("删除附件"), "contact.log": _("记录联系"),
        "feedback.add": _("记录反馈"), "feedback.update": _("处理反馈"),
        "care.outcome": _("记录回访结果"), "care.snooze": _("推迟回访"),
        "care.reassign": _("转派回访任务"), "care.plan_save": _("保存回访方案"),
        "care.plan_create": _("新建回访方案"), "care.plan_duplicate": _("复制回访方案"),
        "care.plan_retire": _("停用回访方案"), "care.plan_restore": _("恢复回访方案"),
        "settings.care": _("修改回访设置"), "message.template": _("保存消息模板"),
        "message.queue": _("消息排队待发"), "message.sent": _("消息已发送"),
        "message.sent_manually": _("消息标为已手动发送"), "settings.channels": _("修改消息渠道"),
        "settings.auto_messages": _("修改自动消息设置"),
        "settings.attachments_folder": _("修改附件文件夹"),
        "settings.idle_lock": _("修改自动锁定时间"),
        "settings.scheduler_lease": _("修改定时任务接管时间"),
        "session.locked": _("无操作自动锁定"),
        "session.unlocked": _("解锁"),
        "settings.sources": _("修改来源渠道"), "schedule.hours": _("修改出诊时间"),
        "schedule.time_off": _("登记请假"), "schedule.time_off_removed": _("删除请假"),
        "chair.add": _("新增椅位"), "chair.update": _("修改椅位"),
        "catalogue.save": _("保存诊疗项目"), "tag.create": _("新建标签"),
        "tag.update": _("修改标签"), "custom_field.define": _("新增自定义字段"),
        "import.run": _("导入 Excel"), "import.undo": _("撤销导入"),
        "import.profile": _("保存导入对应方案"), "export.patients": _("导出患者"),
        "export.appointments": _("导出预约"), "export.visits": _("导出就诊"),
        "export.ledger": _("导出账目"), "export.callbacks": _("导出回访清单"),
        "export.audit": _("导出审计日志"), "database.restore": _("恢复数据库"),
        "demo.seed": _("生成演示数据"), "demo.loyalty": _("生成演示会员数据"),
        "loyalty.rules": _("修改会员规则"), "loyalty.tier": _("保存会员等级"),
        "loyalty.tier_up": _("会员升级"), "loyalty.tier_override": _("手动调整会员等级"),
        "loyalty.points_adjust": _("手动调整积分"), "loyalty.topup_plan": _("保存充值方案"),
        "loyalty.gift": _("积分兑换礼品"),
        "loyalty.topup": _("储值充值"), "loyalty.withdraw": _("退还储值"),
        "loyalty.share": _("家庭共享储值"), "loyalty.package_type": _("保存套餐"),
        "loyalty.package_sell": _("出售套餐卡"), "loyalty.package_use": _("登记套餐使用"),
        "loyalty.package_refund": _("退套餐"),
        "loyalty.coupon_type": _("保存优惠券类型"), "loyalty.coupon_issue": _("发放优惠券"),
        "loyalty.coupon_void": _("作废优惠券"), "loyalty.referral_reward": _("转介绍奖励"),
        "loyalty.payment": _("收款"), "loyalty.reverse": _("冲正收款"),
        "loyalty.nightly": _("会员夜间任务"),
        "segment.save": _("保存患者分群"), "segment.delete": _("删除患者分群"),
        "export.segment": _("导出患者分群"), "campaign.start": _("开始营销活动"),
        "campaign.rerun": _("再次执行营销活动"), "demo.campaigns": _("生成演示营销活动"),
        "export.report": _("导出报表"), "report.commission": _("修改提成比例"),
        "backup.run": _("数据备份"), "backup.failed": _("数据备份失败"),
        "backup.settings": _("修改备份设置"),
    }


@cache
def _entity_labels(language: str) -> dict[str, str]:
    return {
        "patient": _("患者"), "appointment": _("预约记录"), "staff": _("员工"), "chair": _("椅位"),
        "setting": _("设置"), "tag": _("患者标签"), "custom_field": _("自定义字段定义"),
        "procedure_type": _("诊疗项目"), "care_task": _("回访任务"), "care_plan": _("回访方案"),
        "outbox_message": _("待发消息"), "message_template": _("消息模板"), "visit": _("就诊"),
        "ledger_entry": _("账目记录"), "import_batch": _("导入批次"), "database": _("数据库文件"),
        "waitlist_entry": _("候补名单登记"), "audit_entry": _("审计日志"),
        "loyalty_tier": _("会员等级"), "topup_plan": _("充值方案"), "package_type": _("套餐"),
        "coupon_type": _("优惠券类型"), "saved_segment": _("患者分群"), "campaign": _("营销活动"),
        "report": _("报表"), "backup": _("备份"),
    }


AnySelect = Select[*tuple[Any, ...]]  # a select of any columns

# Entities whose row names a patient: the entry concerns that patient.
_PATIENT_OF: dict[str, Any] = {
    "appointment": Appointment, "outbox_message": OutboxMessage, "care_task": CareTask,
    "visit": Visit, "ledger_entry": LedgerEntry, "waitlist_entry": WaitlistEntry,
}


def action_labels() -> dict[str, str]:
    """Every known action with its name in the current language, in the table's order (a
    filter's choices)."""
    return dict(_action_labels(current_language()))


def action_label(action: str) -> str:
    """The action in the current language; an unknown one as it was written."""
    return _action_labels(current_language()).get(action, action)


def entity_label(entity: str) -> str:
    return _entity_labels(current_language()).get(entity, entity)


def known_actions() -> list[tuple[str, str]]:
    """(action, label) for a filter's choices, in the order of the table above."""
    return list(action_labels().items())


@dataclass(frozen=True)
class AuditFilter:
    """What to show; every part optional. Days are the clinic's calendar days, inclusive."""

    start: date | None = None
    end: date | None = None
    username: str | None = None  # the person, by user name ("system" for the scheduler)
    patient: str = ""  # a patient's code, mobile, or part of the name
    action: str | None = None

    def describe(self) -> str:
        """A short plain record of the filter (the export's audit summary)."""
        parts = [f"{self.start or '-'}..{self.end or '-'}"]
        if self.username:
            parts.append(f"user={self.username}")
        if self.patient.strip():
            parts.append(f"patient={self.patient.strip()}")
        if self.action:
            parts.append(f"action={self.action}")
        return " ".join(parts)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    person: str  # the staff member's name, or the user name when there is none
    action: str
    action_label: str
    entity: str
    entity_id: str | None
    summary: str
    patient_id: int | None
    patient_code: str | None
    patient_name: str | None

    @property
    def patient(self) -> str:
        """“张三（P000485）”; the bare id when the patient has since been deleted."""
        if self.patient_name is not None:
            return _("{name}（{code}）", name=self.patient_name, code=self.patient_code)
        if self.entity == "patient" and self.entity_id:
            return _("患者 {id}（已删除）", id=self.entity_id)
        return ""

    @property
    def target(self) -> str:
        """What the entry is about, when that is not the patient alone: “预约记录 12”."""
        if self.entity == "patient":
            return ""
        label = entity_label(self.entity)
        return f"{label} {self.entity_id}" if self.entity_id else label


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))


def _entity_number(entity: str) -> ColumnElement[Any]:
    """The entry's entity id as a number when its entity is ``entity`` (the CASE keeps the
    cast away from ids such as "clinic" on engines where a bad cast is an error)."""
    return case((AuditEntry.entity == entity, cast(AuditEntry.entity_id, Integer)), else_=None)


def _patients_named(filter_text: str) -> Select[int]:
    """Ids of the patients a filter text names (code, mobile or part of the name), and of the
    patients merged into them, whose old entries still name their own ids."""
    text = filter_text.strip()
    named, merged = aliased(Patient), aliased(Patient)
    hits = select(named.id).where(or_(
        named.code == text.upper(), named.mobile == text,
        named.name.contains(text, autoescape=True)))
    return select(merged.id).where(or_(merged.id.in_(hits), merged.merged_into_id.in_(hits)))


def _query(session: Session, audit_filter: AuditFilter) -> AnySelect:
    owner = {name: aliased(model) for name, model in _PATIENT_OF.items()}
    patient_id = func.coalesce(_entity_number("patient"),
                               *(row.patient_id for row in owner.values()))
    query = (select(AuditEntry, Staff.display_name, Patient.id, Patient.code, Patient.name)
             .outerjoin(Staff, Staff.id == AuditEntry.staff_id))
    for name, row in owner.items():
        query = query.outerjoin(row, row.id == _entity_number(name))
    query = query.outerjoin(Patient, Patient.id == patient_id)
    f = audit_filter
    if f.start is not None and f.end is not None and f.end < f.start:
        raise UserError(_("结束日期 {end} 早于开始日期 {start}。", start=f.start, end=f.end),
                        field="to")
    if f.start is not None or f.end is not None:
        zone = _zone(session)
        if f.start is not None:
            query = query.where(AuditEntry.at >= datetime.combine(f.start, time(0), zone))
        if f.end is not None:
            query = query.where(AuditEntry.at < datetime.combine(
                f.end + timedelta(days=1), time(0), zone))
    if f.username:
        query = query.where(AuditEntry.username == f.username)
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.patient.strip():
        # Through the (entity, entity_id) index: the entries naming one of the patients, or
        # naming a row of theirs.
        patients = _patients_named(f.patient).cte("named_patients")
        concerns = [and_(AuditEntry.entity == "patient", AuditEntry.entity_id.in_(
            select(cast(patients.c.id, String))))]
        for name, model in _PATIENT_OF.items():
            row = aliased(model)
            concerns.append(and_(AuditEntry.entity == name, AuditEntry.entity_id.in_(
                select(cast(row.id, String)).where(row.patient_id.in_(select(patients.c.id))))))
        query = query.where(or_(*concerns))
    return query.order_by(AuditEntry.id.desc())


def _rows(session: Session, query: AnySelect) -> Iterator[AuditRow]:
    system = _("系统")
    for entry, person, pid, code, name in session.execute(query):
        yield AuditRow(
            entry.id, entry.at, entry.username,
            person or (system if entry.username == "system" else entry.username),
            entry.action, action_label(entry.action), entry.entity, entry.entity_id,
            entry.summary, pid, code, name)


def list_entries(ctx: Context, audit_filter: AuditFilter | None = None, *,
                 limit: int = 500) -> list[AuditRow]:
    """The newest ``limit`` entries the filter lets through, newest first."""
    ctx.require(Permission.AUDIT_VIEW)
    with ctx.transaction() as session:
        query = _query(session, audit_filter or AuditFilter()).limit(limit)
        return list(_rows(session, query))


def count_entries(session: Session, audit_filter: AuditFilter) -> int:
    """How many entries the filter lets through (an export's progress total)."""
    inner = _query(session, audit_filter).order_by(None).with_only_columns(AuditEntry.id)
    return int(session.execute(select(func.count()).select_from(inner.subquery())).scalar_one())


def iter_entries(session: Session, audit_filter: AuditFilter) -> Iterator[AuditRow]:
    """Every entry the filter lets through, newest first, streamed (for an export)."""
    query = _query(session, audit_filter).execution_options(yield_per=2000)
    return _rows(session, query)
