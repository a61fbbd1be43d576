"""An uploaded file read into parsed rows: its kind told apart, within limits, off the loop.

Reading is CPU work on untrusted bytes. It runs in one thread of its own, so the event loop
that also serves the webhooks, the worker and the sender keeps answering, and one upload at
a time is read, so the memory it may take (bounded by the limits) is taken once, not once
per concurrent upload. A thread, not a process: the limits bound the work, the rows come back
without pickling, and nothing else has to be started and watched.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.exchange import hsds
from services_directory.exchange.errors import BeyondLimits, unreadable
from services_directory.exchange.limits import DEFAULT_LIMITS, Budget, ReadLimits
from services_directory.exchange.spreadsheet import ParsedRow, parse_row, read_table

_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dalil-import")
T = TypeVar("T")


def file_kind(content: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """Tell an HSDS JSON document, an HSDS tabular package and a spreadsheet apart."""
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "hsds-json"
    if content[:2] == b"PK":
        with unreadable("not a readable zip file"), zipfile.ZipFile(io.BytesIO(content)) as zip_:
            names = {info.filename.rsplit("/", 1)[-1] for info in Budget(limits).members(zip_)}
        return "hsds-tabular" if "service.csv" in names else "spreadsheet"
    return "spreadsheet"


def _json_services(content: bytes, limits: ReadLimits) -> list[Any]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise hsds.HSDSFormatError(f"not valid JSON: {error}") from error
    return hsds.services_in(hsds.read_json(text, limits.depth))


def parse_file(
    content: bytes,
    *,
    cities: list[City],
    terms: dict[str, tuple[str, str | None]],
    default_category: Category | None = None,
    locale: str = "en",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> list[ParsedRow]:
    """Read a spreadsheet (CSV/XLSX) or HSDS (JSON, tabular zip) into rows for the importer.

    Raises UnreadableFile (HSDSFormatError, BeyondLimits) when the file is none of those or
    passes a limit.
    """
    kind = file_kind(content, limits)
    if kind == "spreadsheet":
        rows = read_table(content, limits)
        return [parse_row(number, cells) for number, cells in enumerate(rows, start=2)]
    if kind == "hsds-json":
        services = _json_services(content, limits)
    else:
        services = hsds.read_tabular_package(content, limits)
    if len(services) > limits.services:
        raise BeyondLimits(f"more than {limits.services} services")
    return hsds.parse_services(
        services, cities=cities, terms=terms, default_category=default_category, locale=locale
    )


async def in_reader_thread(job: Callable[[], T]) -> T:
    """Run `job` (a `parse_file` with its arguments) in the import thread; the loop waits."""
    return await asyncio.get_running_loop().run_in_executor(_READER, job)
