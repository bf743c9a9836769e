"""Which column holds what: target fields, header synonyms, automatic mapping, profiles.

A mapping is ``{column index: field key}``. A saved profile is keyed by header *label*
(``{"患者姓名": "name"}``) so it still fits when the columns of next month's file move.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.values import ValueChoices, choices_from_json, choices_to_json


@dataclass(frozen=True)
class FieldSpec:
    key: str
    synonyms: tuple[str, ...]
    group: str  # "patient" or "visit"
    required: bool = False
    example: str = ""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", ("姓名", "患者姓名", "病人姓名", "客户姓名", "名字", "患者", "name",
                             "patientname", "顾客姓名", "客户名称", "客户名", "顾客名称",
                             "患者名称", "会员姓名", "会员名称", "就诊人", "就诊人姓名"),
              "patient", True, "张三"),
    FieldSpec("sex", ("性别", "sex", "gender"), "patient", example="男"),
    FieldSpec("birth_date", ("出生日期", "生日", "出生年月", "出生年月日", "dob",
                                     "birthday", "birthdate", "dateofbirth"), "patient",
              example="1985-03-12"),
    FieldSpec("age", ("年龄", "age", "岁数"), "patient", example=""),
    FieldSpec("mobile", ("手机", "手机号", "手机号码", "联系电话", "电话", "电话号码",
                               "联系方式", "mobile", "phone", "tel", "移动电话"), "patient",
              example="13800138000"),
    FieldSpec("phone2", ("座机", "固话", "备用电话", "其他电话", "电话2", "第二电话",
                                  "家庭电话"), "patient"),
    FieldSpec("id_number", ("身份证", "身份证号", "身份证号码", "证件号", "证件号码",
                                    "idcard", "idnumber"), "patient"),
    # The legacy system's own number for the patient: the same number is the same person, and
    # it is kept in the notes (a receptionist still quotes it).
    FieldSpec("record_no", ("病历号", "病历编号", "病案号", "档案号", "档案编号", "门诊号",
                            "患者编号", "客户编号", "会员编号", "就诊卡号", "患者id", "客户id"),
              "patient"),
    FieldSpec("wechat", ("微信", "微信号", "wechat"), "patient"),
    FieldSpec("email", ("邮箱", "电子邮箱", "邮箱地址", "电子邮件", "电子邮件地址", "邮件地址",
                        "email", "emailaddress", "mail"), "patient",
              example="zhangsan@qq.com"),
    FieldSpec("occupation", ("职业", "工作", "occupation"), "patient"),
    FieldSpec("address", ("地址", "住址", "家庭住址", "联系地址", "address"), "patient"),
    FieldSpec("source", ("来源", "渠道", "来源渠道", "客户来源", "获客渠道", "source",
                                 "channel"), "patient", example="转介绍"),
    FieldSpec("first_visit_date", ("首诊日期", "建档日期", "初诊日期", "首次就诊",
                                          "建档时间", "首诊时间", "firstvisit"), "patient"),
    FieldSpec("referrer", ("介绍人", "推荐人", "转介绍人", "介绍者", "推荐者", "介绍人姓名",
                           "推荐人姓名", "referrer", "referredby"), "patient"),
    FieldSpec("referrer_phone", ("介绍人电话", "介绍人手机", "介绍人手机号", "推荐人电话",
                                 "推荐人手机", "推荐人手机号", "referrerphone"), "patient"),
    FieldSpec("tags", ("标签", "患者标签", "客户标签", "tags", "tag"), "patient",
              example="怕疼、VIP"),
    FieldSpec("emergency_contact", ("紧急联系人", "紧急联系人姓名", "emergencycontact"),
              "patient"),
    FieldSpec("emergency_phone", ("紧急联系人电话", "紧急联系电话", "紧急电话", "紧急联系人手机",
                                  "紧急联系人手机号", "emergencyphone"), "patient"),
    FieldSpec("allergies", ("过敏", "过敏史", "药物过敏", "allergy", "allergies"),
              "patient", example="青霉素"),
    FieldSpec("notes", ("备注", "说明", "notes", "remark", "remarks", "memo"), "patient"),
    FieldSpec("visit_date", ("就诊日期", "日期", "就诊时间", "治疗日期", "治疗时间", "消费日期",
                             "消费时间", "来诊日期", "来诊时间", "visitdate", "date"), "visit",
              example="2024-05-20"),
    FieldSpec("procedure", ("项目", "治疗项目", "诊疗项目", "治疗内容", "消费项目",
                                    "服务项目", "处置", "处置项目", "处置内容", "收费项目",
                                    "项目名称", "治疗名称", "procedure", "treatment"), "visit",
              example="超声洁牙"),
    FieldSpec("site", ("牙位", "部位", "眼别", "site", "tooth"), "visit"),
    FieldSpec("amount", ("金额", "消费金额", "应收金额", "应收", "应收款", "应付金额",
                               "收费金额", "费用", "收费", "价格", "amount", "price", "fee"),
              "visit", example="300"),
    # An amount taken off the charge (优惠 2000 of 消费 12000, 实付 10000): not a percentage
    # (折扣 0.9 or 9折 is not named here, so it is never read as ¥0.90).
    FieldSpec("discount", ("优惠金额", "优惠", "减免", "减免金额", "折扣金额", "让利", "让利金额",
                           "抹零", "优惠额", "discount"), "visit"),
    FieldSpec("paid", ("实收金额", "实收", "实付", "实付金额", "已付", "已付金额",
                                 "付款金额", "paid"), "visit"),
    FieldSpec("method", ("支付方式", "付款方式", "收款方式", "收费方式", "结算方式", "缴费方式",
                         "支付", "payment"),
              "visit", example="微信支付"),
    FieldSpec("doctor", ("医生", "主治医生", "医师", "主治医师", "接诊医生", "大夫", "doctor"),
              "visit"),
    FieldSpec("visit_notes", ("就诊备注", "治疗备注", "病历", "诊断", "主诉", "visitnotes"),
              "visit"),
    # Opening balances (期初): the patient's balance as the legacy system last showed it.
    FieldSpec("stored_value", ("储值余额", "储值", "卡内余额", "余额", "储值卡余额", "会员卡余额",
                               "卡余额", "剩余储值", "充值余额", "balance", "storedvalue"),
              "balance", example="1200"),
    FieldSpec("owed", ("欠费", "欠款", "欠费金额", "欠款金额", "欠费余额", "未结欠款", "arrears",
                       "owed", "debt"), "balance"),
    FieldSpec("points", ("积分", "会员积分", "积分余额", "剩余积分", "可用积分", "当前积分",
                         "points"), "balance", example="500"),
    FieldSpec("tier", ("会员等级", "会员卡", "会员级别", "会员类型", "会员卡等级", "会员卡类型",
                       "membertier", "memberlevel", "tier", "membership"), "balance",
              example="金卡"),
)
BY_KEY = {f.key: f for f in FIELDS}
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s*※:：_\-/·.]")
_SYNONYMS = sorted(((s, f.key) for f in FIELDS for s in f.synonyms),
                   key=lambda pair: -len(pair[0]))
_EXACT = {s: key for s, key in _SYNONYMS}
# A label with one of these words is about a balance or the membership: it is recognised
# only as one of the balance fields, never guessed into another (欠费金额 must not become the
# visit's 金额), and not at all when it also says it is something else than the balance
# (累计积分, 赠送余额, 本次欠费, 会员卡号, 储值消费): those stay unmapped unless chosen by hand.
_BALANCE_WORDS = ("储值", "余额", "欠费", "欠款", "积分", "会员等级", "会员级别", "会员卡",
                  "会员类型", "预存")
_UNSURE_WORDS = ("累计", "合计", "总", "本次", "卡号", "编号", "号码", "日期", "时间", "有效期",
                 "到期", "充值金额", "赠送", "预存", "消费", "支付", "付款", "收款", "实收", "使用",
                 "抵扣", "兑换", "变动", "扣除", "获得")
# English headers are matched whole (``points`` is inside ``appointments``). A bare 等级 may
# be the membership or the clinic's own A/B/C grading: not guessed.
_DEFERRED_EXACT = frozenset({"等级", "credit", "bonus", "prepaid", "deposit", "totalpoints"})
_WHOLE_ONLY = frozenset({"balance", "storedvalue", "arrears", "owed", "debt", "points", "tier",
                         "membertier", "memberlevel", "membership",
                         # 优惠价 is a price, 优惠活动 a campaign, 优惠比例 a rate: not the sum
                         "优惠", "减免", "让利", "抹零"})
BALANCE_KEYS = frozenset(f.key for f in FIELDS if f.group == "balance")

# Whose column it is. A header naming a staff role is about the clinic's people: it only ever
# means the doctor (医生姓名, 主任医师), and nothing when it names anyone else (收费员 is not the
# 收费 amount, 咨询师 not the patient). A parent or guardian is the emergency contact: their
# name and phone never become the patient's. The patient's own words (患者手机, 患儿姓名) only
# say whose the rest is.
_DOCTOR_WORDS = ("医生", "医师", "大夫", "doctor")
_STAFF_WORDS = ("护士", "护理员", "收费员", "收费人", "收款人", "收银员", "收银人", "操作员",
                "操作人", "经办", "录入", "咨询师", "咨询顾问", "助理", "前台", "客服", "技师",
                "治疗师", "开单", "制单", "接待", "业务员", "销售", "创建人", "登记人")
_PERSON_ENDS = frozenset("员师士人")  # 收费员, 咨询师, 护士, 经办人: a person whatever follows
_PERSON_TAILS = ("人", "员", "姓名", "名字", "名", "电话", "手机", "签名", "签字", "工号")
_STAFF_TITLES = ("主任",)  # a doctor's title (主任医师), else a staff role
_GUARDIAN_WORDS = ("家长", "监护人", "父亲", "母亲", "爸爸", "妈妈", "父母", "家属", "亲属",
                   "配偶", "联系人")
_PATIENT_WORDS = ("就诊人", "患者", "患儿", "病人", "病患", "客户", "顾客", "会员")
_NAME_WORDS = frozenset({"名", "姓名", "名字", "名称"})
_PHONE_KEYS = frozenset({"mobile", "phone2", "emergency_phone"})
# Words that make a column something else than the field a synonym in it names, unless the
# synonym itself holds them (身份证号, 联系方式, 会员类型): a number or code (患者编号 is not the
# name, 病历号 not the notes), a kind (费用类别 is not the amount) and, for the visit's fields,
# another event (下次复诊日期 and 预约日期 are not the visit's date).
_ID_WORDS = ("编号", "病历号", "档案号", "卡号", "序号", "单号", "流水号", "编码", "代码", "条码",
             "门诊号", "住院号", "登记号")
_ID_SUFFIXES = ("id",)  # 患者ID, patientid; not the id inside paid or valid
_KIND_WORDS = ("类别", "类型", "种类", "分类", "方式", "性质")
_PLANNED_WORDS = ("下次", "预约", "复诊", "复查", "回访", "随访", "计划")
_EVENT_KEYS = frozenset({f.key for f in FIELDS if f.group == "visit"} | {"first_visit_date"})
_ORDINAL = re.compile(r"^(.*\D)([1-9])$")  # 联系电话2: the second of its kind


def field_labels() -> dict[str, str]:
    """Field key → its name in the current language (the wizard, the template, messages)."""
    return {
        "name": _("姓名"),
        "sex": _("性别"),
        "birth_date": _("出生日期"),
        "age": _("年龄"),
        "mobile": _("手机"),
        "phone2": _("其他电话"),
        "id_number": _("身份证号"),
        "record_no": _("病历号"),
        "wechat": _("微信号"),
        "email": _("邮箱"),
        "occupation": _("职业"),
        "address": _("地址"),
        "source": _("来源渠道"),
        "first_visit_date": _("首诊日期"),
        "referrer": _("介绍人"),
        "referrer_phone": _("介绍人电话"),
        "tags": _("标签"),
        "emergency_contact": _("紧急联系人"),
        "emergency_phone": _("紧急联系人电话"),
        "allergies": _("过敏史"),
        "notes": _("备注"),
        "visit_date": _("就诊日期"),
        "procedure": _("治疗项目"),
        "site": _("牙位/眼别"),
        "amount": _("金额"),
        "discount": _("优惠金额"),
        "paid": _("实收金额"),
        "method": _("支付方式"),
        "doctor": _("医生"),
        "visit_notes": _("就诊备注"),
        "stored_value": _("储值余额"),
        "owed": _("欠费"),
        "points": _("积分"),
        "tier": _("会员等级"),
    }


def field_label(key: str) -> str:
    return field_labels().get(key, key)


def normalise_label(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).lower()
    text = _BRACKETS.sub("", text) or text
    return _NOISE.sub("", text)


def match_field(label: str) -> str | None:
    """The field a header label most likely means: exact synonym, else the longest contained
    one that nothing else in the label contradicts (see ``_match``)."""
    found = _match(label)
    return found[0] if found else None


def _match(label: str) -> tuple[str, bool, float] | None:
    """(field, exact, how much of the label the match explains) of a header label.

    A balance word only ever means a balance field, and only when nothing says otherwise.
    Else whose column it is comes first (a staff role, a parent, the patient), then the
    longest synonym the label holds that no number, kind or other-event word contradicts.
    A trailing 2 (联系电话2) makes a phone the other phone.
    """
    text = normalise_label(label)
    if not text:
        return None
    if text in _EXACT:
        return _EXACT[text], True, 1.0
    for key, shown in field_labels().items():  # the template's headers, in either language
        if normalise_label(shown) == text:
            return key, True, 1.0
    about_balance = any(w in text for w in _BALANCE_WORDS)
    if text in _DEFERRED_EXACT or (about_balance and any(w in text for w in _UNSURE_WORDS)):
        return None
    if about_balance:
        for synonym, key in _contained(text):
            return (key, False, len(synonym) / len(text)) if key in BALANCE_KEYS else None
        return None
    ordinal = _ORDINAL.match(text)
    base, second = (ordinal.group(1), ordinal.group(2) != "1") if ordinal else (text, False)
    if base != text and base in _EXACT:
        key, exact, cover = _EXACT[base], True, 1.0
    else:
        found = _contained_match(base)
        if found is None:
            return None
        key, cover = found
        exact = False
    if second and key == "mobile":
        key = "phone2"
    return key, exact, cover


def _contained(text: str) -> list[tuple[str, str]]:
    """The (synonym, field) pairs held in ``text``, longest first."""
    return [(s, key) for s, key in _SYNONYMS
            if len(s) >= 2 and s in text and s not in _WHOLE_ONLY]


def _contained_match(text: str) -> tuple[str, float] | None:
    """(field, share of the label explained) of a label that is no synonym as it stands."""
    role = _names_role(text)
    staff = role or any(w in text for w in _STAFF_TITLES + _DOCTOR_WORDS)
    guardian = any(w in text for w in _GUARDIAN_WORDS)
    core = text
    for word in _PATIENT_WORDS:
        core = core.replace(word, "")
    if core in _NAME_WORDS and not staff and not guardian:
        return "name", 1.0  # 患者名, 患儿姓名
    pairs = [(s, key) for s, key in _contained(core) if not _contradicted(core, s, key)]
    keys = {key for _, key in pairs}
    if staff:
        doctor = any(w in text for w in _DOCTOR_WORDS) and not role
        return ("doctor", 1.0) if doctor and keys <= {"name", "doctor"} and not any(
            _contradicted(core, w, "doctor") for w in _DOCTOR_WORDS if w in core) else None
    if guardian:
        if keys & _PHONE_KEYS:
            return "emergency_phone", 1.0
        return ("emergency_contact", 1.0) if keys <= {"name", "emergency_contact"} \
            and not _contradicted(core, "", "emergency_contact") else None
    for synonym, key in pairs:
        return key, (len(synonym) + len(text) - len(core)) / len(text)
    return None


def is_guardian_label(label: str) -> bool:
    """A parent's or guardian's column (家长电话, 监护人), not an emergency contact's own."""
    text = normalise_label(label)
    return "紧急" not in text and any(w in text for w in _GUARDIAN_WORDS)


def _names_role(text: str) -> bool:
    """Whether the label names a member of staff who is not a doctor: 收费员, 咨询师, or an
    activity word as a person (销售, 开单人, 前台, 接待姓名); 销售日期, 开单医生 and 前台备注 are a
    date, a doctor and notes."""
    for word in _STAFF_WORDS:
        at = text.find(word)
        if at < 0:
            continue
        rest = text[at + len(word):]
        if word[-1] in _PERSON_ENDS or not rest or rest.startswith(_PERSON_TAILS):
            return True
    return False


def _contradicted(text: str, synonym: str, key: str) -> bool:
    """Whether ``text`` says it is something else than ``key`` outside the ``synonym`` in it."""
    start = text.find(synonym) if synonym else -1
    end = start + len(synonym)
    if any(text.endswith(w) and not synonym.endswith(w) for w in _ID_SUFFIXES):
        return True
    words = _ID_WORDS + _KIND_WORDS + (_PLANNED_WORDS if key in _EVENT_KEYS else ())
    for word in words:
        at = text.find(word)
        while at >= 0:
            if not (start <= at and at + len(word) <= end):
                return True
            at = text.find(word, at + 1)
    return False


def is_deferred(label: str) -> bool:
    """A balance or membership column that is not recognised (累计积分, 赠送余额, 预存): not
    guessed at, left for the manager to map by hand."""
    text = normalise_label(label)
    return bool(text) and (text in _DEFERRED_EXACT or any(w in text for w in _BALANCE_WORDS)) \
        and match_field(label) is None


def ignored_columns(labels: Sequence[str], mapping: Mapping[int, str]) -> list[str]:
    """The file's headers that go nowhere (in the file's order)."""
    return [label for i, label in enumerate(labels) if label and i not in mapping]


def auto_map(labels: Sequence[str]) -> dict[int, str]:
    """Each field to the column whose label means it most surely: an exact synonym, else the
    one the synonym explains most of, else the leftmost; the other look-alikes stay unmapped,
    except that a second mobile (手机 and 电话) is the other phone when no column is."""
    guesses = []
    for index, label in enumerate(labels):
        found = _match(label)
        if found:
            key, exact, cover = found
            guesses.append((not exact, -cover, index, key))
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    second_mobile: list[int] = []
    for _exact, _cover, index, key in sorted(guesses):
        if key not in taken:
            mapping[index] = key
            taken.add(key)
        elif key == "mobile":
            second_mobile.append(index)
    if second_mobile and "phone2" not in taken:
        mapping[min(second_mobile)] = "phone2"
    if "mobile" not in taken:
        # A children's sheet gives only the parent's phone (家长电话): it is the number to call
        # and to find the child by, so it is the patient's mobile; the parent's name stays
        # the emergency contact.
        guardian = [i for i, key in mapping.items()
                    if key == "emergency_phone" and is_guardian_label(labels[i])]
        if guardian:
            mapping[guardian[0]] = "mobile"
    return dict(sorted(mapping.items()))


def check_mapping(mapping: Mapping[int, str]) -> list[str]:
    """What is missing for an import to make sense (empty when the mapping is usable)."""
    chosen = set(mapping.values())
    problems = []
    if "name" not in chosen:
        problems.append(_("请把一列对应到“姓名”：没有姓名无法建立患者档案。"))
    visit_fields = {"procedure", "amount", "paid", "doctor", "site", "method", "visit_notes"}
    if chosen & visit_fields and "visit_date" not in chosen:
        problems.append(_("已对应了治疗项目或金额，请再把一列对应到“就诊日期”。"))
    unknown = chosen - set(BY_KEY)
    if unknown:
        problems.append(_("未知的字段：{fields}", fields="、".join(sorted(unknown))))
    return problems


# -- profiles ------------------------------------------------------------------------------
def profile_from_mapping(labels: Sequence[str], mapping: Mapping[int, str]) -> dict[str, str]:
    """Every labelled column: its field, or ``""`` for a column left out (so the profile keeps
    it out: ``mapping_from_profile`` recognises the columns a profile does not name)."""
    profile = {label: "" for label in labels if label}
    profile.update({labels[i]: key for i, key in mapping.items() if i < len(labels) and labels[i]})
    return profile


def mapping_from_profile(labels: Sequence[str], profile: Mapping[str, str], *,
                         others: bool = True) -> dict[int, str]:
    """The profile's choices for the columns it names (``""``: not imported); the others are
    recognised as ``auto_map`` would, for the fields still free (``others``). A mapping file
    naming only the one column the synonyms miss (``{"客户名称": "name"}``) keeps the rest
    recognised. ``others=False``: the columns it does not name stay out, as a profile saved
    before profiles listed the columns they leave out (``is_complete_profile``) meant."""
    by_label = {normalise_label(k): v for k, v in profile.items()}
    mapping: dict[int, str] = {}
    named: set[int] = set()
    for index, label in enumerate(labels):
        text = normalise_label(label)
        if text not in by_label:
            continue
        named.add(index)
        key = by_label[text]
        if key and key in BY_KEY and key not in mapping.values():
            mapping[index] = key
    if not others:
        return dict(sorted(mapping.items()))
    taken = set(mapping.values())
    guessed = auto_map(["" if i in named else label for i, label in enumerate(labels)])
    for index, key in guessed.items():
        if key not in taken:
            mapping[index] = key
            taken.add(key)
    return dict(sorted(mapping.items()))


def is_complete_profile(profile: Mapping[str, str]) -> bool:
    """Whether a saved profile lists the columns it leaves out (``""``), as the wizard saves
    them now; one saved before names only the columns it imports, and meant the rest out."""
    return "" in profile.values()


@dataclass(frozen=True)
class MappingFile:
    """A mapping file: the columns (None: recognised automatically) and the value choices."""

    columns: dict[str, str] | None
    values: ValueChoices


def load_mapping_file(path: Path) -> MappingFile:
    """``{"columns": {"header label": "field"}, "values": {"procedure": {…}, "doctor": {…}}}``;
    either part may be left out, and the bare ``{"header label": "field"}`` still works."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UserError(_("找不到对应关系文件“{name}”。", name=path.name), field="mapping") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(_("对应关系文件“{name}”不是有效的 JSON：{reason}", name=path.name,
                          reason=exc), field="mapping") from exc
    if not isinstance(data, dict):
        raise _bad_file(path)
    structured = "columns" in data or "values" in data
    columns = data.get("columns") if structured else data
    if columns is not None:
        if not isinstance(columns, dict) or not all(
                isinstance(k, str) and (v is None or isinstance(v, str))
                for k, v in columns.items()):
            raise _bad_file(path)
        columns = {k: v or "" for k, v in columns.items()}  # null or "": not imported
        unknown = sorted(set(columns.values()) - set(BY_KEY) - {""})
        if unknown:
            raise UserError(_("对应关系文件“{name}”中的字段“{field}”不存在（可用：{keys}）。",
                              name=path.name, field=unknown[0], keys=", ".join(BY_KEY)),
                            field="mapping")
    values = choices_from_json(data.get("values") if structured else None,
                               where=_("对应关系文件“{name}”", name=path.name))
    return MappingFile(dict(columns) if columns is not None else None, values)


def _bad_file(path: Path) -> UserError:
    return UserError(_("对应关系文件“{name}”的格式不对：应为 {example}。", name=path.name,
                       example='{"columns": {"列名": "字段"}}'), field="mapping")


def load_profile_file(path: Path) -> dict[str, str]:
    """The columns of a mapping file (``{}`` when it only holds value choices)."""
    return load_mapping_file(path).columns or {}


def save_profile_file(path: Path, profile: Mapping[str, str], *, name: str = "",
                      values: ValueChoices | None = None) -> None:
    data: dict[str, object] = {"name": name, "columns": dict(profile)}
    if values:
        data["values"] = choices_to_json(values)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
