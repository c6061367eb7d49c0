"""The `apportion` command: serve the API, migrate the database, manage users, load demo data, import bills, run
chargebacks and show their digest."""

from __future__ import annotations

import os
import shlex
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apportion.cli import views
from apportion.domain import demo_campus, export_file, periods
from apportion.domain.batch_modes import BatchMode, ImportBatchSettings
from apportion.domain.errors import DomainError, RuleViolation, ValidationFailed
from apportion.domain.permissions import parse_grants
from apportion.domain.task_status import TaskStatus

# `apportion --help` (and each command's) loads typer and the cheap domain modules only: the database, the driver,
# the task queue and the services are imported by the commands that use them, each at its first line.
if TYPE_CHECKING:
    from apportion.importer.limits import ImportLimits
    from apportion.services.access import auth
    from apportion.services.demo import demo_workflow
    from apportion.services.exports import Table
    from apportion.services.imports import import_tasks
    from apportion.services.runs import processing
    from apportion.settings import Settings
    from apportion.store.database import Database

app = typer.Typer(help="Apportion: utility-bill chargebacks with an EnergyCAP-compatible API.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
user_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
export_app = typer.Typer(
    help="Export a digest or bills as CSV or XLSX, or post bills to the general ledger (gl) or accounts payable (ap)"
    " and undo such an export.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(export_app, name="export")

KEY_FILE_SUFFIX = "-api-key.txt"


def key_file(database_url: str) -> Path | None:
    """Where the administrator's key of this database is kept: beside a SQLite file and named after it
    (`./apportion.db` -> `./apportion-api-key.txt`), or in the working directory named after a server database's
    host, port and name; None for an in-memory database. Each database has its own file, so running a command on
    another database never overwrites or announces this one's key."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return None
        path = Path(url.database)
        return path.with_name(path.stem + KEY_FILE_SUFFIX)
    where = "-".join(str(part) for part in (url.host or "localhost", url.port or "", url.database or "") if part)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in where)
    return Path(f"apportion-{safe}{KEY_FILE_SUFFIX}")


def _settings() -> Settings:
    """The settings from the environment (pydantic loads only when a command runs)."""
    from apportion.settings import Settings

    return Settings()


def _database(settings: Settings) -> Database:
    from apportion.store.database import Database

    return Database(settings.database_url)


def _fail(error: DomainError) -> typer.Exit:
    """One line on stderr saying why (each field and its reasons when the input broke field rules); exit code 2."""
    fields: dict[str, list[str]] = getattr(error, "errors", {})
    reason = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in fields.items()) or error.message
    typer.secho(f"error: {reason}", fg=typer.colors.RED, err=True)
    return typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to APPORTION_DATABASE_URL."""
    settings = _settings()
    db = _database(settings)
    _migrate(settings, db)
    typer.echo(f"database is up to date: {db.engine.url.render_as_string(hide_password=True)}")


def _migrate(settings: Settings, db: Database) -> None:
    """The Alembic migrations (when the database is behind) and, on PostgreSQL, the task queue's schema
    (procrastinate's tables)."""
    from apportion.store.schema_version import ensure_current

    ensure_current(db.engine)
    if db.engine.dialect.name != "postgresql":
        return
    from apportion.jobs import queue as job_queue  # procrastinate and psycopg: never needed on SQLite

    if job_queue.apply_schema(settings):
        typer.echo("created the task queue schema")


@user_app.command("create")
def user_create(
    user_code: Annotated[str, typer.Argument(help="Login code of the new user.")],
    permission: Annotated[
        list[str] | None,
        typer.Option("--permission", "-p", help="NAME:LEVEL[,LEVEL] (e.g. Chargebacks:Run,Manage) or Administrator."),
    ] = None,
    full_name: Annotated[str | None, typer.Option(help="Full name (defaults to the code).")] = None,
) -> None:
    """Create a user with the named permissions and print a new API key (shown once)."""
    from apportion.services.access import auth

    db = _open(_settings())
    try:
        grants = parse_grants(permission or [])
        _user_id, key = auth.create_user_with_key(db, user_code, full_name or user_code[:32], grants, datetime.now())
    except ValidationFailed as error:
        if any("already in use" in reason for reason in error.errors.get("userCode", [])):
            typer.secho(
                f"error: user {user_code} already exists; for a new key: apportion user key --rotate {user_code}",
                fg="red",
                err=True,
            )
            raise typer.Exit(2) from error
        raise _fail(error) from error
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()
    typer.echo(key)


@dataclass(frozen=True)
class Bootstrap:
    """What start-up did about the first administrator: the key it created (shown once) and where a key is kept."""

    db: Database
    created_key: str | None = None
    from_setting: bool = False
    key_file: Path | None = None  # holds a key checked against this database
    unchecked_key_file: Path | None = None  # this database's key file, whose key does not open it


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable and writable by its owner only (0600), whatever mode the file had."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        os.fchmod(descriptor, 0o600)
        out.write(text)


def _bootstrap(settings: Settings) -> Bootstrap:
    """Migrate and create the first administrator if needed.

    A key made here is kept in the database's own key file (`key_file`, 0600) and returned once, to be printed
    once; the file is written only then. A key from APPORTION_BOOTSTRAP_API_KEY is the operator's own and is never
    printed.
    """
    from apportion.services.access import auth

    db = _database(settings)
    _migrate(settings, db)
    path = key_file(settings.database_url)
    if settings.bootstrap_api_key:
        created = auth.bootstrap_administrator(db, settings.bootstrap_api_key, datetime.now())
        return Bootstrap(db, from_setting=created, key_file=_checked_key_file(db, path))
    if auth.bootstrap_administrator(db, key := auth.new_key(), datetime.now()):
        if path is None:
            return Bootstrap(db, created_key=key)
        _write_private(path, key + "\n")
        return Bootstrap(db, created_key=key, key_file=path.resolve())
    return Bootstrap(db, key_file=_checked_key_file(db, path), unchecked_key_file=_unchecked(db, path))


def _file_key(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _opens(db: Database, key: str | None) -> bool:
    """Whether `key` is a live key of this database (never trust a file for what it claims to hold)."""
    if key is None:
        return False
    from apportion.services.access import auth

    try:
        auth.authenticate(db, key)
    except DomainError:
        return False
    return True


def _checked_key_file(db: Database, path: Path | None) -> Path | None:
    """The key file, only when the key in it opens this database."""
    return path.resolve() if path is not None and _opens(db, _file_key(path)) else None


def _unchecked(db: Database, path: Path | None) -> Path | None:
    """The key file when it exists but its key does not open this database (said as such, never as its key)."""
    if path is None or not path.exists():
        return None
    return None if _opens(db, _file_key(path)) else path.resolve()


def _announce_key(start: Bootstrap) -> None:
    """Say which key to use: the new administrator's key itself (the only time it is printed), else where it is."""
    if start.created_key:
        typer.echo(f"API key (administrator): {start.created_key}")
        typer.echo(f"  shown this once; kept in {start.key_file} (readable by you only)")
    elif start.from_setting:
        typer.echo("created the administrator with the key in APPORTION_BOOTSTRAP_API_KEY")
    elif start.key_file:
        typer.echo(f"API key (administrator): in {start.key_file}")
    elif start.unchecked_key_file:
        typer.echo(
            f"API key: {start.unchecked_key_file} holds no live key of this database "
            "(make one: apportion user create CODE -p Administrator)"
        )


def _prepare(settings: Settings) -> tuple[Bootstrap, demo_workflow.DemoWorkflow | None]:
    """Migrate, create the first administrator if needed, load demo data (campus and workflow) when asked; returns
    what bootstrapping did and the demo workflow when there is one."""
    from apportion.services.demo import campus, demo_workflow

    start = _bootstrap(settings)
    flow = None
    if settings.load_demo_data:
        if campus.load_if_empty(start.db, datetime.now()):
            flow = demo_workflow.ensure_workflow(start.db)
            typer.echo(f"loaded the demo campus and its chargeback workflow ({flow.versions} split versions)")
        else:
            flow = demo_workflow.find_workflow(start.db)
    return start, flow


@app.command("demo-data")
def demo_data(
    meters: Annotated[
        int, typer.Option(min=1, max=demo_campus.MAX_METERS, help="Master meters to generate (three to a building).")
    ] = demo_campus.DEFAULT_METERS,
    seed: Annotated[
        int, typer.Option(help="Seed of the generated floor areas and bill figures.")
    ] = demo_campus.DEFAULT_SEED,
) -> None:
    """Load a generated campus with 24 months of vendor bills into an empty APPORTION_DATABASE_URL."""
    from apportion.services.demo import campus

    settings = _settings()
    start = _bootstrap(settings)
    db = start.db
    _announce_key(start)
    try:
        summary = campus.load_campus(db, datetime.now(), meters=meters, seed=seed)
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()
    typer.echo(f"buildings: {summary.buildings} (places: {summary.places})")
    typer.echo(f"master meters: {summary.master_meters} on {summary.vendor_accounts} vendor accounts")
    typer.echo(f"submeters: {summary.submeters} on {summary.tenant_accounts} tenant accounts")
    typer.echo(f"meter groups: {summary.meter_groups}")
    typer.echo(
        f"bills: {summary.bills} ({summary.line_items} line items, periods {summary.first_period}"
        f"..{summary.last_period}, total {summary.total_cost} USD)"
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="APPORTION_PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    worker_timeout: Annotated[
        int,
        typer.Option(
            min=1,
            help="Seconds a worker may take to start or to answer the supervisor's health check before it is "
            "replaced (with --workers above 1).",
        ),
    ] = 60,
) -> None:
    """Serve the API with uvicorn after applying migrations."""
    import uvicorn

    settings = _settings()
    _port_free_or_exit(host, port)
    start, flow = _prepare(settings)
    announce(start, flow, f"http://{host}:{port}")
    # uvicorn's own default (5 s) kills workers that start slowly on a loaded machine, then starts them again,
    # for ever: a worker importing the app takes a few seconds of CPU, longer when the cores are busy.
    uvicorn.run(
        "apportion.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_worker_healthcheck=worker_timeout,
    )


def _port_free_or_exit(host: str, port: int) -> None:
    """One line naming the ways to choose another port, exit code 2, when `host:port` cannot be listened on (before
    any banner, so nothing is printed for a server that will not start)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as problem:
            reason = problem.strerror or str(problem)
            typer.secho(
                f"error: cannot listen on {host}:{port} ({reason}): choose another port with --port or "
                "APPORTION_PORT, or stop what is using it",
                fg=typer.colors.RED,
                err=True,
            )
            raise typer.Exit(2) from problem


def announce(start: Bootstrap, flow: demo_workflow.DemoWorkflow | None, base: str) -> None:
    """What `serve` prints before serving: the key (only when just created) or its file, and curl examples that read
    the key from $KEY."""
    _announce_key(start)
    if start.key_file:
        typer.echo("Try:")
        typer.echo(f"  KEY=$(cat {shlex.quote(str(start.key_file))})")
    else:
        typer.echo("Try (KEY=your API key):")
    header = '-H "ECI-ApiKey: $KEY"'
    typer.echo(f"  curl -s {header} {base}/api/v3/me")
    typer.echo(f"  curl -s {header} '{base}/api/v3/meter?pageSize=5'")
    # Last month's bills: the demo campus holds the 24 billing periods ending this month.
    period = periods.prior(periods.of_date(date.today()))
    typer.echo(f"  curl -s {header} '{base}/api/v3/bill?filter=billingPeriod%20equals%20%27{period}%27'")
    typer.echo(f"  curl -s {header} {base}/api/v3/chargebackWorkflow")
    if flow is not None:
        typer.echo(f"Run last month's chargebacks, then read the step's digest (pages: {base}/ui):")
        typer.echo(
            f"  curl -s -X POST {header} -H 'Content-Type: application/json' "
            f"-d '{{\"billingPeriod\": {period}}}' {base}/api/v3/chargebackWorkflowStep/{flow.step_id}/exec"
        )
        digest = f"{base}/api/v3/chargebackWorkflow/{flow.step_id}/digest?billingPeriod={period}"
        typer.echo(f"  curl -s {header} '{digest}'")
    typer.echo(f"API docs: {base}/docs")


def period_value(text: str | int | None) -> int | None:
    """A billing period option as people write it: 202611 or 2026-11; anything else is answered with how to
    write one (exit code 2)."""
    if text is None or isinstance(text, int):
        return text
    found = periods.parse(text)
    if found is None:
        raise typer.BadParameter(periods.hint(text))
    return found


def _period_option(help_text: str) -> object:
    return typer.Option(parser=period_value, metavar="YYYYMM", help=f"{help_text} (2026-11 works too)")


UserOption = Annotated[
    str | None, typer.Option("--user", help="Code of the user to act as (default: the first user, the administrator).")
]
StepOption = Annotated[int, typer.Option("--step", help="Chargeback workflow step id.")]


def _open(settings: Settings) -> Database:
    """The migrated database the people-facing commands work on (Alembic loads only if it is behind)."""
    from apportion.store.schema_version import ensure_current

    db = _database(settings)
    ensure_current(db.engine)
    return db


@contextmanager
def _reading(settings: Settings) -> Iterator[Database]:
    """The migrated database for a command that reads and prints: a refusal is one line and exit code 2."""
    db = _open(settings)
    try:
        yield db
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV/TXT/DAT, XLSX or ZIP bill file (docs/import-format.md).")],
    profile: Annotated[str | None, typer.Option(help="Bill import profile code (default: the standard one).")] = None,
    batch_mode: Annotated[str | None, typer.Option(help=f"One of: {', '.join(BatchMode)}.")] = None,
    batch_code: Annotated[
        str | None, typer.Option(help="Code of the new batch the bills go into (batch mode 'new batch' by default).")
    ] = None,
    existing_batch: Annotated[int | None, typer.Option(help="Open batch id, for 'use existing batch'.")] = None,
    pending_batch: Annotated[int | None, typer.Option(help="Pending batch id, for 'use pending batch'.")] = None,
    leave_batches_open: Annotated[
        bool | None, typer.Option("--leave-batches-open/--close-batches", help="Keep your other open batches open.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Import note kept on the task.")] = None,
    kickouts: Annotated[Path | None, typer.Option(help="Write the kickout file (if any) to this path.")] = None,
    user: UserOption = None,
) -> None:
    """Import a bill file as POST /api/v3/import/bill does, with progress, then print the task's result."""
    from apportion.services.access import auth
    from apportion.services.imports import bill_import, import_tasks

    settings = _settings()
    db = _open(settings)
    limits = bill_import.limits_for(settings)
    if batch_code is not None and batch_mode is None:
        batch_mode = BatchMode.NEW
    wanted = (batch_mode, batch_code, existing_batch, pending_batch, leave_batches_open)
    batch = None
    if any(value is not None for value in wanted):
        batch = ImportBatchSettings(batch_mode, existing_batch, leave_batches_open, batch_code, pending_batch)
    options = import_tasks.ImportOptions(profile_code=profile, batch_settings=batch, import_note=note)
    try:
        principal = auth.principal_of(db, user)
        task_id, guid = _start_import_of(db, file, options, principal, limits)
        with views.progress_bar(f"importing {file.name}") as report:
            bill_import.run_import(db, task_id, datetime.now, limits, report)  # bytes read of the file, rows so far
        listing = import_tasks.get_task(db, guid, principal)
        task = listing.task
        hint = None
        reasons: list[str] = []
        if task.status == TaskStatus.COMPLETED_WITH_KICKOUTS:
            reasons = import_tasks.kickout_rows(db, guid, principal)
            hint = f"kickout file: GET /api/v3/task/{guid}/errorOutput"
            if kickouts is not None:
                output = import_tasks.error_output(db, guid, principal)
                try:
                    kickouts.write_bytes(output.content)
                except OSError as problem:
                    raise RuleViolation(f"Cannot write {kickouts}: {problem.strerror or problem}.") from problem
                hint = f"kickout file ({output.name}) written to {kickouts}; also GET /api/v3/task/{guid}/errorOutput"
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()
    out = views.stdout()
    views.import_summary(out, task, listing.batch_code, hint)
    views.kickouts(out, reasons)
    if task.status == TaskStatus.FAILED:
        raise typer.Exit(2)


def _start_import_of(
    db: Database,
    file: Path,
    options: import_tasks.ImportOptions,
    principal: auth.Principal,
    limits: ImportLimits,
) -> tuple[int, str]:
    """Check and store the file with a Queued import task; its bytes are let go before the task runs."""
    from apportion.services.imports import import_tasks

    try:
        size = file.stat().st_size
        if size > limits.max_bytes:  # refused before it is read, as the API refuses its base64 text
            raise RuleViolation(f"{file.name} is larger than the {limits.max_bytes:,}-byte limit.")
        content = file.read_bytes()  # kept with the task, so read once, as bytes (no base64 on the way)
    except OSError as problem:
        raise RuleViolation(f"Cannot read {file}: {problem.strerror or problem}.") from problem
    if not content:
        raise RuleViolation(f"{file} is empty: there is nothing to import.")
    return import_tasks.start_import_bytes(db, file.name, content, options, principal, datetime.now(), limits)


def _run_settings(period: int | None, note: str | None, batch_code: str | None) -> processing.RunSettings:
    """RunSettings as the processor routes build them; `document` is the equivalent request body."""
    from apportion.services.billing.batches import BatchSettings
    from apportion.services.runs import processing

    document: dict[str, object] = {"billingPeriod": period} if period is not None else {}
    if note is not None:
        document["note"] = note
    if batch_code is not None:
        document["batchSettings"] = {"batchCode": batch_code}
    batch = BatchSettings(batch_code) if batch_code is not None else None
    return processing.RunSettings(billing_period=period, batch=batch, note=note, document=document)


@app.command("run")
def run_step(
    period: Annotated[int, _period_option("Billing period YYYYMM")],
    step: Annotated[int | None, typer.Option("--step", help="Chargeback workflow step id (apportion steps).")] = None,
    workflow: Annotated[
        int | None, typer.Option("--workflow", help="Run every step of this workflow in order instead.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show the bills the run would post and what they change; write nothing."),
    ] = False,
    note: Annotated[str | None, typer.Option(help="Note kept on the task.")] = None,
    batch_code: Annotated[str | None, typer.Option(help="Put the bills into a new batch with this code.")] = None,
    user: UserOption = None,
) -> None:
    """Run a chargeback workflow step (or a whole workflow) for a billing period, with progress, then print each
    task's summary; with --dry-run, what it would post and how that differs from what is live, writing nothing."""
    from apportion.services.access import auth
    from apportion.services.chargebacks import chargeback_tasks, lineage_reports
    from apportion.services.runs import processing

    if (step is None) == (workflow is None):
        typer.secho("error: give --step ID or --workflow ID (apportion workflows lists them)", fg="red", err=True)
        raise typer.Exit(2)
    what = f"step {step}" if step is not None else f"workflow {workflow}"
    db = _open(_settings())
    settings = _run_settings(period, note, batch_code)
    try:
        principal = auth.principal_of(db, user)
        if dry_run:
            from apportion.services.runs import previews

            with views.progress_bar(f"dry run of {what}") as report:
                if step is not None:
                    preview = previews.preview_step(db, step, settings, principal, datetime.now, report)
                else:
                    assert workflow is not None
                    preview = previews.preview_workflow(db, workflow, settings, principal, datetime.now, report)
            views.preview(views.stdout(), preview, what)
            return
        with views.progress_bar(f"running {what}") as report:
            if step is not None:
                task_ids = [processing.run_workflow_step(db, step, settings, principal, datetime.now, report)]
            else:
                assert workflow is not None
                task_ids = processing.run_workflow(db, workflow, settings, principal, datetime.now, report)
        rows = chargeback_tasks.get_tasks(db, task_ids)
        out = views.stdout()
        for row in rows:
            task_id = row.task_id
            views.chargeback_summary(out, row, chargeback_tasks.error_rows(db, task_id))
            views.conservation(out, lineage_reports.task_conservation(db, task_id))
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()
    if any(row.status == TaskStatus.FAILED for row in rows):
        raise typer.Exit(1)


@app.command("digest")
def show_digest(
    step: StepOption,
    period: Annotated[
        int | None, _period_option("Billing period YYYYMM (default: the step's latest task period)")
    ] = None,
    wide: Annotated[bool, typer.Option("--wide", help="Every column, however narrow the terminal.")] = False,
    csv: Annotated[Path | None, typer.Option(help="Also write the digest to this CSV file.")] = None,
    xlsx: Annotated[Path | None, typer.Option(help="Also write the digest to this XLSX file.")] = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print the digest as the API's JSON instead of a table.")
    ] = False,
) -> None:
    """Print a step's digest: each meter's use and cost against the prior period and the same period last year.

    The table fits the terminal (the most useful columns first; --wide for all); --csv and --xlsx write every
    column, --json prints what GET /api/v3/chargebackWorkflow/{id}/digest answers."""
    from apportion.services.chargebacks import digest as digest_service
    from apportion.services.chargebacks import lineage_reports

    with _reading(_settings()) as db:
        result = digest_service.get_digest(db, step, period, date.today())
        waiting = lineage_reports.reruns(db, result.billing_period, step)
        if csv is not None or xlsx is not None:
            from apportion.services import exports

            for path, file_format in ((csv, "csv"), (xlsx, "xlsx")):
                if path is not None:
                    _save_table(path, exports.digest_table(result), file_format)
    if json:
        from apportion.api import digest_json  # the API's digest JSON, without loading the web framework

        typer.echo(digest_json.to_json(result, indent=2).decode())
        return
    out = views.stdout()
    views.digest(out, result, wide)
    if waiting:
        out.print("[bold]This period needs running again[/bold]: a correction undid bills of these versions.")
        views.reruns(out, waiting)


@app.command("lineage")
def show_lineage(bill: Annotated[int, typer.Argument(help="Bill id.")]) -> None:
    """Print what a bill was made from (each line's share and rounding) and the live bills made from it."""
    from apportion.services.chargebacks import lineage_reports

    with _reading(_settings()) as db:
        found = lineage_reports.bill_lineage(db, bill)
    views.lineage(views.stdout(), found)


@app.command("conservation")
def show_conservation(
    task: Annotated[int, typer.Argument(help="Chargeback task id.")],
    csv: Annotated[Path | None, typer.Option(help="Also write the figures to this CSV file.")] = None,
) -> None:
    """Print where a split task's source amounts went: allocated, left on each source by reason, rounding."""
    from apportion.services.chargebacks import lineage_reports

    with _reading(_settings()) as db:
        report = lineage_reports.task_conservation(db, task)
        if csv is not None:
            _write(csv, lineage_reports.conservation_csv(report))
    views.conservation(views.stdout(), report)


@app.command("reruns")
def show_reruns(
    period: Annotated[int | None, _period_option("Only this billing period YYYYMM")] = None,
    step: Annotated[int | None, typer.Option(help="Only this workflow step id.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include resolved and dismissed ones.")] = False,
    csv: Annotated[Path | None, typer.Option(help="Also write the list to this CSV file.")] = None,
) -> None:
    """Print the step periods whose chargeback bills were undone by a correction and that need running again."""
    from apportion.services.chargebacks import lineage_reports

    with _reading(_settings()) as db:
        groups = lineage_reports.reruns(db, period, step, include_resolved=all_)
        if csv is not None:
            _write(csv, lineage_reports.reruns_csv(groups))
    views.reruns(views.stdout(), groups)


def _post_bills(
    mode: str,
    batch: int | None,
    task: int | None,
    bill: list[int] | None,
    out: Path | None,
    sample: bool,
    note: str | None,
    ledger: Path | None,
    user: str | None,
) -> None:
    """Export bills to one stream as PUT /api/v3/bill/export does, write the file, and print what went out and
    why any named bill stayed out."""
    from apportion.services.access import auth
    from apportion.services.accounting import export_files
    from apportion.services.accounting import exports as accounting_exports

    with _reading(_settings()) as db:
        principal = auth.principal_of(db, user)
        principal.require("ExportBills", "Run")
        ids = accounting_exports.bills_to_export(db, batch, task, bill or [])
        if not ids:
            raise RuleViolation("Name the bills to export: --batch, --task or --bill.")
        guid = str(uuid.uuid4())
        outcome = accounting_exports.export_bills(db, ids, mode, not sample, note, principal, datetime.now(), guid)
        target = out or Path(outcome.file_name)
        _write(target, outcome.text)
        total = sum((b.total_cost for b in outcome.bills), Decimal(0))
        verb = "sample of" if sample else "exported"
        typer.echo(f"{verb} {len(outcome.bills)} bills to {outcome.mode.value.upper()}, total {total:f}: {target}")
        typer.echo(f"Ec-Guid: {outcome.guid}")
        for _, reason in outcome.excluded:
            typer.echo(f"  left out: {reason}")
        if ledger is not None:
            rows = export_file.ledger(outcome.bills)
            xlsx = ledger.suffix.lower() == ".xlsx"
            content = export_files.ledger_xlsx(rows) if xlsx else export_files.ledger_csv(rows)
            try:
                ledger.write_bytes(content)
            except OSError as problem:
                raise RuleViolation(f"Cannot write {ledger}: {problem.strerror or problem}.") from problem
            typer.echo(f"ledger: {ledger}")


BatchBills = Annotated[int | None, typer.Option(help="Export the bills of this batch.")]
TaskBills = Annotated[int | None, typer.Option(help="Export the bills this chargeback task made.")]
NamedBills = Annotated[list[int] | None, typer.Option(help="Export this bill (repeatable).")]
ExportOut = Annotated[Path | None, typer.Option(help="Write the export file here (default: its own name).")]
Sample = Annotated[bool, typer.Option(help="Write a sample file: mark nothing as exported.")]
ExportNote = Annotated[str | None, typer.Option(help="Export note written on each bill summary line.")]
Ledger = Annotated[
    Path | None, typer.Option(help="Also write the bills grouped by cost center and account (.csv or .xlsx).")
]


@export_app.command("gl")
def export_gl(
    batch: BatchBills = None,
    task: TaskBills = None,
    bill: NamedBills = None,
    out: ExportOut = None,
    sample: Sample = False,
    note: ExportNote = None,
    ledger: Ledger = None,
    user: UserOption = None,
) -> None:
    """Export bills to the general ledger (the stream for chargeback bills), as PUT /api/v3/bill/export does."""
    _post_bills("gl", batch, task, bill, out, sample, note, ledger, user)


@export_app.command("ap")
def export_ap(
    batch: BatchBills = None,
    task: TaskBills = None,
    bill: NamedBills = None,
    out: ExportOut = None,
    sample: Sample = False,
    note: ExportNote = None,
    ledger: Ledger = None,
    user: UserOption = None,
) -> None:
    """Export bills to accounts payable, as PUT /api/v3/bill/export does."""
    _post_bills("ap", batch, task, bill, out, sample, note, ledger, user)


@export_app.command("undo")
def export_undo(
    guid: Annotated[str, typer.Argument(help="The export's GUID (its Ec-Guid).")], user: UserOption = None
) -> None:
    """Undo a whole AP or GL export (PUT /api/v3/bill/unexport/{guid}): its bills wait for export again."""
    from apportion.services.access import auth
    from apportion.services.accounting import exports as accounting_exports

    with _reading(_settings()) as db:
        auth.principal_of(db, user).require("ExportBills", "Run")
        selected, updated = accounting_exports.unexport_guid(db, guid)
        typer.echo(f"export {guid}: {selected} bills, {updated} unexported")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as problem:
        raise RuleViolation(f"Cannot write {path}: {problem.strerror or problem}.") from problem


DEMO_MONTHS = 13
DEMO_MONTHS_MAX = 24


def demo_periods(last: int, months: int) -> list[int]:
    """The `months` billing periods ending with `last`, oldest first."""
    found = [last]
    while len(found) < months:
        found.insert(0, periods.prior(found[0]))
    return found


@app.command("demo")
def run_demo(
    period: Annotated[int | None, _period_option("Billing period YYYYMM to charge back (default: last month)")] = None,
    meters: Annotated[
        int, typer.Option(min=1, max=demo_campus.MAX_METERS, help="Master meters of the campus, when one is loaded.")
    ] = demo_campus.DEFAULT_METERS,
    months: Annotated[
        int,
        typer.Option(
            min=1,
            max=DEMO_MONTHS_MAX,
            help="Months to run, ending with the period: 13 gives the digest a prior period and a prior year.",
        ),
    ] = DEMO_MONTHS,
) -> None:
    """A guided month-end: load the demo campus into an empty database, run its workflow for the last 13 months (so
    the last one compares with a real prior period and prior year), show the digest."""
    from apportion.services.access import auth
    from apportion.services.chargebacks import chargeback_tasks
    from apportion.services.chargebacks import digest as digest_service
    from apportion.services.demo import campus, demo_workflow
    from apportion.services.runs import processing

    out = views.stdout()
    start = _bootstrap(_settings())
    db = start.db
    _announce_key(start)
    try:
        if campus.is_empty(db):
            summary = campus.load_campus(db, datetime.now(), meters=meters)
            out.print(
                f"1. loaded the demo campus: {summary.buildings} buildings, {summary.master_meters} master meters, "
                f"{summary.submeters} tenant submeters, {summary.bills} vendor bills "
                f"({summary.first_period}..{summary.last_period})"
            )
        else:
            out.print("1. the database already holds data: using it")
        flow = demo_workflow.ensure_workflow(db)
        made = "created" if flow.created else "found"
        out.print(
            f"2. {made} workflow {flow.workflow_id} '{demo_workflow.WORKFLOW_INFO}': step {flow.step_id} splits "
            f"{flow.versions} master meters' bills among their buildings' tenants"
        )
        principal = auth.principal_of(db, None)
        last = period if period is not None else periods.prior(periods.of_date(date.today()))
        periods.check(last)
        months_run = demo_periods(last, months)
        rows = []
        bills_made = 0
        with views.progress_bar(f"running the workflow for {len(months_run)} months") as report:
            for number, month in enumerate(months_run, start=1):
                settings = _run_settings(month, "apportion demo", None)
                task_ids = processing.run_workflow(db, flow.workflow_id, settings, principal, datetime.now)
                rows = chargeback_tasks.get_tasks(db, task_ids)
                bills_made += sum(row.number_of_bills_created for row in rows)
                report(number, len(months_run), f"ran {month}")
        out.print(
            f"3. ran the workflow for {len(months_run)} months, {months_run[0]}..{last} ({bills_made} bills); "
            "the last one:"
        )
        for row in rows:
            views.chargeback_summary(out, row, chargeback_tasks.error_rows(db, row.task_id))
        result = digest_service.get_digest(db, flow.step_id, last, date.today())
    except DomainError as error:
        raise _fail(error) from error
    finally:
        db.dispose()
    out.print("4. the digest of the split step:")
    views.digest(out, result)
    out.print(f"again: apportion digest --step {flow.step_id} --period {result.billing_period}")
    out.print("the API and the pages: apportion serve")


def _save_table(path: Path, table: Table, file_format: str) -> None:
    """Write an exports.Table to `path` as CSV or XLSX (`-` for CSV on standard output)."""
    from apportion.importer import tables

    if file_format == "xlsx":
        chunks = tables.file_chunks(tables.xlsx_file(table.columns, table.rows, table.title))
    else:
        chunks = tables.csv_chunks(table.columns, table.rows)
    if str(path) == "-":
        if file_format == "xlsx":
            raise RuleViolation("An XLSX file cannot go to standard output: name a file ending in .xlsx.")
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
    except OSError as problem:
        raise RuleViolation(f"Cannot write {path}: {problem.strerror or problem}.") from problem


OutputArgument = Annotated[
    Path, typer.Argument(help="File to write: .csv or .xlsx (the format follows the name); - for CSV on stdout.")
]


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if str(path) == "-" or suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    typer.secho(f"error: {path}: name a file ending in .csv or .xlsx (or - for CSV on stdout)", fg="red", err=True)
    raise typer.Exit(2)


def _export(output: Path, make: Callable[[Database], Table]) -> None:
    file_format = _format_of(output)
    with _reading(_settings()) as db:
        _save_table(output, make(db), file_format)
    if str(output) != "-":
        typer.echo(f"wrote {output}", err=True)


@export_app.command("digest")
def export_digest(
    output: OutputArgument,
    step: StepOption,
    period: Annotated[
        int | None, _period_option("Billing period YYYYMM (default: the step's latest task period)")
    ] = None,
) -> None:
    """A step's digest, every column (as GET /apportion/v1/digest/{stepId}/export)."""
    from apportion.services import exports  # openpyxl and the export queries load only when asked

    _export(output, lambda db: exports.digest(db, step, period, date.today()))


@export_app.command("task")
def export_task(
    task: Annotated[int, typer.Argument(help="Chargeback task id (apportion tasks).")], output: OutputArgument
) -> None:
    """Every bill a chargeback task wrote (as GET /apportion/v1/chargebackTask/{id}/bills/export)."""
    from apportion.services import exports  # openpyxl and the export queries load only when asked

    _export(output, lambda db: exports.task_bills(db, task))


@export_app.command("batch")
def export_batch(batch: Annotated[int, typer.Argument(help="Batch id.")], output: OutputArgument) -> None:
    """Every bill of a batch (as GET /apportion/v1/batch/{id}/bills/export)."""
    from apportion.services import exports  # openpyxl and the export queries load only when asked

    _export(output, lambda db: exports.batch_bills(db, batch))


@export_app.command("bills")
def export_bills(
    output: OutputArgument,
    filter_text: Annotated[
        str | None,
        typer.Option("--filter", help="The filter of GET /api/v3/bill, e.g. \"billingPeriod equals '202611'\"."),
    ] = None,
) -> None:
    """Every bill matching a filter, all pages (as GET /apportion/v1/bill/export)."""
    from apportion.services import exports  # openpyxl and the export queries load only when asked

    _export(output, lambda db: exports.bill_list(db, filter_text, date.today()))


@app.command("workflows")
def list_workflows() -> None:
    """List the chargeback workflows and their steps (the ids run, digest and export take)."""
    from apportion.services.chargebacks import workflows

    with _reading(_settings()) as db:
        found = workflows.list_workflows(db)
    views.workflows(views.stdout(), found)


@app.command("steps")
def list_steps() -> None:
    """List the chargeback workflow steps with their type and workflow."""
    from apportion.services.chargebacks import workflows

    with _reading(_settings()) as db:
        found = workflows.list_steps(db, None)
    views.steps(views.stdout(), found)


@app.command("tasks")
def list_tasks(
    step: Annotated[int | None, typer.Option("--step", help="Only this workflow step's tasks.")] = None,
    period: Annotated[int | None, _period_option("Only this billing period YYYYMM")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
) -> None:
    """List the newest chargeback tasks: status, bills, batch (ids for export task and conservation)."""
    from apportion.services.chargebacks import chargeback_tasks

    with _reading(_settings()) as db:
        found = chargeback_tasks.recent_tasks(db, step, period, limit)
    views.tasks(views.stdout(), found)


@app.command("users")
def list_users() -> None:
    """List the users (codes to pass to --user, user key)."""
    from apportion.services.access import users

    with _reading(_settings()) as db:
        found = users.list_users(db, None, date.today())
    views.users(views.stdout(), found)


@user_app.command("key")
def user_key(
    user_code: Annotated[str, typer.Argument(help="Login code of the user.")],
    rotate: Annotated[
        bool, typer.Option("--rotate", help="Replace the user's keys with a new one and print it (shown once).")
    ] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="Delete every key of the user.")] = False,
) -> None:
    """Rotate (--rotate) or revoke (--revoke) a user's API keys; the old keys are refused at once."""
    from apportion.services.access import auth

    if rotate == revoke:
        typer.secho("error: give --rotate or --revoke", fg="red", err=True)
        raise typer.Exit(2)
    with _reading(_settings()) as db:
        if rotate:
            typer.echo(auth.rotate_key(db, user_code, datetime.now()))
            typer.echo(f"the new key of {user_code} (shown once); its earlier keys no longer work", err=True)
        else:
            gone = auth.revoke_keys(db, user_code)
            typer.echo(f"revoked {gone} key{'s' if gone != 1 else ''} of {user_code}")


@app.command("worker")
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=16, help="Tasks this process runs at once.")] = 1,
    name: Annotated[str | None, typer.Option(help="Worker name in the logs (default: the host name).")] = None,
) -> None:
    """Run queued tasks (bill imports) from the PostgreSQL queue until SIGINT/SIGTERM; run any number, anywhere."""
    import logging

    from apportion.jobs import readiness

    settings = _settings()
    try:
        readiness.check_ready(settings)  # before the queue's import, which loads the whole app
    except readiness.QueueNotReady as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    from apportion.jobs import queue as job_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    job_queue.run_worker(settings, concurrency=concurrency, name=name)


def main() -> None:
    """Entry point of the `apportion` script; a database it cannot reach is a message and exit code 2."""
    try:
        app()
    except Exception as error:
        # Imported only on the way out: a command that never reached for the database cannot have raised these.
        import psycopg
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import OperationalError

        if not isinstance(error, (OperationalError, psycopg.OperationalError)):
            raise
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        url = make_url(_settings().database_url).render_as_string(hide_password=True)
        typer.secho(f"error: the database {url} cannot be reached: {reason}", fg=typer.colors.RED, err=True)
        raise SystemExit(2) from None
