"""E-mail addresses as people type them: trimmed, full-width characters made half-width (an
IME gives ``zhang＠qq。com``), the domain lower-cased; refused with the reason when it cannot be
an address a mail server would take."""

from __future__ import annotations

import re

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.text import normalize_text

MAX_LENGTH = 254  # RFC 5321's limit on a path, the longest address a server relays
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")


def normalize_email(raw: str, *, field: str = "email") -> str:
    """``Zhang.San＠QQ。com`` → ``Zhang.San@qq.com``; an empty value stays empty."""
    text = normalize_text(raw).replace("。", ".")
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    if not text:
        return ""
    if " " in text:
        raise RuleError(field, _("邮箱地址“{value}”中不能有空格。", value=text))
    if len(text) > MAX_LENGTH:
        raise RuleError(field, _("邮箱地址太长（最多 {n} 个字符）。", n=MAX_LENGTH))
    local, at, domain = text.rpartition("@")
    if not at or not local:
        raise RuleError(field, _("“{value}”不是邮箱地址：缺少“@”前面的部分或“@”。",
                                 value=text))
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) \
            or labels[-1].isdigit():
        raise RuleError(field, _("邮箱地址“{value}”的域名“{domain}”不完整（例如 qq.com）。",
                                 value=text, domain=domain or "—"))
    if not _LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") \
            or ".." in local:
        raise RuleError(field, _("邮箱地址“{value}”的“@”前面含有无效字符。", value=text))
    return f"{local}@{domain}"
