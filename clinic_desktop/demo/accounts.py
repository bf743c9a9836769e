"""The demo clinic's sign-in, kept apart so the GUI can sign in without loading the seeders."""

from __future__ import annotations

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "demo1234"
DEMO_STAFF_PASSWORD = "demo1234"
