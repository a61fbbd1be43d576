"""CSV files coming in: read within the import's limits."""

from __future__ import annotations

import csv
import io

from services_directory.exchange.errors import unreadable
from services_directory.exchange.limits import ReadLimits, check_row


def read_csv(content: bytes, limits: ReadLimits) -> list[list[str]]:
    """Return the rows of UTF-8 CSV bytes, refusing what passes `limits`."""
    rows: list[list[str]] = []
    with unreadable("not a UTF-8 CSV file"):
        # NUL cannot be stored in PostgreSQL text and never means anything in a cell.
        text = content.decode("utf-8-sig").replace("\x00", "")
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            check_row(number, row, limits)
            rows.append(row)
    return rows
