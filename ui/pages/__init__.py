"""Clinic Desktop GUI (PySide6): calls clinic_desktop services, never a Session."""
