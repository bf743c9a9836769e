"""Deterministic demo clinic: the same seed always gives the same clinic.

Each area adds its own module with a ``seed_<area>(ctx, rng, ...)`` function, called from
``seed.seed_demo`` in dependency order. This package itself stays light (the seeders pull in
pypinyin and the whole service layer): the GUI's ``--demo`` sign-in only needs the account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_desktop.demo.accounts import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME

if TYPE_CHECKING:
    from clinic_desktop.clock import Clock
    from clinic_desktop.demo.seed import DemoSummary
    from clinic_desktop.storage.database import Database

__all__ = ["DEMO_ADMIN_PASSWORD", "DEMO_ADMIN_USERNAME", "seed_demo"]


def seed_demo(db: Database, *, clock: Clock, seed: int = 7, patients: int = 3000) -> DemoSummary:
    """Set up an empty database as the demo clinic (see ``demo.seed``)."""
    from clinic_desktop.demo.seed import seed_demo as seed_clinic

    return seed_clinic(db, clock=clock, seed=seed, patients=patients)
