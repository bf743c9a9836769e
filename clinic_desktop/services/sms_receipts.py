"""Delivery receipts: did the SMS a provider accepted reach the phone?

Alibaba Cloud (QuerySendDetails) and Tencent Cloud (PullSmsSendStatusByPhoneNumber) keep a
report per message, fetched here on request (the messages page's button), not by the
scheduler: it talks to the internet, which a scan every minute should not. The network calls
run outside any transaction; the answers are then written in one, each only to a message
still waiting (``delivery == "unknown"``), so two workstations pulling at once agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sqlalchemy import select, update

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.sms_providers import DeliveryReport, provider_name
from clinic_desktop.storage.models.messaging import OutboxMessage

if TYPE_CHECKING:
    from clinic_desktop.services.messages import OutboxInfo

DEFAULT_DAYS = 3
MAX_DAYS = 7  # Tencent's receipts go back a week; Alibaba's a month


@runtime_checkable
class ReceiptSource(Protocol):
    provider: str

    def receipts(self, sent: Sequence[OutboxInfo]) -> list[DeliveryReport]:
        """The reports the provider has for ``sent`` (those still waiting are left out)."""


@dataclass(frozen=True)
class ReceiptSummary:
    waiting_before: int  # messages that were waiting for a receipt
    delivered: int
    failed: int

    @property
    def waiting(self) -> int:
        return self.waiting_before - self.delivered - self.failed


def pull_receipts(ctx: Context, *, days: int = DEFAULT_DAYS) -> ReceiptSummary:
    """Fetch the receipts of the SMS sent through the current provider in the last ``days``
    that still wait for one, and record delivered / failed (with the reason) on each."""
    ctx.require(Permission.MESSAGES_SEND)
    from clinic_desktop.services.messages import _info, read_channels, sender_for

    provider = read_channels(ctx).sms_provider
    since = ctx.now() - timedelta(days=min(max(days, 1), MAX_DAYS))
    with ctx.transaction() as session:
        # As the sender got them (unmasked): the number goes to the provider, not to a screen.
        waiting = [_info(row) for row in session.execute(select(OutboxMessage).where(
            OutboxMessage.delivery == "unknown", OutboxMessage.sent_at >= since,
            OutboxMessage.provider == provider, OutboxMessage.provider_id.is_not(None))
            .order_by(OutboxMessage.id)).scalars()]
    if not waiting:
        return ReceiptSummary(0, 0, 0)
    source = sender_for(ctx, "sms")
    if not isinstance(source, ReceiptSource) or source.provider != provider:
        raise UserError(_("{provider}不提供送达回执。", provider=provider_name(provider)))
    receipts = source.receipts(waiting)
    delivered = failed = 0
    with ctx.transaction(write=True) as session:
        for receipt in receipts:
            changed = session.execute(update(OutboxMessage).where(
                OutboxMessage.provider == provider,
                OutboxMessage.provider_id == receipt.provider_id,
                OutboxMessage.delivery == "unknown").values(
                delivery="delivered" if receipt.delivered else "failed",
                delivered_at=receipt.at,
                delivery_error=None if receipt.delivered else receipt.error[:500]))
            count = int(changed.rowcount or 0)  # type: ignore[attr-defined]
            if receipt.delivered:
                delivered += count
            else:
                failed += count
    return ReceiptSummary(len(waiting), delivered, failed)
