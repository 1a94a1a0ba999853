"""``archive serve`` and ``archive migrate``."""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from typing import TYPE_CHECKING, cast

import click

from services.common.auth import TokenCodec
from services.common.clock import SystemClock
from services.common.config import Settings, load_settings
from services.common.in_use import to_itself, using
from services.common.logs import configure_logging
from services.common.parts import PART_NAMES, PartName

if TYPE_CHECKING:
    from services.common.context import Context


def build_context(settings: Settings, hosted: tuple[PartName, ...], self_url: str) -> Context:
    from services.common.context import Context

    apart = set(hosted) != set(PART_NAMES) or settings.parts_apart
    return Context(settings=settings, clock=SystemClock(settings.time_zone), self_url=self_url,
                   codec=TokenCodec(settings.signing_key(shared=apart),
                                    ttl_s=settings.token_ttl_s),
                   hosted=hosted)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--service", type=click.Choice(("all", *PART_NAMES)), default="all",
              show_default=True,
              help="Run every service and the staff pages (web) in one process, or just one.")
def serve(host: str, port: int, service: str) -> None:
    """Serve the archive (all services on embedded defaults unless configured)."""
    from services.server import ensure_port_free

    settings = load_settings()
    configure_logging(settings.log_level)
    # Said before anything starts: a part apart with a key of its own accepts no token.
    settings.signing_key(shared=service != "all" or settings.parts_apart)
    ensure_port_free(host, port)
    # Here, not at the top: 'archive --help' loads this module, and a bad setting, a taken
    # port or a data directory in use is said before the seconds of loading the services.
    from services.search.index.tantivy_index import locks_held_while_served

    # Embedded, one server per data directory, and no migrate or restore under it.
    with (using(settings.data_dir, "archive serve", older=locks_held_while_served(settings))
          if settings.embedded else nullcontext()):
        _serve_until_stopped(settings, host, port, service)


def _serve_until_stopped(settings: Settings, host: str, port: int, service: str) -> None:
    """Build the app hosting ``service`` (or all) and serve it at ``host``:``port``."""
    from services.app import create_app
    from services.server import build_server
    from services.server import serve as run_server

    hosted = PART_NAMES if service == "all" else (cast(PartName, service),)  # click.Choice
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison
    app = create_app(build_context(settings, hosted, f"http://{local}:{port}"))
    pages = "staff pages at /ui/search, " if "web" in hosted else ""

    def announce() -> None:
        click.echo(f"archive: serving {', '.join(hosted)} at http://{host}:{port} "
                   f"({pages}API docs at /schema)", err=True)

    asyncio.run(run_server(app, build_server(app, host, port,
                                             trusted_proxies=settings.trusted_proxies),
                           on_started=announce))


@click.command()
def migrate() -> None:
    """Bring every service's tables to the newest schema (needed with ARCHIVE_DATABASE_URL).

    Embedded, refused while an archive serve or worker uses the data directory. With
    ARCHIVE_MIGRATION_DATABASE_URL, migrates as that role (the tables' owner) and grants
    the role of ARCHIVE_DATABASE_URL what the services need: on the audit log, INSERT and
    SELECT only. Says for each service the revisions it went from and to, or that it was
    already at the newest."""
    settings = load_settings()  # a bad setting is said before loading the services
    from services.search.index.tantivy_index import locks_held_while_served

    with (to_itself(settings.data_dir, "archive migrate",
                    older=locks_held_while_served(settings))
          if settings.embedded else nullcontext()):
        from services.common.migrations import migrate_configured

        migrations, app_role = migrate_configured(settings)
    for migration in migrations:
        click.echo(migration.said)
    if app_role:
        click.echo(f"role {app_role} may only insert and read audit rows")
