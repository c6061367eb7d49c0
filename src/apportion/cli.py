"""The `apportion` command: serve the API, migrate the database, manage users, load demo data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from apportion.domain import periods
from apportion.domain.errors import DomainError
from apportion.domain.permissions import parse_grants
from apportion.services import auth, demo
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.migrate import upgrade

app = typer.Typer(help="Apportion: utility-bill chargebacks with an EnergyCAP-compatible API.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
user_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")

KEY_FILE = Path("apportion-api-key.txt")


def _database(settings: Settings) -> Database:
    return Database(settings.database_url)


def _fail(error: DomainError) -> typer.Exit:
    typer.secho(f"error: {error.message}", fg=typer.colors.RED, err=True)
    if hasattr(error, "errors"):
        for field, reasons in error.errors.items():
            typer.secho(f"  {field}: {'; '.join(reasons)}", fg=typer.colors.RED, err=True)
    return typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to APPORTION_DATABASE_URL."""
    settings = Settings()
    db = _database(settings)
    upgrade(db.engine)
    typer.echo(f"database is up to date: {db.engine.url.render_as_string(hide_password=True)}")


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
    settings = Settings()
    db = _database(settings)
    try:
        grants = parse_grants(permission or [])
        _user_id, key = auth.create_user_with_key(db, user_code, full_name or user_code[:32], grants, datetime.now())
    except DomainError as error:
        raise _fail(error) from error
    typer.echo(key)


def _bootstrap(settings: Settings) -> tuple[Database, str | None]:
    """Migrate and create the first administrator if needed; returns a key to show."""
    db = _database(settings)
    upgrade(db.engine)
    shown: str | None = None
    if settings.bootstrap_api_key:
        auth.bootstrap_administrator(db, settings.bootstrap_api_key, datetime.now())
        shown = settings.bootstrap_api_key
    elif auth.bootstrap_administrator(db, key := auth.new_key(), datetime.now()):
        KEY_FILE.write_text(key + "\n")
        shown = key
    elif KEY_FILE.exists():
        shown = KEY_FILE.read_text().strip()
    return db, shown


def _prepare(settings: Settings) -> tuple[Database, str | None]:
    """Migrate, create the first administrator if needed, load demo data when asked; returns a key to show."""
    db, shown = _bootstrap(settings)
    if settings.load_demo_data and demo.load_if_empty(db, datetime.now()):
        typer.echo("loaded the demo campus")
    return db, shown


@app.command("demo-data")
def demo_data(
    meters: Annotated[
        int, typer.Option(min=1, max=demo.MAX_METERS, help="Master meters to generate (three to a building).")
    ] = demo.DEFAULT_METERS,
    seed: Annotated[int, typer.Option(help="Seed of the generated floor areas and bill figures.")] = demo.DEFAULT_SEED,
) -> None:
    """Load a generated campus with 24 months of vendor bills into an empty APPORTION_DATABASE_URL."""
    settings = Settings()
    db, _key = _bootstrap(settings)
    try:
        summary = demo.load_campus(db, datetime.now(), meters=meters, seed=seed)
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
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn after applying migrations."""
    import uvicorn

    settings = Settings()
    _db, key = _prepare(settings)
    base = f"http://{host}:{port}"
    if key:
        typer.echo(f"API key (administrator): {key}")
        typer.echo("Try:")
        typer.echo(f"  curl -s -H 'ECI-ApiKey: {key}' {base}/api/v3/me")
        typer.echo(f"  curl -s -H 'ECI-ApiKey: {key}' '{base}/api/v3/meter?pageSize=5'")
        # Last month's bills: the demo campus holds the 24 billing periods ending this month.
        period = periods.prior(periods.of_date(date.today()))
        typer.echo(
            f"  curl -s -H 'ECI-ApiKey: {key}' '{base}/api/v3/bill?filter=billingPeriod%20equals%20%27{period}%27'"
        )
        typer.echo(f"  curl -s -H 'ECI-ApiKey: {key}' {base}/api/v3/chargebackWorkflow")
    typer.echo(f"API docs: {base}/docs")
    uvicorn.run("apportion.asgi:app", host=host, port=port, workers=workers, log_level="info")


def main() -> None:
    """Entry point of the `apportion` script."""
    app()
