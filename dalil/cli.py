"""The `dalil` command."""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import create_engine, session_factory, transaction
from core.errors import DalilError
from core.languages import ICAL_DAYS
from core.settings import PROJECT_ROOT, Settings, get_settings
from services_directory.categories import Category

T = TypeVar("T")


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the configured database."""

    async def run() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with transaction(session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> None:
    from dalil import migrate
    from services_directory.search.index import rebuild
    from services_directory.taxonomy import sync_terms

    _ensure_sqlite_dir(settings.database_url)
    migrate.upgrade(settings.database_url, args.revision)

    if args.revision == "head":
        terms = _in_transaction(settings, sync_terms)
        indexed = _in_transaction(settings, rebuild)
        print(f"Database at revision head; {terms} taxonomy terms, {indexed} services indexed.")
    else:
        print(f"Database at revision {args.revision}.")


def _db_downgrade(settings: Settings, args: argparse.Namespace) -> None:
    from dalil import migrate

    migrate.downgrade(settings.database_url, args.revision)


def _db_check(settings: Settings, _args: argparse.Namespace) -> None:
    from alembic.util import CommandError

    from dalil import migrate

    try:
        migrate.check(settings.database_url)
    except CommandError as error:
        raise SystemExit(f"Models and migrations disagree: {error}") from error
    print("Models and migrations agree.")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":///" in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


def _load_sample(settings: Settings, _args: argparse.Namespace) -> None:
    from services_directory.sample.loader import load_sample

    for city, count in _in_transaction(settings, load_sample).items():
        print(f"Loaded {count} sample services for {city}.")


def _accounts_create(settings: Settings, args: argparse.Namespace) -> None:
    from admin_api.accounts.models import Role
    from admin_api.accounts.service import create_account, issue_token

    async def create(session: AsyncSession) -> tuple[int, str]:
        account = await create_account(
            session, name=args.name, role=Role(args.role), organization_id=args.organization
        )
        _record, token = await issue_token(
            session, account=account, label="created with dalil accounts create", days=args.days
        )
        return account.id, token

    account_id, token = _in_transaction(settings, create)
    print(f"Account {account_id} ({args.role}). Its token, shown this once:\n{token}")


def _accounts_invite(settings: Settings, args: argparse.Namespace) -> None:
    from admin_api.accounts.models import Account, Role
    from admin_api.accounts.people import INVITATION_HOURS, invite
    from admin_api.accounts.service import create_account

    async def run(session: AsyncSession) -> tuple[int, str]:
        if args.account is not None:
            account = await session.get(Account, args.account)
            if account is None:
                raise SystemExit(f"No account {args.account}.")
        elif args.name and args.role:
            account = await create_account(
                session, name=args.name, role=Role(args.role), organization_id=args.organization
            )
        else:
            raise SystemExit("Name an existing --account, or give --name and --role for a new one.")
        return account.id, await invite(session, account=account, login=args.login)

    account_id, token = _in_transaction(settings, run)
    print(
        f"Account {account_id}, login {args.login.strip().lower()}. Its invitation, shown this "
        f"once and valid {INVITATION_HOURS} hours:\n{invitation_link(settings, token)}"
    )


# The demo's people: a city team and a sample association of Tangier.
DEMO_ACCOUNTS = (
    ("city@demo.dalil.local", "city_admin", None, "City team (demo)"),
    ("amal@demo.dalil.local", "association", "tng-sample-org-1", "Al Amal volunteers (demo)"),
)


def demo_password(settings: Settings, login: str) -> str:
    """Return a demo account's password: derived from this install's secret key, so `make run`
    can print it again without storing it, and no two installs share it."""
    digest = hmac.new(settings.pseudonym_key_bytes(), f"demo:{login}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:16]


def _accounts_demo(settings: Settings, _args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from admin_api.accounts.models import Credential, Role
    from admin_api.accounts.people import accept_invitation, invite
    from admin_api.accounts.service import create_account

    if settings.profile != "demo":
        raise SystemExit("Demo accounts exist in the demo profile only (DALIL_PROFILE=demo).")

    async def run(session: AsyncSession) -> None:
        for login, role, organization, name in DEMO_ACCOUNTS:
            if await session.scalar(select(Credential).where(Credential.login == login)):
                continue
            account = await create_account(
                session, name=name, role=Role(role), organization_id=organization
            )
            token = await invite(session, account=account, login=login)
            await accept_invitation(session, token=token, password=demo_password(settings, login))

    _in_transaction(settings, run)
    base = f"http://{settings.http_host}:{settings.http_port}/portal/"
    print(f"Portal: {base} (demo accounts, unless you changed their passwords)")
    for login, role, _organization, _name in DEMO_ACCOUNTS:
        print(f"  {role:12} login {login}  password {demo_password(settings, login)}")


def invitation_link(settings: Settings, token: str) -> str:
    """Return the address where an invited person sets their password."""
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    return f"{base.rstrip('/')}/portal/invitation/{token}"


def _stats_purge(settings: Settings, args: argparse.Namespace) -> None:
    from core.unmet import purge_unmet

    days = settings.unmet_retention_days if args.days is None else args.days
    if days < 1:
        raise SystemExit("--days must be 1 or more.")

    async def purge(session: AsyncSession) -> int:
        return await purge_unmet(session, days)

    removed = _in_transaction(settings, purge)
    print(f"Removed {removed} unanswered question(s) kept longer than {days} days.")


_EXPORT_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".zip": "zip"}


def _directory_export(settings: Settings, args: argparse.Namespace) -> None:
    from services_directory.exchange.importer import export_file

    path = Path(args.file)
    fmt = _EXPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SystemExit("Name the file .csv or .xlsx (spreadsheet), .json or .zip (HSDS 3.0).")

    async def export(session: AsyncSession) -> bytes:
        return await export_file(session, fmt, organization_id=args.organization)

    path.write_bytes(_in_transaction(settings, export))
    print(f"Exported the services to {path}.")


def _directory_import(settings: Settings, args: argparse.Namespace) -> None:
    from services_directory.audit import Actor
    from services_directory.exchange.importer import ImportReport, import_file

    content = Path(args.file).read_bytes()
    category = Category(args.category) if args.category else None

    async def run(session: AsyncSession) -> ImportReport:
        return await import_file(
            session, content, actor=Actor(None, "cli"), organization_id=args.organization,
            valid_only=args.valid_only, default_category=category, locale=args.locale,
        )  # fmt: skip

    try:
        report = _in_transaction(settings, run)
    except ValueError as error:
        raise SystemExit(f"{args.file}: {error}") from error
    for problem in report.errors:
        print(f"row {problem.row}, column {problem.column}: {problem.message}", file=sys.stderr)
    if report.error_count > len(report.errors):
        print(f"… and {report.error_count - len(report.errors)} more.", file=sys.stderr)
    if not report.applied:
        raise SystemExit(f"{report.error_count} problem(s): nothing was imported.")
    print(f"Created {len(report.created)}, updated {len(report.updated)}, "
          f"unchanged {report.unchanged}.")  # fmt: skip


def _managed_rumours(settings: Settings) -> dict[str, dict[str, list[str]]] | None:
    """Return the active rumours' phrasings in the database, or None where there is none."""
    from sqlalchemy.exc import SQLAlchemyError

    from services_directory.rumours.service import training_phrasings

    url = settings.database_url
    if url.startswith("sqlite") and not Path(url.split(":///", 1)[-1]).exists():
        return None  # no database yet (a fresh clone, CI): the shipped files alone
    try:
        return _in_transaction(settings, training_phrasings)
    except (SQLAlchemyError, OSError) as error:
        print(f"The database gave no rumours ({type(error).__name__}): training from the "
              "shipped files alone.", file=sys.stderr)  # fmt: skip
        return None


def _handover_desk(settings: Settings, args: argparse.Namespace) -> None:
    from dalil import migrate
    from handoff import service as handoff

    migrate.metadata()  # the tables a desk names: organisations and cities

    days = args.days.upper().split(",")
    if not days or any(day not in ICAL_DAYS for day in days):
        raise SystemExit(f"--days takes iCalendar days separated by commas: {','.join(ICAL_DAYS)}")
    for clock in (args.opens, args.closes):
        if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", clock):
            raise SystemExit(f"{clock}: write the hours as HH:MM")

    async def run(session: AsyncSession) -> int:
        desk = await handoff.set_desk(
            session, organization_id=args.organization, city_id=args.city,
            category=args.category, byday=",".join(days), opens_at=args.opens,
            closes_at=args.closes,
        )  # fmt: skip
        return desk.id

    desk_id = _in_transaction(settings, run)
    topic = args.category or "every category"
    print(f"Desk {desk_id}: {args.organization} answers {args.city} ({topic}), {args.days}")


def _nlu_train(settings: Settings, args: argparse.Namespace) -> None:
    from nlu import training

    rumours = None if args.files_only else _managed_rumours(settings)
    model = training.train(
        venv=settings.nlu_venv, model_dir=settings.nlu_model_dir, force=args.force,
        rumours=rumours, config=Path(args.config) if args.config else training.CONFIG,
        sample=args.sample,
    )  # fmt: skip
    phrasings = sum(len(texts) for by_locale in (rumours or {}).values()
                    for texts in by_locale.values())  # fmt: skip
    print(f"NLU model: {model} (with {phrasings} phrasings of rumours from the database)")


def _nlu_evaluate(settings: Settings, args: argparse.Namespace) -> None:
    import json

    from dalil import embedded
    from dalil.runtime import nlu_client
    from nlu import evaluate

    try:
        examples = evaluate.read_labelled(evaluate.set_path(args.file))
    except (OSError, ValueError) as error:
        raise SystemExit(str(error)) from error
    if not examples:
        raise SystemExit(f"{args.file}: no examples")
    server = embedded.ensure_rasa(settings)
    if server is None and not embedded.rasa_ready(settings):
        raise SystemExit(f"Rasa does not answer at {settings.rasa_url}")

    async def run() -> list[evaluate.Prediction]:
        client = nlu_client(settings, timeout_s=30)
        try:
            return await evaluate.predict(client, examples, concurrency=args.concurrency)
        finally:
            await client.aclose()

    try:
        predictions = asyncio.run(run())
    finally:
        embedded.stop(server)
    if args.predictions:
        evaluate.write_predictions(Path(args.predictions), predictions)
    print(json.dumps(evaluate.report(predictions), ensure_ascii=False, indent=2))


def _nlu_serve(settings: Settings, _args: argparse.Namespace) -> None:
    import os
    from urllib.parse import urlparse

    from nlu import training

    settings.require_secrets("RASA_TOKEN")
    parsed = urlparse(settings.rasa_url)
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    command = training.serve_command(
        venv=settings.nlu_venv, model=training.current_model(settings.nlu_model_dir),
        host=parsed.hostname or "127.0.0.1", port=parsed.port or 5005, token=token,
    )  # fmt: skip
    os.execve(command[0], command, training.rasa_environment())  # noqa: S606


def _run(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from dalil import embedded
    from dalil.app import create_app

    # Refuse to serve without them, before starting anything.
    settings.require_secrets("PSEUDONYM_KEY", "RASA_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
    redis = embedded.ensure_redis(settings.redis_url, PROJECT_ROOT / "var" / "redis")
    rasa = embedded.ensure_rasa(settings) if not args.no_rasa else None
    roles = set(args.roles.split(","))
    try:
        print(
            f"Dalil is serving on http://{args.host}:{args.port} (ready: /ready, "
            f"API docs: /docs). Try it in a browser: http://{args.host}:{args.port}/chat, "
            "or in another terminal: make chat",
            file=sys.stderr,
        )
        uvicorn.run(create_app(settings, roles=roles), host=args.host, port=args.port,
                    log_level="info")  # fmt: skip
    finally:
        embedded.stop(rasa)
        embedded.stop(redis)


def _chat(settings: Settings, _args: argparse.Namespace) -> None:
    from dalil import embedded
    from dalil.chat import chat

    redis = embedded.ensure_redis(settings.redis_url, PROJECT_ROOT / "var" / "redis")
    rasa = embedded.ensure_rasa(settings)
    try:
        asyncio.run(chat(settings))
    finally:
        embedded.stop(rasa)
        embedded.stop(redis)


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of `dalil`."""
    root = argparse.ArgumentParser(prog="dalil", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="serve webhooks, the admin API and the portal, with the background roles"
    )
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)
    run.add_argument("--roles", default="api,worker,sender,broadcaster,relay")
    run.add_argument("--no-rasa", action="store_true", help="do not start a local Rasa server")
    run.set_defaults(handler=_run)

    db = commands.add_parser("db", help="database migrations").add_subparsers(required=True)
    upgrade = db.add_parser("upgrade")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=_db_upgrade)
    downgrade = db.add_parser("downgrade")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=_db_downgrade)
    db.add_parser(
        "check", help="alembic check: the models and the migrations agree (on a scratch database)"
    ).set_defaults(handler=_db_check)

    directory = commands.add_parser("directory", help="the services directory")
    directory_commands = directory.add_subparsers(required=True)
    directory_commands.add_parser("load-sample").set_defaults(handler=_load_sample)
    export = directory_commands.add_parser(
        "export", help="services to a spreadsheet (.csv, .xlsx) or HSDS 3.0 (.json, .zip of CSV)"
    )
    export.add_argument("file")
    export.add_argument("--organization", default=None)
    export.set_defaults(handler=_directory_export)
    importing = directory_commands.add_parser(
        "import", help="services from a spreadsheet or an HSDS 3.0 JSON file or CSV package"
    )
    importing.add_argument("file")
    importing.add_argument("--organization", default=None, help="limit to one organisation")
    importing.add_argument("--valid-only", action="store_true", help="import the valid rows")
    importing.add_argument(
        "--category", default=None, choices=[c.value for c in Category],
        help="HSDS: the category of services whose taxonomy terms name none of ours",
    )  # fmt: skip
    importing.add_argument(
        "--locale", default="en", help="HSDS: the language the file's texts are written in"
    )
    importing.set_defaults(handler=_directory_import)

    accounts = commands.add_parser("accounts", help="admin API accounts").add_subparsers(
        required=True
    )
    create = accounts.add_parser("create", help="create an account and print its first token")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["city_admin", "association", "authority"])
    create.add_argument("--organization", default=None, help="the association's organisation id")
    create.add_argument("--days", type=int, default=90, help="how long the token is valid")
    create.set_defaults(handler=_accounts_create)
    inviting = accounts.add_parser(
        "invite", help="invite a person to the portal: print a link that sets their password"
    )
    inviting.add_argument("--login", required=True, help="what they sign in with, e.g. an email")
    inviting.add_argument("--account", type=int, default=None, help="an existing account's id")
    inviting.add_argument("--name", default=None, help="a new account's name")
    inviting.add_argument(
        "--role", default=None, choices=["city_admin", "association", "authority"]
    )
    inviting.add_argument("--organization", default=None, help="the association's organisation id")
    inviting.set_defaults(handler=_accounts_invite)
    accounts.add_parser(
        "demo", help="the demo profile's portal accounts: create them if absent, print them"
    ).set_defaults(handler=_accounts_demo)

    stats = commands.add_parser("stats", help="statistics").add_subparsers(required=True)
    purge = stats.add_parser("purge", help="delete unanswered questions past their retention")
    purge.add_argument("--days", type=int, default=None, help="default UNMET_RETENTION_DAYS")
    purge.set_defaults(handler=_stats_purge)

    handover = commands.add_parser(
        "handover", help="conversations handed over to volunteers"
    ).add_subparsers(required=True)
    desk = handover.add_parser(
        "desk", help="let an association answer a city's conversations, with its hours"
    )
    desk.add_argument("--organization", required=True, help="the association's organisation id")
    desk.add_argument("--city", required=True, help="a city id, e.g. lyon")
    desk.add_argument("--category", default=None, choices=[c.value for c in Category])
    desk.add_argument("--days", default="MO,TU,WE,TH,FR", help="iCalendar days, e.g. MO,TU,WE")
    desk.add_argument("--opens", default="09:00", help="HH:MM, the city's time")
    desk.add_argument("--closes", default="17:00", help="HH:MM, the city's time")
    desk.set_defaults(handler=_handover_desk)

    nlu = commands.add_parser("nlu", help="the Rasa NLU model").add_subparsers(required=True)
    train = nlu.add_parser("train")
    train.add_argument("--force", action="store_true", help="train even if the data is unchanged")
    train.add_argument(
        "--files-only", action="store_true",
        help="leave out the phrasings of the rumours managed in the database",
    )  # fmt: skip
    train.add_argument("--config", default=None, help="another Rasa config (default nlu/rasa)")
    train.add_argument(
        "--sample", type=int, default=None, metavar="N",
        help="keep N examples per intent and language: a small, quick model (tests)",
    )  # fmt: skip
    train.set_defaults(handler=_nlu_train)
    nlu.add_parser("serve").set_defaults(handler=_nlu_serve)
    evaluating = nlu.add_parser(
        "evaluate",
        help="score the model on a labelled Rasa NLU YAML file or folder (JSON to stdout)",
    )
    evaluating.add_argument(
        "file",
        help="a Rasa NLU YAML file, a folder of them (one set), or the name of one of our sets "
        "(dev, holdout, external, strangers, calm, plain, rough)",
    )
    evaluating.add_argument("--predictions", default=None, help="write one JSON line per example")
    evaluating.add_argument("--concurrency", type=int, default=4)
    evaluating.set_defaults(handler=_nlu_evaluate)

    commands.add_parser("chat", help="talk to the bot in this terminal").set_defaults(handler=_chat)
    return root


def quiet_libraries() -> None:
    """Keep libraries' request logs out: their lines carry tokens in URLs and chat ids."""
    for noisy in ("httpx", "httpcore", "telegram"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> None:
    """Run the `dalil` command."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")  # fmt: skip
    quiet_libraries()
    settings = get_settings()
    if args.command == "run":
        args.host = args.host or settings.http_host
        args.port = args.port or settings.http_port
    try:
        args.handler(settings, args)
    except DalilError as error:  # what the API would answer 4xx: one line, not a traceback
        raise SystemExit(f"dalil {args.command}: {error.detail}") from None


if __name__ == "__main__":
    main()
