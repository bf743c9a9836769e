"""Money as the desk types it: "1,200", "¥350.5", "80元"; refused with the field's name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from clinic_desktop.errors import UserError

CENTS = Decimal("0.01")


def parse_money(text: str, *, field: str, label: str, allow_empty: bool = True,
                allow_negative: bool = False) -> Decimal:
    """The amount in ``text`` (empty: 0 when allowed). ``label`` names the field in the
    refusal, e.g. "现金". A negative amount is refused unless the caller's service decides."""
    cleaned = "".join(text.split())
    for mark in (",", "，", "¥", "￥", "元"):
        cleaned = cleaned.replace(mark, "")
    if not cleaned and allow_empty:
        return Decimal(0).quantize(CENTS)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise UserError(QCoreApplication.translate("MoneyField", "{0}：“{1}”不是金额。")
                        .format(label, text.strip()), field=field) from exc
    if not amount.is_finite():
        raise UserError(QCoreApplication.translate("MoneyField", "{0}：“{1}”不是金额。")
                        .format(label, text.strip()), field=field)
    if amount < 0 and not allow_negative:
        raise UserError(QCoreApplication.translate("MoneyField", "{0}不能为负数。")
                        .format(label), field=field)
    return amount.quantize(CENTS)


class MoneyEdit(QLineEdit):
    """A right-aligned amount field showing "0.00" when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("0.00")
        self.setMaxLength(16)
        self.setMinimumWidth(96)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def set_amount(self, amount: Decimal) -> None:
        self.setText("" if amount == 0 else f"{amount:.2f}")
