"""The import wizard: file → header row → column mapping → dry run → import → summary.

One module per step and a small shell (``wizard.py``) that moves between them. Every step
that touches the file or the database runs on the worker through the operation runner; the
dialog shows a progress bar and stays responsive. Cancel during the import rolls the whole
batch back.
"""

from __future__ import annotations

from ui.dialogs.import_wizard.header_step import ABOVE_COLOUR, HEADER_COLOUR
from ui.dialogs.import_wizard.wizard import ImportWizard

__all__ = ["ABOVE_COLOUR", "HEADER_COLOUR", "ImportWizard"]
