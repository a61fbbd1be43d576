"""The test process's peak memory over a stretch of a test (Linux /proc)."""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")


def _kib(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in {_STATUS}")


class PeakRSS:
    """Growth of the resident set from now to its highest point since, in MiB."""

    def __init__(self) -> None:
        # Writing 5 to clear_refs sets the peak (VmHWM) back to the current RSS.
        Path("/proc/self/clear_refs").write_text("5")
        self.start = _kib("VmRSS")

    def growth_mib(self) -> float:
        """Return how far above the start the resident set has been at its highest."""
        return (_kib("VmHWM") - self.start) / 1024
