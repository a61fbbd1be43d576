"""The error of a file that is not HSDS at all, whichever of its two forms it came in."""

from __future__ import annotations

from services_directory.exchange.errors import UnreadableFile


class HSDSFormatError(UnreadableFile):
    """The document is not HSDS services at all (not a problem of one service)."""
