"""The catalogs check that `make test` runs: it passes on ours and fails on a broken one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.i18n import LOCALES_DIR, SUPPORTED_LOCALES

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "catalogs.py"


def _check(locales: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "check", str(locales), *SUPPORTED_LOCALES],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_every_catalog_is_complete_with_its_plural_forms() -> None:
    result = _check(LOCALES_DIR)
    assert result.returncode == 0, result.stderr
    arabic = (LOCALES_DIR / "ar" / "LC_MESSAGES" / "messages.po").read_text()
    assert 'msgid_plural "{count} services"' in arabic
    assert "msgstr[5]" in arabic


def _broken(tmp_path: Path, old: str, new: str) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy, ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    po = copy / "uk" / "LC_MESSAGES" / "messages.po"
    text = po.read_text()
    assert old in text
    po.write_text(text.replace(old, new, 1))
    return _check(copy)


def test_a_fuzzy_entry_fails_the_check(tmp_path: Path) -> None:
    result = _broken(tmp_path, 'msgid "{count} day"', '#, fuzzy\nmsgid "{count} day"')
    assert result.returncode == 1
    assert "fuzzy" in result.stderr


def test_a_missing_plural_form_fails_the_check(tmp_path: Path) -> None:
    result = _broken(tmp_path, 'msgstr[2] "{count} днів"', 'msgstr[2] ""')
    assert result.returncode == 1
    assert "untranslated" in result.stderr


def test_a_wrong_placeholder_fails_the_check(tmp_path: Path) -> None:
    result = _broken(tmp_path, "до {time}", "до {час}")
    assert result.returncode == 1
    assert "placeholders" in result.stderr
