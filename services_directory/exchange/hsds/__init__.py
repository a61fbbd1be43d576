"""HSDS 3.0: services as nested JSON, and the tabular package (one CSV per table, zipped).

Three parts, one a module: `export` writes the HSDS service shape (organization,
service_at_locations with location and addresses, phones, schedules, languages, cost_options,
contacts, service_areas, attributes with taxonomy terms); `mapping` reads any HSDS service back
onto the fields the spreadsheet edits; `tabular` flattens nested services into CSV tables and
nests them again. Callers use the names below.
"""

from __future__ import annotations

from services_directory.exchange.hsds.errors import HSDSFormatError
from services_directory.exchange.hsds.export import service_document
from services_directory.exchange.hsds.jsontext import read_json
from services_directory.exchange.hsds.mapping import parse_services, services_in
from services_directory.exchange.hsds.tabular import (
    HSDS_VERSION,
    read_tabular_package,
    tabular_package,
)

__all__ = [
    "HSDS_VERSION",
    "HSDSFormatError",
    "parse_services",
    "read_json",
    "read_tabular_package",
    "service_document",
    "services_in",
    "tabular_package",
]
