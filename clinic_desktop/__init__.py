"""Clinic Desktop core: storage, rules, services, importing, scheduler and CLI (no Qt here)."""

__version__ = "0.1.0"
