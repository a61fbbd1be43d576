"""Hostile uploads, made small at test time: each is what finding 1 or 7 of issue 13 sent."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile

from openpyxl import Workbook

_MIB = 1024 * 1024


def workbook_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(
    content: bytes, name: str, edit: bytes | None = None, replace: tuple[str, bytes] = ("", b"")
) -> bytes:
    """Return the zip with member `name` replaced by `edit`, or a pattern in it substituted."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = edit if edit is not None else re.sub(replace[0].encode(), replace[1], data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def xlsx_declaring_every_cell() -> bytes:
    """A 5 KB workbook declaring `A1:XFD1048576`, with a cell in its last row.

    openpyxl pads every row to the declared width, and fills the rows missing before the
    last one: a million rows of 16,384 cells.
    """
    content = workbook_bytes([["id", "name"], ["", "Clinic"]])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    last = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = re.sub(rb"<dimension [^>]*>", b'<dimension ref="A1:XFD1048576"/>', sheet)
    sheet = sheet.replace(b"</sheetData>", last + b"</sheetData>")
    return _rewrite(content, "xl/worksheets/sheet1.xml", edit=sheet)


def xlsx_with_entities() -> bytes:
    """A workbook whose sheet expands an entity a million times (billion laughs)."""
    content = workbook_bytes([["name"], ["x"]])
    lol = (
        b'<!ENTITY a "'
        + b"x" * 1000
        + b'">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (n, (b"&" + p + b";") * 32)
            for p, n in ((b"a", b"b"), (b"b", b"c"), (b"c", b"d"))
        )
    )
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    sheet = b"<!DOCTYPE worksheet [" + lol + b"]>" + sheet.replace(b"<t>x</t>", b"<t>&d;</t>")
    return _rewrite(content, "xl/worksheets/sheet1.xml", edit=sheet)


def xlsx_with_wide_rows(cells: int = 100_000) -> bytes:
    """A workbook whose second row holds `cells` empty cells (openpyxl keeps them all)."""
    content = workbook_bytes([["name"], ["x"]])
    row = b'<row r="2">' + b"<c/>" * cells + b"</row>"
    return _rewrite(content, "xl/worksheets/sheet1.xml", replace=(r'<row r="2".*?</row>', row))


def zip_of_blank_lines(member: str = "service.csv", unpacked: int = 512 * _MIB) -> bytes:
    """An HSDS package whose service table unpacks to `unpacked` bytes of newlines."""
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with archive, archive.open(member, "w", force_zip64=True) as out:
        out.write(b"id,name\n")
        block = b"\n" * _MIB
        for _ in range(unpacked // _MIB):
            out.write(block)
    return buffer.getvalue()


def zip_that_understates(member: str = "service.csv", unpacked: int = 64 * _MIB) -> bytes:
    """A package whose directory says its member is 100 bytes; it unpacks to `unpacked`."""
    content = zip_of_blank_lines(member, unpacked)
    real = unpacked + len(b"id,name\n")
    # The local header's zip64 field and the central directory carry the size: say 100.
    content = content.replace(struct.pack("<Q", real), struct.pack("<Q", 100))
    return content.replace(struct.pack("<I", real), struct.pack("<I", 100))


def csv_of_junk(size: int = 900_000) -> bytes:
    """A spreadsheet of `size` bytes of one-cell rows (every one an error, before)."""
    return b"id,name\n" + b"x\n" * ((size - 8) // 2)


def csv_of_bad_rows(rows: int = 4_000) -> bytes:
    """A spreadsheet of rows that each have several problems."""
    return b"id,name,category,hours\n" + b",,nope,always\n" * rows


def csv_with_long_field(chars: int = 200_000) -> bytes:
    """A spreadsheet with one field past the csv module's own 128 KiB limit."""
    return b"id,name\n," + b"x" * chars + b"\n"


def json_nested(depth: int = 2_000) -> bytes:
    """An HSDS-looking JSON document nested `depth` deep."""
    return b'{"contents": [' + b"[" * depth + b"]" * depth + b"]}"


def tabular_with_version(version: str = "inf") -> bytes:
    """An HSDS package whose one service has `dalil_version` = `version`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("service.csv", f"id,name,dalil_version\ns-1,Clinic,{version}\n")
        archive.writestr("datapackage.json", json.dumps({"resources": []}))
    return buffer.getvalue()
