"""The interface catalogs: fill the English one from its msgids, and check all of them.

    python scripts/catalogs.py fill-source bot/locales en
    python scripts/catalogs.py check bot/locales ar fr en es it pt de fa uk tr

`check` fails (exit 1, one line per problem) unless every message of every catalog is
translated in every plural form of its language, none is fuzzy, and each translation
uses exactly the placeholders of its msgid: what `pybabel compile` would skip or what
`str.format` would fail on.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


# The bot's dialogue, and the staff's portal pages.
DOMAINS = ("messages", "portal")


def _path(locales: Path, language: str, domain: str) -> Path:
    return locales / language / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def fill_source(locales: Path, language: str) -> None:
    """Give every untranslated message of the source catalogs their msgid as translation."""
    for domain in DOMAINS:
        _fill(_path(locales, language, domain), language)


def _fill(path: Path, language: str) -> None:
    catalog = _read(path, language)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string or ()):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with path.open("wb") as file:
        write_po(file, catalog, ignore_obsolete=True, width=76)


def _problems(message: Message, plurals: int) -> list[str]:
    ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
    raw = message.string if isinstance(message.string, tuple) else (message.string,)
    strings = [str(s or "") for s in raw]
    expected = {name for text in ids for name in _PLACEHOLDER.findall(text)}
    problems = []
    if message.fuzzy:
        problems.append("fuzzy")
    if isinstance(message.id, tuple) and len(strings) != plurals:
        problems.append(f"{len(strings)} plural forms, the language has {plurals}")
    if not all(strings):
        problems.append("untranslated")
    for text in strings:
        # Plural forms may leave {count} out ("one service"); nothing else may differ.
        used = set(_PLACEHOLDER.findall(text))
        if used - expected or (expected - used) - {"count"}:
            problems.append(f"placeholders {sorted(used)} instead of {sorted(expected)}")
            break
    return problems


def check(locales: Path, languages: list[str]) -> list[str]:
    """Return one line per problem in the catalogs of `languages`."""
    lines = []
    for language, domain in ((lang, domain) for lang in languages for domain in DOMAINS):
        path = _path(locales, language, domain)
        if not path.exists():
            lines.append(f"{path}: missing")
            continue
        catalog = _read(path, language)
        for message in catalog:
            if message.id:
                for problem in _problems(message, catalog.num_plurals):
                    first = message.id[0] if isinstance(message.id, tuple) else message.id
                    lines.append(f"{path}: {problem}: {str(first)[:60]!r}")
    return lines


def main(argv: list[str]) -> int:
    """Run one command; return the exit status."""
    if len(argv) >= 3 and argv[0] == "fill-source":
        fill_source(Path(argv[1]), argv[2])
        return 0
    if len(argv) >= 3 and argv[0] == "check":
        problems = check(Path(argv[1]), argv[2:])
        sys.stderr.writelines(f"{line}\n" for line in problems)
        return 1 if problems else 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
