"""Whether a patient may be messaged, on which channel, for what.

Consent is a journal of statements (``ContactConsent``): a patient agrees to or refuses a
channel (SMS, e-mail, WeChat), or refuses everything, on a day and in a way the desk records
(the form, at the desk, on the phone, by a reply, from an imported sheet). The latest
statement per channel counts; nothing is edited in place, so the panel shows when and how.

The rule (README, "Consent"): a **service** message (a booking confirmation, a reminder, care
after a treatment, a satisfaction survey) needs no prior consent but is never sent on a
channel the patient refused, nor at all after they refused everything; a **marketing**
message (festivals, birthdays, campaigns) needs the patient's consent on that channel. The
manual channel — text the desk copies into WeChat or reads out — follows WeChat's consent.
Until per-channel consent existed the desk marked "no messages" with a tag
(``campaigns.OPT_OUT_TAG_SETTING``); a patient carrying it counts as having refused
everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.messaging import ContactConsent
from clinic_desktop.storage.models.patient import PatientTag, Tag

CHANNELS = ("sms", "email", "wechat")
ALL = "all"
HOWS = ("form", "desk", "phone", "reply", "import")
OPT_OUT_TAG_SETTING = "messages.opt_out_tag"
DEFAULT_OPT_OUT_TAG = "拒收消息"


def channel_label(channel: str) -> str:
    return {"sms": _("短信"), "email": _("邮件"), "wechat": _("微信"), ALL: _("全部消息"),
            "manual": _("手动")}.get(channel, channel)


def how_label(how: str) -> str:
    return {"form": _("登记表"), "desk": _("前台口头"), "phone": _("电话"),
            "reply": _("短信回复"), "import": _("导入")}.get(how, how)


@dataclass(frozen=True)
class Statement:
    channel: str
    granted: bool
    at: datetime
    how: str
    note: str
    recorded_by: int | None


@dataclass(frozen=True)
class Consent:
    """The latest statement per channel (and for everything), if any."""

    patient_id: int
    channels: dict[str, Statement]
    opted_out: Statement | None  # the refusal of everything, while it stands
    opt_out_tag: bool  # carries the old "no messages" tag

    def state(self, channel: str) -> bool | None:
        """True agreed, False refused, None never said."""
        said = self.channels.get(channel)
        return None if said is None else said.granted

    def refusal(self, channel: str, *, marketing: bool) -> str | None:
        """Why a message of that purpose may not go on ``channel`` (None: it may)."""
        if self.opted_out is not None or self.opt_out_tag:
            return _("患者已拒收全部消息")
        said = "wechat" if channel == "manual" else channel
        state = self.state(said)
        if state is False:
            return _("患者已拒收{channel}", channel=channel_label(said))
        if marketing and state is not True:
            return _("患者未同意接收{channel}营销消息", channel=channel_label(said))
        return None


def consent_in(session: Session, patient_id: int) -> Consent:
    return consents_in(session, [patient_id])[patient_id]


def consents_in(session: Session, patient_ids: Iterable[int]) -> dict[int, Consent]:
    """Each patient's consent in two reads (a campaign asks for thousands at once)."""
    ids = list(dict.fromkeys(patient_ids))
    latest: dict[int, dict[str, Statement]] = {pid: {} for pid in ids}
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        chunk = ids[start:start + 900]
        for row in session.execute(
                select(ContactConsent).where(ContactConsent.patient_id.in_(chunk))
                .order_by(ContactConsent.at, ContactConsent.id)).scalars():
            latest[row.patient_id][row.channel] = Statement(
                row.channel, row.granted, row.at, row.how, row.note, row.recorded_by)
    tagged = _tagged(session, ids)
    found = {}
    for pid, said in latest.items():
        everything = said.pop(ALL, None)
        found[pid] = Consent(pid, said,
                             everything if everything is not None and not everything.granted
                             else None, pid in tagged)
    return found


def _tagged(session: Session, ids: list[int]) -> set[int]:
    name = str(read_setting(session, OPT_OUT_TAG_SETTING, DEFAULT_OPT_OUT_TAG))
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        found.update(session.execute(
            select(PatientTag.patient_id).join(Tag, Tag.id == PatientTag.tag_id)
            .where(Tag.name == name, PatientTag.patient_id.in_(ids[start:start + 900])))
            .scalars())
    return found


def refusal_in(session: Session, patient_id: int, channel: str, *,
               marketing: bool) -> str | None:
    """Why no message of that purpose may go to the patient on ``channel`` (None: it may)."""
    return consent_in(session, patient_id).refusal(channel, marketing=marketing)


def record_changes_in(ctx: Context, session: Session, patient_id: int,
                      wanted: Mapping[str, bool], *, how: str) -> None:
    """The form's ticks as statements: a channel ticked that was not agreed, or unticked that
    was agreed, gets a new statement; one never mentioned and left unticked stays unsaid."""
    consent = consent_in(session, patient_id)
    for channel, granted in wanted.items():
        if channel not in CHANNELS:
            raise UserError(_("渠道无效：{channel}", channel=channel), field="channel")
        state = consent.state(channel)
        if state is granted or (state is None and not granted):
            continue
        session.add(ContactConsent(patient_id=patient_id, channel=channel, granted=granted,
                                   at=ctx.now(), how=how, note="",
                                   recorded_by=ctx.actor.staff_id))
        ctx.audit(session, "patient.consent", "patient", patient_id,
                  f"{channel}={'yes' if granted else 'no'} ({how})")


# -- services -----------------------------------------------------------------------------------
def consent_of(ctx: Context, patient_id: int) -> Consent:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        get_patient(session, patient_id)
        return consent_in(session, patient_id)


def record_consent(ctx: Context, patient_id: int, channel: str, *, granted: bool,
                   how: str, note: str = "") -> Consent:
    """A statement by the patient, dated now; ``channel`` ``all`` with ``granted=False`` is
    the opt-out from every message, ``granted=True`` withdraws that opt-out."""
    ctx.require(Permission.PATIENT_EDIT)
    if channel not in (*CHANNELS, ALL):
        raise UserError(_("渠道无效：{channel}", channel=channel), field="channel")
    if how not in HOWS:
        raise UserError(_("请选择患者是通过什么方式表示的。"), field="how")
    if len(note) > 255:
        raise UserError(_("备注最多 255 个字。"), field="note")
    with ctx.transaction(write=True) as session:
        get_patient(session, patient_id)
        session.add(ContactConsent(patient_id=patient_id, channel=channel, granted=granted,
                                   at=ctx.now(), how=how, note=note.strip(),
                                   recorded_by=ctx.actor.staff_id))
        ctx.audit(session, "patient.consent", "patient", patient_id,
                  f"{channel}={'yes' if granted else 'no'} ({how})")
        session.flush()
        return consent_in(session, patient_id)
