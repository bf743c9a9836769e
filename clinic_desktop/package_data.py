"""Where the shipped data folders are: migrations (``db/``) and ``resources/``.

Installed (regular or editable), they are the packages ``clinic_desktop.migrations`` and
``clinic_desktop.resources`` (setuptools ``package-dir``). In the PyInstaller bundle they are
plain folders beside the frozen code, so importlib cannot import them: use the folder.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def _frozen_root() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "clinic_desktop" if getattr(sys, "frozen", False) and base else None


def migrations_dir() -> Traversable:
    root = _frozen_root()
    return root / "migrations" if root else resources.files("clinic_desktop.migrations")


def resource(relative: str) -> Traversable:
    root = _frozen_root()
    base = root / "resources" if root else resources.files("clinic_desktop.resources")
    return base.joinpath(relative)
