"""The `dalil` command on the embedded default (a SQLite file), as a newcomer runs it."""

from __future__ import annotations

from pathlib import Path

from core.settings import PROJECT_ROOT
from tests.helpers.cli import run_dalil


def test_migrate_load_account_export_import_on_sqlite(tmp_path: Path) -> None:
    upgraded = run_dalil(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "taxonomy terms" in upgraded.stdout
    loaded = run_dalil(tmp_path, "directory", "load-sample")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.count("Loaded") == len(
        list((PROJECT_ROOT / "services_directory" / "sample").glob("*.yaml"))
    )

    created = run_dalil(
        tmp_path, "accounts", "create", "--role", "city_admin", "--name", "City team"
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("dalil_")
    refused = run_dalil(tmp_path, "accounts", "create", "--role", "association", "--name", "x")
    assert refused.returncode != 0
    # One line saying what is wrong, not a traceback.
    assert refused.stderr.strip() == (
        "dalil accounts: an association account needs an existing organization_id"
    )

    sheet = tmp_path / "tangier.csv"
    exported = run_dalil(
        tmp_path, "directory", "export", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert exported.returncode == 0, exported.stderr
    imported = run_dalil(
        tmp_path, "directory", "import", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert imported.returncode == 0, imported.stderr
    assert "Created 0, updated 0" in imported.stdout

    broken = sheet.read_text(encoding="utf-8-sig").replace(",health,", ",healthh,", 1)
    sheet.write_text(broken, encoding="utf-8")
    failed = run_dalil(
        tmp_path, "directory", "import", str(sheet), "--organization", "tng-sample-org-1"
    )
    assert failed.returncode != 0
    assert "column category" in failed.stderr
    assert "nothing was imported" in failed.stderr

    example = PROJECT_ROOT / "tests" / "services_directory" / "fixtures" / "hsds_example.json"
    hsds_imported = run_dalil(tmp_path, "directory", "import", str(example))
    assert hsds_imported.returncode == 0, hsds_imported.stderr
    assert "Created 2, updated 0" in hsds_imported.stdout
    for suffix in ("json", "zip"):
        package = tmp_path / f"directory.{suffix}"
        done = run_dalil(tmp_path, "directory", "export", str(package))
        assert done.returncode == 0, done.stderr
        again = run_dalil(tmp_path, "directory", "import", str(package))
        assert again.returncode == 0, again.stderr
        assert "Created 0, updated 0" in again.stdout
    not_json = tmp_path / "broken.json"
    not_json.write_text("{ not json")
    unreadable = run_dalil(tmp_path, "directory", "import", str(not_json))
    assert unreadable.returncode != 0
    assert "not valid JSON" in unreadable.stderr


def test_db_check_compares_models_and_migrations_without_touching_the_database(
    tmp_path: Path,
) -> None:
    checked = run_dalil(tmp_path, "db", "check")
    assert checked.returncode == 0, checked.stderr
    assert "Models and migrations agree." in checked.stdout
    assert not (tmp_path / "dalil.db").exists()


def test_invitations_and_demo_accounts_for_the_portal(tmp_path: Path) -> None:
    assert run_dalil(tmp_path, "db", "upgrade").returncode == 0
    assert run_dalil(tmp_path, "directory", "load-sample").returncode == 0

    invited = run_dalil(
        tmp_path, "accounts", "invite", "--login", "Fatima@Example.org", "--role", "association",
        "--name", "Amal volunteers", "--organization", "tng-sample-org-1",
    )  # fmt: skip
    assert invited.returncode == 0, invited.stderr
    assert "login fatima@example.org" in invited.stdout
    assert "48 hours" in invited.stdout
    link = invited.stdout.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/portal/invitation/")
    assert len(link) > 80
    taken = run_dalil(
        tmp_path, "accounts", "invite", "--login", "fatima@example.org", "--role", "city_admin",
        "--name", "Someone else",
    )  # fmt: skip
    assert taken.returncode != 0
    assert "belongs to another account" in taken.stderr

    first = run_dalil(tmp_path, "accounts", "demo")
    assert first.returncode == 0, first.stderr
    assert "city@demo.dalil.local" in first.stdout
    assert "amal@demo.dalil.local" in first.stdout
    again = run_dalil(tmp_path, "accounts", "demo")
    assert again.returncode == 0
    assert again.stdout == first.stdout
