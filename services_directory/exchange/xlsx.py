"""Reading the first sheet of an XLSX workbook within limits.

openpyxl trusts the file: it pads rows to the declared `<dimension>`, keeps every shared
string, builds whole trees of styles and of a sheet's merged cells, and lets expat expand
entities. So every part is first streamed through expat with handlers of our own that count
what openpyxl would build (rows, cells of a row, shared strings, other elements, text sizes)
and refuse DTDs, building nothing; only then does openpyxl read the sheet, with its declared
dimensions dropped. Building nothing matters beyond memory: a pass that made an object per
element would set off full garbage collections, which stop the event loop's thread too.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl import load_workbook

from services_directory.exchange.errors import BeyondLimits, UnreadableFile, unreadable
from services_directory.exchange.limits import Budget, ReadLimits, check_row

# Elements openpyxl builds whole trees of (styles, merged cells, validations...): a real
# workbook has hundreds; millions would take gigabytes.
_OTHER_ELEMENTS = 20_000
_ATTRIBUTES = 64
_DEPTH = 32
_STRINGS = 200_000
_STREAMED = ("sheetData", "sst")
_XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(slots=True)
class _Census:
    """What one part holds, counted as expat streams it past."""

    name: str
    limits: ReadLimits
    tags: list[str] = field(default_factory=list)
    text: int = 0
    rows: int = 0
    cells: int = 0
    strings: int = 0
    others: int = 0
    # Inside sheetData or sst: what openpyxl streams row by row, string by string.
    streamed: int = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition("}")[2]
        self.tags.append(tag)
        self.text = 0
        if len(self.tags) > _DEPTH or len(attributes) > _ATTRIBUTES:
            raise BeyondLimits(f"{self.name} is nested or attributed beyond reason")
        if tag in _STREAMED:
            self.streamed += 1
        elif tag == "row":
            self.rows, self.cells = self.rows + 1, 0
            if self.rows > self.limits.rows:
                raise BeyondLimits(f"more than {self.limits.rows} rows")
        elif tag == "c":
            self.cells += 1
            if self.cells > self.limits.columns:
                raise BeyondLimits(f"row {self.rows} has more than {self.limits.columns} cells")
        elif tag == "si":
            self.strings += 1
            if self.strings > _STRINGS:
                raise BeyondLimits(f"more than {_STRINGS} shared strings")
        elif not self.streamed:
            self.others += 1
            if self.others > _OTHER_ELEMENTS:
                raise BeyondLimits(f"{self.name} has more than {_OTHER_ELEMENTS} elements")

    def end(self, _name: str) -> None:
        if self.tags.pop() in _STREAMED:
            self.streamed -= 1
        self.text = 0

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > self.limits.cell_chars:
            raise BeyondLimits(f"a cell is over {self.limits.cell_chars} characters")

    def doctype(self, *_args: object) -> None:
        # Entities (and so their expansion) need a DTD; no workbook has one.
        raise UnreadableFile(f"{self.name} declares a DTD, which no workbook needs")


def _survey(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> None:
    census = _Census(info.filename, budget.limits)
    parser: expat.XMLParserType | None = None
    for number, chunk in enumerate(budget.chunks(archive, info)):
        # Not XML (an image, printer settings): counted against the budget, not parsed.
        if number == 0 and chunk.lstrip(b" \t\r\n").startswith(_XML_STARTS):
            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = census.start
            parser.EndElementHandler = census.end
            parser.CharacterDataHandler = census.characters
            parser.StartDoctypeDeclHandler = census.doctype
        if parser is not None:
            parser.Parse(chunk, False)


def read_rows(content: bytes, limits: ReadLimits) -> list[list[str]]:
    """Return the cells of the workbook's first sheet as text, refusing what passes `limits`."""
    with unreadable("not a readable XLSX file"), zipfile.ZipFile(io.BytesIO(content)) as archive:
        budget = Budget(limits)
        try:
            for info in budget.members(archive):
                _survey(archive, info, budget)
        except expat.ExpatError as error:
            raise UnreadableFile(f"not a readable XLSX file: {error}") from error
    rows: list[list[str]] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared <dimension> is the sender's word, and openpyxl pads every row to it.
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                # A styled empty cell far to the right widens its row: only values count.
                beyond = len(row) - limits.columns
                if beyond > 0 and row[limits.columns :].count(None) < beyond:
                    raise BeyondLimits(f"row {number} has cells past column {limits.columns}")
                cells = ["" if value is None else str(value) for value in row[: limits.columns]]
                while cells and not cells[-1]:
                    cells.pop()
                check_row(number, cells, limits)
                rows.append(cells)
        finally:
            workbook.close()
    except UnreadableFile:
        raise
    # openpyxl raises whatever its parts' code meets on malformed input; all of it means the
    # same to the sender: this is not a workbook we can read.
    except Exception as error:
        raise UnreadableFile(f"not a readable XLSX file: {type(error).__name__}") from error
    return rows
