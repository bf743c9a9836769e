"""What Alibaba Cloud SMS and Tencent Cloud SMS have in common: the template model.

Neither provider sends free text. The clinic registers each message as a template with the
provider (and a signature, 签名, shown in brackets before it); the provider approves it and
gives it an id. The app maps each of its own templates (``messages.json``: reminder, recall…)
to that id and to the template's parameters, each filled from one of the placeholders the app
renders (``{称呼}``, ``{时间}``…): Alibaba's parameters have names (``${name}``), Tencent's
are numbered in order (``{1}``, ``{2}``). The mapping is a setting
(``messages.provider_templates``, per provider, so switching provider loses nothing); the
outbox row keeps the template key and the rendered values, so the provider gets the same
words the message shows.

The senders themselves are ``sms_aliyun`` and ``sms_tencent``; receipts are
``sms_receipts``. Secrets are never here: the AccessKey Secret / SecretKey is read from the
keyring by ``messages.sender_for`` and only ever handed to the provider's SDK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.message_templates import PLACEHOLDERS
from clinic_desktop.rules.phone import normalize_mobile
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.message_transports import Undeliverable, is_local_host

if TYPE_CHECKING:
    from clinic_desktop.services.messages import OutboxInfo

GATEWAY, ALIYUN, TENCENT = "gateway", "aliyun", "tencent"
PROVIDERS = (GATEWAY, ALIYUN, TENCENT)
CLOUD_PROVIDERS = (ALIYUN, TENCENT)
TEMPLATES_SETTING = "messages.provider_templates"
# Keyring names of the AccessKey Secret / SecretKey, one per provider.
SECRET_NAMES = {ALIYUN: "aliyun_sms_secret", TENCENT: "tencent_sms_secret"}
DEFAULT_REGIONS = {ALIYUN: "cn-hangzhou", TENCENT: "ap-guangzhou"}
TEMPLATES_FIELD = "provider_templates"
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def provider_name(provider: str) -> str:
    """The provider as a receptionist knows it: 阿里云, 腾讯云."""
    return {GATEWAY: _("短信网关"), ALIYUN: _("阿里云"), TENCENT: _("腾讯云")}.get(
        provider, provider)


def provider_label(provider: str) -> str:
    """The choice in the settings: 通用短信网关, 阿里云短信, 腾讯云短信."""
    return {GATEWAY: _("通用短信网关"), ALIYUN: _("阿里云短信"), TENCENT: _("腾讯云短信")}.get(
        provider, provider)


@dataclass(frozen=True)
class ProviderTemplate:
    """One of the clinic's templates as registered with a provider. ``params``: (the
    provider's name for the parameter — empty for Tencent, whose parameters go by position —,
    the placeholder whose value fills it), in the template's order."""

    template_id: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DeliveryReport:
    """What a provider's delivery receipt says about one message (``error`` when not)."""

    provider_id: str
    delivered: bool
    at: datetime | None = None
    error: str = ""


# -- the mapping as the settings dialog shows it ----------------------------------------------
def format_params(params: tuple[tuple[str, str], ...], provider: str) -> str:
    """``name=称呼, time=时间`` (Alibaba) or ``称呼, 时间`` (Tencent): what the dialog shows."""
    return ", ".join(f"{name}={placeholder}" if provider == ALIYUN else placeholder
                     for name, placeholder in params)


def parse_params(text: str, provider: str, *, template: str) -> tuple[tuple[str, str], ...]:
    """The parameters typed in the dialog; a mistake is refused naming ``template``."""
    params: list[tuple[str, str]] = []
    text = re.sub(r"\s*=\s*", "=", text.replace("＝", "="))  # "name = 称呼" is one item
    for item in filter(None, _SEPARATORS.split(text.strip())):
        name, _sep, placeholder = item.rpartition("=")
        placeholder = placeholder.strip("{}")
        if placeholder not in PLACEHOLDERS:
            raise UserError(_("模板“{template}”的参数“{item}”不是可用的占位符（可用：{known}）。",
                              template=template, item=item, known="、".join(PLACEHOLDERS)),
                            field=TEMPLATES_FIELD)
        name = name.strip("{}$ ")
        if provider == TENCENT:
            if name not in ("", str(len(params) + 1)):
                raise UserError(_("模板“{template}”：腾讯云模板的参数按 {{1}}、{{2}}… 的顺序，"
                                  "只填占位符，例如“称呼, 时间”。", template=template),
                                field=TEMPLATES_FIELD)
            name = ""
        elif not _PARAM_NAME.match(name):
            raise UserError(_("模板“{template}”：阿里云模板的参数要写成“变量名=占位符”，"
                              "例如“name=称呼, time=时间”。", template=template),
                            field=TEMPLATES_FIELD)
        elif any(name == seen for seen, _placeholder in params):
            raise UserError(_("模板“{template}”的参数“{name}”写了两次。", template=template,
                              name=name), field=TEMPLATES_FIELD)
        params.append((name, placeholder))
    return tuple(params)


def check_template_id(template_id: str, provider: str, *, template: str) -> str:
    """Alibaba's ids look like SMS_154950909, Tencent's are numbers."""
    value = template_id.strip()
    if value and not (re.fullmatch(r"SMS_\d+", value) if provider == ALIYUN
                      else value.isdigit()):
        example = "SMS_154950909" if provider == ALIYUN else "1234567"
        raise UserError(_("模板“{template}”的{provider}模板编号“{value}”格式不对，"
                          "应类似 {example}。",
                          template=template, provider=provider_name(provider), value=value,
                          example=example), field=TEMPLATES_FIELD)
    return value


def _from_json(data: Any) -> dict[str, ProviderTemplate]:
    found: dict[str, ProviderTemplate] = {}
    for key, item in (data or {}).items():
        if isinstance(item, dict) and item.get("template_id"):
            params = tuple((str(name), str(placeholder))
                           for name, placeholder in item.get("params") or ())
            found[str(key)] = ProviderTemplate(str(item["template_id"]), params)
    return found


def templates_in(session: Session, provider: str) -> dict[str, ProviderTemplate]:
    """The mapping of ``provider`` (template key -> its registered template)."""
    data = read_setting(session, TEMPLATES_SETTING, {}) or {}
    return _from_json(data.get(provider))


def write_templates(session: Session, provider: str,
                    mapping: Mapping[str, ProviderTemplate]) -> None:
    """Replace ``provider``'s mapping; a template without an id is dropped (not mapped)."""
    data = dict(read_setting(session, TEMPLATES_SETTING, {}) or {})
    data[provider] = {key: {"template_id": item.template_id,
                            "params": [list(pair) for pair in item.params]}
                      for key, item in sorted(mapping.items()) if item.template_id}
    write_setting(session, TEMPLATES_SETTING, data)


def read_provider_templates(ctx: Context, provider: str) -> dict[str, ProviderTemplate]:
    """The clinic's templates as mapped to ``provider``'s (template ids are no secret)."""
    with ctx.transaction() as session:
        return templates_in(session, provider)


# -- what every provider send checks ----------------------------------------------------------
def check_endpoint(url: str, *, field: str = "sms_endpoint") -> tuple[str, str]:
    """An endpoint override as (scheme, host[:port]): https, or http only to this computer.
    For tests and private deployments; the SDKs take a host, so no path or query."""
    try:
        parts = urlsplit(url.strip())
        host, _port = parts.hostname or "", parts.port
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise UserError(_("服务商接口地址应以 https:// 开头并包含服务器名，"
                          "例如 https://sms.example.com:8443。"), field=field)
    if parts.username or parts.password or parts.query or parts.fragment \
            or parts.path not in ("", "/"):
        raise UserError(_("服务商接口地址只填服务器名和端口（例如 https://sms.example.com:8443），"
                          "不要带路径、参数或账号。"), field=field)
    if parts.scheme == "http" and not is_local_host(host):
        raise UserError(_("服务商接口地址 {url} 没有加密：短信内容会以明文经过网络。"
                          "请使用 https://（http:// 只允许本机的测试服务）。",
                          url=f"http://{parts.netloc}"), field=field)
    return parts.scheme, parts.netloc


def mainland_mobile(recipient: str, provider: str) -> str:
    """The 11-digit mainland mobile a provider can send to; anything else fails for good."""
    try:
        return normalize_mobile(recipient, field="recipient")
    except RuleError:
        raise Undeliverable(_("收件号码不是中国大陆 11 位手机号，"
                              "{provider}短信只能发到这样的号码。",
                              provider=provider_name(provider))) from None


def template_params(message: OutboxInfo, mapping: Mapping[str, ProviderTemplate],
                    names: Mapping[str, str], provider: str
                    ) -> tuple[ProviderTemplate, list[tuple[str, str]]]:
    """The registered template of ``message`` and its (parameter, value) pairs, or the plain
    reason it cannot be sent (no mapping, an empty value, a message from before providers)."""
    key = message.template_key or ""
    name = names.get(key) or key
    if not key or message.params_json is None:
        raise UserError(_("这条短信生成于接入短信服务商之前，没有模板参数：请重新生成这条消息，"
                          "或改用手动发送。"))
    template = mapping.get(key)
    if template is None or not template.template_id:
        raise UserError(_("模板“{name}”还没有对应的{provider}模板编号（设置 → 消息渠道）。",
                          name=name, provider=provider_name(provider)))
    values: dict[str, str] = json.loads(message.params_json)
    pairs = []
    for param, placeholder in template.params:
        value = str(values.get(placeholder) or "").strip()
        if not value:
            raise UserError(_("模板“{name}”的参数“{placeholder}”没有内容，短信没有发送。",
                              name=name, placeholder=placeholder))
        pairs.append((param, value))
    return template, pairs


def redact(text: str, *secrets: str) -> str:
    """``text`` with every secret (of a useful length) replaced by "…"."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "…")
    return text


# -- a provider's refusal in plain words --------------------------------------------------------
def _key_names(provider: str) -> tuple[str, str]:
    """What the provider's console calls the key's id and its secret."""
    return ("AccessKey ID", "AccessKey Secret") if provider == ALIYUN else ("SecretId",
                                                                             "SecretKey")


def refusal(kind: str, provider: str, *, sign: str = "", template_id: str = "", name: str = "",
            code: str = "", message: str = "") -> UserError:
    """The sentence for one kind of refusal (``kind`` is what each provider's codes map to).
    ``message`` is the provider's own words, shown only for a code we do not know."""
    who = provider_name(provider)
    key_id, secret = _key_names(provider)
    if kind == "signature":
        return UserError(_("短信签名“{sign}”不可用：请确认它已在{provider}审核通过，"
                           "并与设置中的签名一字不差（设置 → 消息渠道）。",
                           sign=sign, provider=who))
    if kind == "template":
        return UserError(_("{provider}模板 {template_id}（对应“{name}”）不可用："
                           "请确认模板已审核通过、属于这个账号，并且与签名匹配。", provider=who,
                           template_id=template_id, name=name))
    if kind == "params":
        return UserError(_("{provider}模板 {template_id}（对应“{name}”）的变量与设置的参数不一致："
                           "请检查“短信模板对应”里的参数（设置 → 消息渠道）。", provider=who,
                           template_id=template_id, name=name))
    if kind == "param_length":
        return UserError(_("“{name}”的某个参数超出了{provider}模板变量的长度限制"
                           "（例如项目名称太长）。", name=name, provider=who))
    if kind == "content":
        return UserError(_("{provider}认为这条短信含有不允许的内容，没有发送。", provider=who))
    if kind == "number":
        return Undeliverable(_("{provider}认为收件号码无效，这条短信不会重试。", provider=who))
    if kind == "blocked":
        return Undeliverable(_("这个号码已退订短信或在{provider}的黑名单中，这条短信不会重试。",
                               provider=who))
    if kind == "rate":
        return UserError(_("发送太频繁，被{provider}限流"
                           "（同一号码每分钟、每小时、每天的条数有上限），稍后会重试。",
                           provider=who))
    if kind == "balance":
        return UserError(_("{provider}短信的余额或套餐包不足，请先在{provider}控制台充值。",
                           provider=who))
    if kind == "account":
        return UserError(_("这个{provider}账号还没有开通短信服务或状态异常，"
                           "请登录{provider}短信控制台查看。", provider=who))
    if kind == "app":
        return UserError(_("腾讯云找不到这个 SmsSdkAppId，或它不属于这个账号（设置 → 消息渠道）。"))
    if kind == "secret":
        return UserError(_("{provider}拒绝了请求签名：{secret} 不正确（设置 → 消息渠道）。",
                           provider=who, secret=secret))
    if kind == "key_id":
        return UserError(_("{provider}找不到这个 {key_id}，或它已停用（设置 → 消息渠道）。",
                           provider=who, key_id=key_id))
    if kind == "clock":
        return UserError(_("{provider}认为请求的时间不对：请把这台电脑的时间调准后再试。",
                           provider=who))
    if kind == "permission":
        return UserError(_("这个 {key_id} 没有发短信的权限：请在{provider}的访问管理（RAM / CAM）"
                           "中给它授予短信服务的权限。", key_id=key_id, provider=who))
    shown = " ".join(message.split())[:200] or "—"
    return UserError(_("{provider}拒绝发送：{reason}（{code}）", provider=who, reason=shown,
                       code=code or "?"))
