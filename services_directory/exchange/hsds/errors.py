"""The error of a file that is not HSDS at all, whichever of its two forms it came in."""

from __future__ import annotations


class HSDSFormatError(ValueError):
    """The document is not HSDS services at all (not a problem of one service)."""
