"""The `dalil` command on the embedded default (a SQLite file), as a newcomer runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.settings import PROJECT_ROOT


def _dalil(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DALIL_PROFILE": "demo",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dalil.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "dalil.cli", *args],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_load_account_export_import_on_sqlite(tmp_path: Path) -> None:
    upgraded = _dalil(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "taxonomy terms" in upgraded.stdout
    loaded = _dalil(tmp_path, "directory", "load-sample")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.count("Loaded") == len(
        list((PROJECT_ROOT / "services_directory" / "sample").glob("*.yaml"))
    )

    created = _dalil(tmp_path, "accounts", "create", "--role", "city_admin", "--name", "City team")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("dalil_")
    refused = _dalil(tmp_path, "accounts", "create", "--role", "association", "--name", "x")
    assert refused.returncode != 0 and "organization_id" in refused.stderr

    sheet = tmp_path / "tangier.csv"
    exported = _dalil(
        tmp_path, "directory", "export", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert exported.returncode == 0, exported.stderr
    imported = _dalil(
        tmp_path, "directory", "import", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert imported.returncode == 0, imported.stderr
    assert "Created 0, updated 0" in imported.stdout

    broken = sheet.read_text(encoding="utf-8-sig").replace(",health,", ",healthh,", 1)
    sheet.write_text(broken, encoding="utf-8")
    failed = _dalil(
        tmp_path, "directory", "import", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert failed.returncode != 0
    assert "column category" in failed.stderr and "nothing was imported" in failed.stderr

    example = PROJECT_ROOT / "tests" / "services_directory" / "fixtures" / "hsds_example.json"
    hsds_imported = _dalil(tmp_path, "directory", "import", str(example))
    assert hsds_imported.returncode == 0, hsds_imported.stderr
    assert "Created 2, updated 0" in hsds_imported.stdout
    for suffix in ("json", "zip"):
        package = tmp_path / f"directory.{suffix}"
        done = _dalil(tmp_path, "directory", "export", str(package))
        assert done.returncode == 0, done.stderr
        again = _dalil(tmp_path, "directory", "import", str(package))
        assert again.returncode == 0, again.stderr
        assert "Created 0, updated 0" in again.stdout
    not_json = tmp_path / "broken.json"
    not_json.write_text("{ not json")
    unreadable = _dalil(tmp_path, "directory", "import", str(not_json))
    assert unreadable.returncode != 0 and "not valid JSON" in unreadable.stderr


def test_db_check_compares_models_and_migrations_without_touching_the_database(
    tmp_path: Path,
) -> None:
    checked = _dalil(tmp_path, "db", "check")
    assert checked.returncode == 0, checked.stderr
    assert "Models and migrations agree." in checked.stdout
    assert not (tmp_path / "dalil.db").exists()


def test_invitations_and_demo_accounts_for_the_portal(tmp_path: Path) -> None:
    assert _dalil(tmp_path, "db", "upgrade").returncode == 0
    assert _dalil(tmp_path, "directory", "load-sample").returncode == 0

    invited = _dalil(
        tmp_path, "accounts", "invite", "--login", "Fatima@Example.org", "--role", "association",
        "--name", "Amal volunteers", "--organization", "tng-sample-org-1",
    )  # fmt: skip
    assert invited.returncode == 0, invited.stderr
    assert "login fatima@example.org" in invited.stdout and "48 hours" in invited.stdout
    link = invited.stdout.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/portal/invitation/") and len(link) > 80
    taken = _dalil(
        tmp_path, "accounts", "invite", "--login", "fatima@example.org", "--role", "city_admin",
        "--name", "Someone else",
    )  # fmt: skip
    assert taken.returncode != 0 and "belongs to another account" in taken.stderr

    first = _dalil(tmp_path, "accounts", "demo")
    assert first.returncode == 0, first.stderr
    assert "city@demo.dalil.local" in first.stdout and "amal@demo.dalil.local" in first.stdout
    again = _dalil(tmp_path, "accounts", "demo")
    assert again.returncode == 0 and again.stdout == first.stdout
