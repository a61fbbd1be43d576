"""Cells in CSV files, going out and coming back.

Going out, a cell that a spreadsheet would run as a formula (`=HYPERLINK(...)` in a service's
name leaks the sheet to whoever wrote it) gets a leading apostrophe, which spreadsheets show
as text; coming back, that apostrophe is taken off again, so a round trip changes nothing.
A cell that already starts with apostrophes before such a character gets one more, for the
same reason. Coming back, CSV is also read within the import's limits.
"""

from __future__ import annotations

import csv
import io

from services_directory.exchange.errors import unreadable
from services_directory.exchange.limits import ReadLimits, check_row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _quoted(text: str) -> bool:
    return text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """Return `text` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS or _quoted(text) else text


def restore(text: str) -> str:
    """Return the text `neutralise` was given."""
    return text[1:] if _quoted(text) else text


def read_csv(content: bytes, limits: ReadLimits) -> list[list[str]]:
    """Return the rows of UTF-8 CSV bytes, cells restored, refusing what passes `limits`."""
    rows: list[list[str]] = []
    with unreadable("not a UTF-8 CSV file"):
        # NUL cannot be stored in PostgreSQL text and never means anything in a cell.
        text = content.decode("utf-8-sig").replace("\x00", "")
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            check_row(number, row, limits)
            rows.append([restore(cell) for cell in row])
    return rows
