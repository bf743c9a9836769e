"""Storage: the engine factory, models, migrations and ``open_database``."""

from clinic_desktop.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
