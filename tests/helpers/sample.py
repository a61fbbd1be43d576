"""What the sample directory holds."""

from __future__ import annotations

MCCM_CITIES = ("tangier", "tunis", "amman", "beirut", "lisbon", "madrid", "turin", "lyon", "vienna")
