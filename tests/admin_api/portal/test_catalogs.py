"""The portal's catalog: every string translated in every language, placeholders intact."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from admin_api.portal.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, is_rtl, translations

_PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("locale", [code for code in LANGUAGES if code != "en"])
def test_every_portal_string_is_translated_and_none_is_fuzzy(locale: str) -> None:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert len(messages) > 100
    assert [m.id for m in messages if not m.string] == []
    assert [m.id for m in messages if m.fuzzy] == []
    for message in messages:
        assert sorted(_PLACEHOLDER.findall(str(message.id))) == sorted(
            _PLACEHOLDER.findall(str(message.string))
        ), message.id


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_compiled_portal_catalogs_are_loaded(locale: str) -> None:
    assert translations(locale).gettext("Sign in") != "Sign in" or locale == "en", (
        "run `make catalogs`: the .mo files are build outputs"
    )


def test_arabic_and_persian_are_right_to_left() -> None:
    assert [code for code in LANGUAGES if is_rtl(code)] == ["ar", "fa"]
