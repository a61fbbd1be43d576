"""JSON of an uploaded file (a document, or a cell of the tabular package) read within limits.

`json.loads` takes more than the directory can keep: `\\u0000` (PostgreSQL text holds no NUL),
a lone surrogate like `\\ud800` (not a character: UTF-8 cannot encode it, so the database
driver fails on it), an integer of more digits than Python turns into a number. NUL is dropped,
as it is from CSV cells; a lone surrogate refuses the file naming where it is; the rest is
HSDSFormatError or BeyondLimits, never an exception the importer does not expect.
"""

from __future__ import annotations

import json
import re
from typing import Any

from services_directory.exchange.errors import BeyondLimits
from services_directory.exchange.hsds.errors import HSDSFormatError

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_PATH_CHARS = 200


def _deeper_than(document: Any, limit: int) -> bool:
    # Iterative: the document was made to break recursive code.
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _text(text: str, path: str) -> str:
    if _LONE_SURROGATE.search(text):
        where = path[:_PATH_CHARS] or "the top"
        raise HSDSFormatError(
            f"not valid JSON: a string at {where} holds a lone surrogate (a \\ud800-\\udfff"
            " escape without its pair), which is not a character"
        )
    return text.replace("\x00", "")


def _clean(value: Any, path: str) -> Any:
    # Recursive, but only once the depth is known to be within the limit.
    if isinstance(value, str):
        return _text(value, path)
    if isinstance(value, list):
        return [_clean(item, f"{path}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            name = _text(key, path)
            cleaned[name] = _clean(item, f"{path}.{name}" if path else name)
        return cleaned
    return value


def read_json(text: str, depth: int) -> Any:
    """Return the JSON value of `text`, no deeper than `depth`, its strings storable text.

    Raises HSDSFormatError (not JSON, or a lone surrogate) or BeyondLimits (too deep).
    """
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise BeyondLimits(f"JSON nested more than {depth} deep") from error
    # JSONDecodeError, and a ValueError of its own for an integer past 4300 digits.
    except ValueError as error:
        raise HSDSFormatError(f"not valid JSON: {error}") from error
    if isinstance(document, dict | list) and _deeper_than(document, depth):
        raise BeyondLimits(f"JSON nested more than {depth} deep")
    return _clean(document, "")
