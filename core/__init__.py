"""Shared foundations: settings, database, Redis, the anonymous usage event."""
