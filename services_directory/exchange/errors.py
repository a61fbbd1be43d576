"""The errors of reading an uploaded file: unreadable, or beyond what an import reads."""

from __future__ import annotations

import contextlib
import csv
import zipfile
import zlib
from collections.abc import Iterator

from core.errors import DalilError


class UnreadableFile(DalilError, ValueError):
    """The file is none of the formats an import reads, or is broken (422)."""

    status_code = 422
    code = "invalid"


class BeyondLimits(UnreadableFile):
    """The file is larger than an import reads: rows, columns, a cell, unpacked bytes..."""


# What the standard library's readers raise on bytes that are not what they claim to be:
# a corrupt deflate stream (zlib.error), an encrypted or exotic zip member (RuntimeError,
# NotImplementedError), a CSV field past the csv module's own limit (csv.Error), nesting
# past the interpreter's (RecursionError), a number like 1e999 made an int (OverflowError).
BROKEN = (
    ValueError, KeyError, IndexError, TypeError, OSError, EOFError, RuntimeError,
    zipfile.BadZipFile, zlib.error, csv.Error, OverflowError,
)  # fmt: skip


@contextlib.contextmanager
def unreadable(what: str) -> Iterator[None]:
    """Turn a reader's failure on untrusted bytes into UnreadableFile naming `what`."""
    try:
        yield
    except UnreadableFile:
        raise
    except BROKEN as error:
        raise UnreadableFile(f"{what}: {type(error).__name__}: {_short(error)}") from error


def _short(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "…"
