"""Creating and editing patients: validation, duplicate detection, optimistic locking."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.permissions import (
    ID_CARD_FIELDS,
    Permission,
    contacts_for,
    phone_for,
    without_clinical,
)
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.email import normalize_email
from clinic_desktop.rules.idcard import check_conflicts, parse_id_card
from clinic_desktop.rules.masking import is_masked_of
from clinic_desktop.rules.phone import normalize_mobile
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.rules.text import hidden_character, normalize_person_name, normalize_text
from clinic_desktop.services.care import close_tasks_of_archived
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.storage.counters import PATIENT_CODE, allocate, patient_code
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.staff import Staff

DEFAULT_SOURCES = ("电话", "微信", "美团/大众点评", "抖音", "转介绍", "路过", "其他")
REFERRAL_SOURCE = "转介绍"
# How far up a referral chain the loop check walks: far beyond any real chain, and a bound
# on the reads should the stored links already hold a loop of their own.
MAX_REFERRAL_CHAIN = 1000


def is_referral_source(source: str | None) -> bool:
    """A source channel meaning "someone brought them": 转介绍, or a clinic's own wording
    (老带新, 朋友介绍)."""
    text = source or ""
    return text == "老带新" or "介绍" in text


@dataclass(frozen=True)
class PatientInput:
    """What the patient form (or an import row) supplies; strings as typed."""

    name: str
    sex: str | None = None  # "M", "F" or None
    birth_date: date | None = None
    mobile: str = ""
    phone2: str = ""
    wechat: str = ""
    email: str = ""
    id_number: str = ""
    occupation: str = ""
    address: str = ""
    source: str = ""
    referred_by_id: int | None = None
    first_visit_date: date | None = None
    notes: str = ""
    birth_date_approximate: bool = False
    emergency_contact: str = ""
    emergency_phone: str = ""
    referrer_note: str = ""  # a referrer who is not (yet) a patient, as written


@dataclass(frozen=True)
class PatientRecord:
    id: int
    code: str
    name: str
    sex: str | None
    birth_date: date | None
    birth_date_approximate: bool
    mobile: str | None
    phone2: str | None
    wechat: str | None
    id_number: str | None
    occupation: str | None
    address: str | None
    source: str | None
    referred_by_id: int | None
    first_visit_date: date | None
    notes: str
    archived: bool
    merged_into_id: int | None
    member_tier: str | None
    member_points: int
    updated_at: datetime
    version: int
    clinical_hidden: bool = False  # ``notes`` blanked: the role lacks CLINICAL_VIEW
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    referrer_note: str | None = None
    email: str | None = None

    def as_input(self) -> PatientInput:
        return PatientInput(
            name=self.name, sex=self.sex, birth_date=self.birth_date, mobile=self.mobile or "",
            phone2=self.phone2 or "", wechat=self.wechat or "", email=self.email or "",
            id_number=self.id_number or "",
            occupation=self.occupation or "", address=self.address or "",
            source=self.source or "", referred_by_id=self.referred_by_id,
            first_visit_date=self.first_visit_date, notes=self.notes,
            birth_date_approximate=self.birth_date_approximate,
            emergency_contact=self.emergency_contact or "",
            emergency_phone=self.emergency_phone or "", referrer_note=self.referrer_note or "",
        )


@dataclass(frozen=True)
class SavedPatient:
    patient: PatientRecord
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicateMatch:
    patient_id: int
    code: str
    name: str
    mobile: str | None
    birth_date: date | None
    reason: str


class DuplicatePatient(UserError):
    """A patient with the same mobile, ID number, or name and birth date already exists."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        first = matches[0]
        super().__init__(
            _("可能已有这位患者：{name}（{code}），{reason}。", name=first.name, code=first.code,
              reason=first.reason), field="name")
        self.matches = matches


def record_of(p: Patient) -> PatientRecord:
    return PatientRecord(
        id=p.id, code=p.code, name=p.name, sex=p.sex, birth_date=p.birth_date,
        birth_date_approximate=p.birth_date_approximate, mobile=p.mobile, phone2=p.phone2,
        wechat=p.wechat, id_number=p.id_number, occupation=p.occupation, address=p.address,
        source=p.source, referred_by_id=p.referred_by_id, first_visit_date=p.first_visit_date,
        notes=p.notes, archived=p.archived, merged_into_id=p.merged_into_id,
        member_tier=p.member_tier, member_points=p.member_points, updated_at=p.updated_at,
        version=p.version, emergency_contact=p.emergency_contact,
        emergency_phone=p.emergency_phone, referrer_note=p.referrer_note, email=p.email,
    )


def sources(session: Session) -> list[str]:
    stored = read_setting(session, "patient.sources", None)
    return list(stored) if stored else list(DEFAULT_SOURCES)


_TEXT_FIELDS = {"name": False, "mobile": False, "phone2": False, "wechat": False,
                "email": False, "id_number": False, "occupation": False, "address": False,
                "source": False, "notes": True, "emergency_contact": False,
                "emergency_phone": False, "referrer_note": False}  # field -> may hold line breaks
_LIMITS = {"emergency_contact": 64, "emergency_phone": 32, "referrer_note": 64}


def _field_name(name: str) -> str:
    return {"referrer_note": _("介绍人（文字）"), "referred_by_id": _("介绍人"),
            "emergency_phone": _("紧急联系人电话")}.get(name) or field_label(name)


def _refuse_hidden_characters(data: PatientInput) -> None:
    """Control characters, lone surrogates, zero-width and direction-override characters are
    refused, naming the field: they make a record show or sort as something it is not."""
    for field_name, multiline in _TEXT_FIELDS.items():
        value = getattr(data, field_name)
        found = hidden_character(value, multiline=multiline) if value else None
        if found is not None:
            raise UserError(_("{field}中有看不见的控制字符（{code}），请重新输入。",
                              field=_field_name(field_name), code=found), field=field_name)


def refuse_hidden_characters(text: str, *, field: str, label: str) -> None:
    """The same refusal for a note typed anywhere else (a ledger note, a reason)."""
    found = hidden_character(text, multiline=True) if text else None
    if found is not None:
        raise UserError(_("{field}中有看不见的控制字符（{code}），请重新输入。", field=label,
                          code=found), field=field)


# A second or emergency number may be a landline with its area code and extension
# (0571-8888 6666 转 12), a mobile or an overseas number: digits and the marks around them.
_PHONE_LIKE = re.compile(r"(?:[\d\s+\-()（）#/.,，]|转|分机|ext\.?)+", re.IGNORECASE)


def _refuse_not_a_phone(value: str, field_name: str) -> None:
    if value and (not _PHONE_LIKE.fullmatch(value) or sum(c.isdigit() for c in value) < 7):
        raise UserError(_("{field}“{value}”不是电话号码（至少 7 位数字，可带区号、分机）。",
                          field=_field_name(field_name), value=value), field=field_name)


def clean_input(data: PatientInput, *, today: date, allowed_sources: list[str],
                stored: Patient | None = None) -> tuple[PatientInput, list[str]]:
    """Normalise what was typed; a UserError names the first bad field, warnings the rest.
    A second or emergency number kept as ``stored`` has it is not checked again (an old
    import's text there does not hold up a form saved for something else)."""
    warnings: list[str] = []
    _refuse_hidden_characters(data)
    name = normalize_person_name(data.name)
    if not name:
        raise UserError(_("请填写患者姓名。"), field="name")
    if len(name) > 64:
        raise UserError(_("姓名太长（最多 64 个字符）。"), field="name")
    if data.sex not in (None, "M", "F"):
        raise UserError(_("性别无效。"), field="sex")
    sex, birth = data.sex, data.birth_date
    try:
        mobile = normalize_mobile(data.mobile) if normalize_text(data.mobile) else ""
        email = normalize_email(data.email)
        phone2 = normalize_text(data.phone2)
        id_number = ""
        if normalize_text(data.id_number):
            card = parse_id_card(data.id_number, today=today)
            id_number = card.number
            warnings.extend(check_conflicts(card, birth_date=birth, sex=sex))
            sex = sex or card.sex
            birth = birth or card.birth_date
    except RuleError as error:
        raise UserError(error.message, field=error.field) from error
    if birth is not None and birth > today:
        raise UserError(_("出生日期 {d} 在今天之后。", d=birth.isoformat()), field="birth_date")
    if birth is not None and birth.year < today.year - 130:
        raise UserError(_("出生日期 {d} 不合理。", d=birth.isoformat()), field="birth_date")
    source = normalize_text(data.source)
    if source and source not in allowed_sources:
        raise UserError(_("来源渠道“{source}”不在列表中。", source=source), field="source")
    if data.first_visit_date is not None and data.first_visit_date > today:
        raise UserError(_("首诊日期在今天之后。"), field="first_visit_date")
    for field_name, limit in _LIMITS.items():
        if len(normalize_text(getattr(data, field_name))) > limit:
            raise UserError(_("{field}太长（最多 {n} 个字符）。", field=_field_name(field_name),
                              n=limit), field=field_name)
    for field_name in ("phone2", "emergency_phone"):
        typed = normalize_text(getattr(data, field_name))
        if stored is None or typed != normalize_text(getattr(stored, field_name)):
            _refuse_not_a_phone(typed, field_name)
    cleaned = replace(
        data, name=name, sex=sex, birth_date=birth, mobile=mobile, phone2=phone2,
        wechat=normalize_text(data.wechat), email=email, id_number=id_number,
        occupation=normalize_text(data.occupation), address=normalize_text(data.address),
        source=source, notes=data.notes.strip(),
        emergency_contact=normalize_text(data.emergency_contact),
        emergency_phone=normalize_text(data.emergency_phone),
        referrer_note=normalize_text(data.referrer_note),
    )
    return cleaned, warnings


def _as_stored(value: str | None) -> str | None:
    return value


def duplicates_in(session: Session, data: PatientInput, *, exclude_id: int | None = None,
                  phone: Callable[[str | None], str | None] = _as_stored,
                  ) -> list[DuplicateMatch]:
    """Matches by mobile, then ID number, then name + birth date (the house identity rule).
    ``phone`` shows the matches' numbers as the caller's role may see them (``phone_for``)."""
    conditions = []
    if data.mobile:
        conditions.append(Patient.mobile == data.mobile)
    if data.id_number:
        conditions.append(Patient.id_number == data.id_number)
    if data.birth_date is not None:
        conditions.append((Patient.name == data.name) & (Patient.birth_date == data.birth_date))
    if not conditions:
        return []
    query = select(Patient).where(or_(*conditions), Patient.merged_into_id.is_(None))
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    matches = []
    for p in session.execute(query.limit(10)).scalars():
        if data.mobile and p.mobile == data.mobile:
            reason = _("手机号 {mobile} 相同", mobile=phone(p.mobile))
        elif data.id_number and p.id_number == data.id_number:
            reason = _("身份证号相同")
        else:
            reason = _("姓名和出生日期相同")
        matches.append(DuplicateMatch(p.id, p.code, p.name, phone(p.mobile), p.birth_date,
                                      reason))
    return matches


def find_possible_duplicates(ctx: Context, data: PatientInput, *,
                             exclude_id: int | None = None) -> list[DuplicateMatch]:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        stored = session.get(Patient, exclude_id) if exclude_id is not None else None
        cleaned, _warnings = clean_input(data, today=_today(ctx, session),
                                         allowed_sources=sources(session), stored=stored)
        return duplicates_in(session, cleaned, exclude_id=exclude_id, phone=phone_for(ctx))


def _today(ctx: Context, session: Session) -> date:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    return ctx.now().astimezone(zone).date()


def clinic_today(ctx: Context) -> date:
    with ctx.transaction() as session:
        return _today(ctx, session)


def next_code(session: Session) -> str:
    """The next patient code, from the counter (the caller's write transaction holds it)."""
    return patient_code(allocate(session, PATIENT_CODE))


def _visible(ctx: Context, record: PatientRecord) -> PatientRecord:
    """The record cut to the acting role: the note is clinical (``CLINICAL_FIELDS``), the phone
    and ID numbers masked without CONTACT_FULL (``CONTACT_FIELDS``)."""
    record = contacts_for(ctx, record)
    return record if ctx.can(Permission.CLINICAL_VIEW) else without_clinical(record)


# The contact fields of the form, as ``PatientInput`` and ``Patient`` name them.
_CONTACT_INPUTS = ("mobile", "phone2", "emergency_phone", "id_number")


def _contacts_to_store(data: PatientInput, stored: Patient) -> PatientInput:
    """A form sends back the masked number it was shown (138****5678) when nobody touched
    the field: the stored number stays. Anything else typed is a new number, checked as one."""
    kept = {name: getattr(stored, name) for name in _CONTACT_INPUTS
            if is_masked_of(getattr(data, name), getattr(stored, name),
                            id_card=name in ID_CARD_FIELDS)}
    return replace(data, **kept) if kept else data


def _note_to_store(ctx: Context, typed: str, stored: str) -> str:
    """The clinical note a save writes. Without CLINICAL_EDIT the stored note stays: the blank
    a receptionist's form sends (it was never shown the note) keeps it, so does the note sent
    back unchanged by a role that may read it; writing anything else is refused (also when it
    happens to equal the note, so a role that may not read it cannot probe it)."""
    if ctx.can(Permission.CLINICAL_EDIT):
        return typed
    if not typed or (typed == stored and ctx.can(Permission.CLINICAL_VIEW)):
        return stored
    ctx.require(Permission.CLINICAL_EDIT)
    return typed


def check_referrer_in(session: Session, patient_id: int | None,
                      referrer_id: int | None) -> None:
    """The referrer must be another patient on file, and the link must not close a loop (A
    referred by B referred by A). Called inside the saving write transaction, so the chain
    read is the one the save builds on."""
    if referrer_id is None:
        return
    referrer = session.execute(select(Patient.id, Patient.name, Patient.merged_into_id)
                               .where(Patient.id == referrer_id)).first()
    if referrer is None:
        raise UserError(_("所选的介绍人已不存在，请重新选择。"), field="referred_by_id")
    if referrer.merged_into_id is not None:
        raise UserError(_("介绍人“{name}”的档案已合并到另一份档案，请重新选择。",
                          name=referrer.name), field="referred_by_id")
    if patient_id is None:
        return  # a new patient has referred nobody yet: no loop is possible
    if referrer_id == patient_id:
        raise UserError(_("介绍人不能是患者本人。"), field="referred_by_id")
    seen: set[int] = set()
    node: int | None = referrer_id
    while node is not None and node not in seen and len(seen) < MAX_REFERRAL_CHAIN:
        seen.add(node)
        node = session.execute(select(Patient.referred_by_id)
                               .where(Patient.id == node)).scalar()
        if node == patient_id:
            raise UserError(_("介绍关系会形成循环：“{name}”本身就是由这位患者（直接或间接）"
                              "介绍来的，不能再做这位患者的介绍人。", name=referrer.name),
                            field="referred_by_id")


def set_referrer_in(ctx: Context, session: Session, patient_id: int,
                    referrer_id: int) -> bool:
    """Give a patient without a referrer this one (as at booking, channel 转介绍), inside the
    caller's write transaction. A referrer already recorded is kept: returns False."""
    ctx.require(Permission.PATIENT_EDIT)
    patient = get_patient(session, patient_id)
    if patient.referred_by_id is not None:
        return False
    check_referrer_in(session, patient_id, referrer_id)
    patient.referred_by_id = referrer_id
    patient.updated_at, patient.updated_by = ctx.now(), ctx.actor.staff_id
    session.flush()
    ctx.audit(session, "patient.update", "patient", patient.id,
              f"{patient.code}: referred_by_id")
    return True


def _apply(p: Patient, data: PatientInput) -> None:
    keys = search_keys(data.name)
    p.name, p.name_pinyin, p.name_initials = data.name, keys.full, keys.initials
    p.sex, p.birth_date = data.sex, data.birth_date
    p.birth_date_approximate = data.birth_date_approximate
    p.mobile = data.mobile or None
    p.phone2 = data.phone2 or None
    p.wechat = data.wechat or None
    p.email = data.email or None
    p.id_number = data.id_number or None
    p.occupation = data.occupation or None
    p.address = data.address or None
    p.source = data.source or None
    p.referred_by_id = data.referred_by_id
    p.first_visit_date = data.first_visit_date
    p.notes = data.notes
    p.emergency_contact = data.emergency_contact or None
    p.emergency_phone = data.emergency_phone or None
    p.referrer_note = data.referrer_note or None


def create_patient(ctx: Context, data: PatientInput, *,
                   allow_duplicate: bool = False) -> SavedPatient:
    ctx.require(Permission.PATIENT_EDIT)
    with ctx.transaction(write=True) as session:
        return create_patient_in(ctx, session, data, allow_duplicate=allow_duplicate)


def create_patient_in(ctx: Context, session: Session, data: PatientInput, *,
                      allow_duplicate: bool = False) -> SavedPatient:
    """``create_patient`` inside the caller's write transaction (with more to save)."""
    ctx.require(Permission.PATIENT_EDIT)
    _note_to_store(ctx, data.notes.strip(), "")  # a note on a new patient needs CLINICAL_EDIT
    cleaned, warnings = clean_input(data, today=_today(ctx, session),
                                    allowed_sources=sources(session))
    check_referrer_in(session, None, cleaned.referred_by_id)
    if not allow_duplicate:
        matches = duplicates_in(session, cleaned, phone=phone_for(ctx))
        if matches:
            raise DuplicatePatient(matches)
    now = ctx.now()
    patient = Patient(code=next_code(session), created_at=now, created_by=ctx.actor.staff_id,
                      updated_at=now, updated_by=ctx.actor.staff_id)
    _apply(patient, cleaned)
    session.add(patient)
    session.flush()
    ctx.audit(session, "patient.create", "patient", patient.id,
              f"{patient.code} {patient.name}")
    return SavedPatient(_visible(ctx, record_of(patient)), tuple(warnings))


def get_patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(_("找不到该患者（编号 {id}）。", id=patient_id))
    return patient


def concurrent_edit_error(ctx: Context, session: Session, patient: Patient) -> ConcurrentEdit:
    from zoneinfo import ZoneInfo

    who = session.get(Staff, patient.updated_by) if patient.updated_by else None
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    return ConcurrentEdit(_(
        "该患者资料已被 {who} 于 {when} 修改，请重新加载。",
        who=who.display_name if who else _("系统"),
        when=f"{patient.updated_at.astimezone(zone):%Y-%m-%d %H:%M}"))


def update_patient(ctx: Context, patient_id: int, data: PatientInput, *,
                   version: int) -> SavedPatient:
    ctx.require(Permission.PATIENT_EDIT)
    try:
        with ctx.transaction(write=True) as session:
            return update_patient_in(ctx, session, patient_id, data, version=version)
    except StaleDataError as exc:
        with ctx.transaction() as session:
            raise concurrent_edit_error(ctx, session, get_patient(session, patient_id)) from exc


def update_patient_in(ctx: Context, session: Session, patient_id: int, data: PatientInput, *,
                      version: int) -> SavedPatient:
    """``update_patient`` inside the caller's write transaction; the caller turns a
    ``StaleDataError`` from its commit into ``concurrent_edit_error``."""
    ctx.require(Permission.PATIENT_EDIT)
    patient = get_patient(session, patient_id)
    if patient.version != version:
        raise concurrent_edit_error(ctx, session, patient)
    data = _contacts_to_store(data, patient)
    cleaned, warnings = clean_input(data, today=_today(ctx, session),
                                    allowed_sources=sources(session), stored=patient)
    cleaned = replace(cleaned, notes=_note_to_store(ctx, cleaned.notes, patient.notes))
    if cleaned.referred_by_id != patient.referred_by_id:
        # Only a changed link is checked: a form saved for a new phone number is not held up
        # by an old link (imports refuse loops, so none should be stored anyway).
        check_referrer_in(session, patient.id, cleaned.referred_by_id)
    before = record_of(patient)
    _apply(patient, cleaned)
    patient.updated_at, patient.updated_by = ctx.now(), ctx.actor.staff_id
    session.flush()
    changed = [f.name for f in fields(PatientInput)
               if getattr(before, f.name, None) != getattr(patient, f.name, None)]
    ctx.audit(session, "patient.update", "patient", patient.id,
              f"{patient.code}: {', '.join(changed) or '-'}")
    return SavedPatient(_visible(ctx, record_of(patient)), tuple(warnings))


def set_archived(ctx: Context, patient_id: int, *, archived: bool) -> PatientRecord:
    ctx.require(Permission.PATIENT_ARCHIVE)
    with ctx.transaction(write=True) as session:
        patient = get_patient(session, patient_id)
        if archived and not patient.archived:
            close_tasks_of_archived(session, patient.id, now=ctx.now())
        patient.archived = archived
        patient.updated_at, patient.updated_by = ctx.now(), ctx.actor.staff_id
        session.flush()
        ctx.audit(session, "patient.archive" if archived else "patient.unarchive", "patient",
                  patient.id, patient.code)
        return _visible(ctx, record_of(patient))


def list_sources(ctx: Context) -> list[str]:
    with ctx.transaction() as session:
        return sources(session)


def load_patient(ctx: Context, patient_id: int) -> PatientRecord:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        return _visible(ctx, record_of(get_patient(session, patient_id)))


__all__ = [
    "REFERRAL_SOURCE", "DuplicateMatch", "DuplicatePatient", "PatientInput", "PatientRecord",
    "SavedPatient", "clinic_today", "create_patient", "find_possible_duplicates",
    "is_referral_source", "list_sources", "load_patient", "set_archived", "update_patient",
]


def set_sources(ctx: Context, names: list[str]) -> list[str]:
    """Replace the list of source channels offered in the patient form."""
    from clinic_desktop.services.clinic import write_setting

    ctx.require(Permission.SETTINGS_MANAGE)
    clean = list(dict.fromkeys(n for n in (normalize_text(x) for x in names) if n))
    if not clean:
        raise UserError(_("至少保留一个来源渠道。"), field="sources")
    with ctx.transaction(write=True) as session:
        write_setting(session, "patient.sources", clean)
        ctx.audit(session, "settings.sources", "setting", "patient.sources", "、".join(clean))
    return clean
