"""How much of an uploaded file an import reads, and reading within it.

An upload is hostile until read: a few kilobytes of XLSX can declare a million rows, a zip of
a megabyte can unpack to a gigabyte. Every reader takes its sizes from here and stops, with
BeyondLimits, at the first one passed, having held no more than the limit in memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from services_directory.exchange.errors import BeyondLimits

# At most this many problems are reported; the report counts the rest.
MAX_REPORTED_ERRORS = 100
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The most an import reads; the defaults hold a city's whole directory with room to spare."""

    # Unpacked bytes of all members of a zip (XLSX or HSDS package) together.
    unpacked_bytes: int = 16 * 1024 * 1024
    members: int = 256
    # Rows of each CSV table of an HSDS package (blank rows count: skipping them costs too).
    rows: int = 50_000
    columns: int = 200
    # Excel's own limit for one cell.
    cell_chars: int = 32_767
    # Nesting of an HSDS JSON document (a page of services is about 8 deep).
    depth: int = 32
    # Services in one file: rows of a spreadsheet, objects of an HSDS document.
    services: int = 5_000


DEFAULT_LIMITS = ReadLimits()


class Budget:
    """Unpacked bytes left to read from one zip, counted as they come, not as declared."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.left = limits.unpacked_bytes

    def members(self, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        """Return the archive's members, refusing archives with more than the limit."""
        infos = archive.infolist()
        if len(infos) > self.limits.members:
            raise BeyondLimits(f"the zip holds more than {self.limits.members} files")
        return infos

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """Yield one member's unpacked bytes in chunks, until the budget runs out."""
        # The sizes in the zip's directory are the sender's word; the counted bytes are not.
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                self.left -= len(chunk)
                if self.left < 0:
                    raise BeyondLimits(
                        f"the zip unpacks to more than {self.limits.unpacked_bytes} bytes"
                    )
                yield chunk

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """Return one member's unpacked bytes within the budget."""
        return b"".join(self.chunks(archive, info))


def check_row(number: int, row: list[str], limits: ReadLimits) -> None:
    """Refuse a row past the row limit, with too many columns, or with an oversized cell."""
    if number > limits.rows:
        raise BeyondLimits(f"more than {limits.rows} rows")
    if len(row) > limits.columns:
        raise BeyondLimits(f"row {number} has more than {limits.columns} columns")
    for cell in row:
        if len(cell) > limits.cell_chars:
            raise BeyondLimits(f"row {number} has a cell over {limits.cell_chars} characters")
