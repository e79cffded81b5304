"""``intakedesk``: serve, migrate and administer an instance.

Each command prints its result as its last line; errors print one line to
stderr and exit non-zero.
"""

import argparse
import asyncio
import errno
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import cli_admin
from app.settings import Settings, SettingsError, get_settings
from resolvers.errors import DomainError

T = TypeVar("T")


class CliError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intakedesk",
        description="Serve, migrate and administer an IntakeDesk instance. Every command "
        "reads the INTAKEDESK_* settings and prints its result as its last line.",
        epilog="intakedesk COMMAND --help describes each command; README.md has examples.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then run the API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--demo", action="store_true", help="load (or reuse) a demo org first; print a key"
    )

    commands.add_parser("migrate", help="alembic upgrade head")
    commands.add_parser("worker", help="run background jobs only (PostgreSQL)")

    orgs = commands.add_parser("orgs", help="create and list orgs").add_subparsers(
        dest="action", required=True
    )
    create_org = orgs.add_parser("create", help="make an org; prints its id last")
    create_org.add_argument("--name", required=True, help="refused if an org has it already")
    create_org.add_argument("--id", dest="org_id", help="a fixed id (org_…) instead of a new one")
    create_org.add_argument(
        "--allow-duplicate-name", action="store_true", help="make it even if the name is taken"
    )

    users = commands.add_parser("users", help="an org's members").add_subparsers(
        dest="action", required=True
    )
    add_user = users.add_parser("add", help="add a member or change their role; prints the id")
    add_user.add_argument("--org", required=True, help="org id (org_…)")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--role", required=True, choices=["admin", "coordinator", "viewer"])
    add_user.add_argument("--uid", help="their Firebase uid, if known")

    keys = commands.add_parser("api-keys", help="an org's API keys").add_subparsers(
        dest="action", required=True
    )
    create_key = keys.add_parser("create", help="make a key; prints the secret last, once")
    create_key.add_argument("--org", required=True, help="org id (org_…)")
    create_key.add_argument("--name", required=True, help="what uses it, e.g. EMR bridge")
    cli_admin.add_parsers(orgs, users, keys)

    token = commands.add_parser("dev-token", help="local auth: print an ID token")
    token.add_argument("--email", required=True, help="a user added with users add")

    commands.add_parser("export-schema", help="rewrite schema.graphql")

    bridge = commands.add_parser("bridge", help="reference EMR bridge: drain the EMR queues")
    bridge.add_argument("--url", required=True, help="the IntakeDesk base URL")
    bridge.add_argument("--key", required=True, help="an API key (desk_…) of the org")
    bridge.add_argument("--out", required=True, type=Path, help="folder standing in for the EMR")
    bridge.add_argument("--once", action="store_true", help="drain both queues, then exit")
    bridge.add_argument("--interval", type=float, default=10.0, help="seconds between polls")
    return parser


async def _in_transaction(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    from app.db import create_engine, session_factory, transaction
    from app.storage import build_storage
    from resolvers.context import Context

    engine = create_engine(settings)
    try:
        async with transaction(session_factory(engine)) as session:
            ctx = Context(
                session=session,
                settings=settings,
                storage=build_storage(settings),
                system_actor="cli",
            )
            return await work(ctx)
    finally:
        await engine.dispose()


def _run(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    return asyncio.run(_in_transaction(settings, work))


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> str:
    from app.migrate import upgrade_head

    upgrade_head(settings.database_url)
    return "database is at the latest schema"


def cmd_orgs_create(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import orgs

    org = _run(
        settings,
        lambda ctx: orgs.create(
            ctx, name=args.name, org_id=args.org_id, unique_name=not args.allow_duplicate_name
        ),
    )
    return org.id


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import orgs

    user = _run(
        settings,
        lambda ctx: orgs.add_member(
            ctx, org_id=args.org, email=args.email, role=args.role, uid=args.uid
        ),
    )
    return user.id


def cmd_api_keys_create(settings: Settings, args: argparse.Namespace) -> str:
    from models import Org
    from resolvers import api_keys

    async def work(ctx: Any) -> str:
        if await ctx.session.get(Org, args.org) is None:
            raise CliError(f"org {args.org} not found")
        created = await api_keys.issue(ctx, org_id=args.org, name=args.name)
        return created.secret

    return _run(settings, work)


def cmd_dev_token(settings: Settings, args: argparse.Namespace) -> str:
    return _run(settings, lambda ctx: dev_token(ctx, args.email))


async def dev_token(ctx: Any, email: str) -> str:
    from app.auth.local import LocalVerifier
    from models import User

    settings = ctx.settings
    if settings.auth != "local":
        raise CliError("dev-token needs INTAKEDESK_AUTH=local")
    user = (
        await ctx.session.scalars(select(User).where(User.email == email.strip().lower()))
    ).first()
    if user is None:
        raise CliError(f"no user {email}; add one with: intakedesk users add")
    if user.uid is None:
        user.uid = user.id
        ctx.session.add(user)
    verifier = LocalVerifier(settings.secret_key, settings.firebase_project_id)
    return verifier.issue_id_token(uid=user.uid, email=user.email, name=user.display_name)


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> str:
    from app.graphql.schema import print_sdl

    path = Path(__file__).resolve().parent.parent / "schema.graphql"
    path.write_text(print_sdl())
    return str(path)


def cmd_bridge(settings: Settings, args: argparse.Namespace) -> str:
    import httpx

    from app.bridge import BridgeError, run

    try:
        clean, line = run(args.url, args.key, args.out, once=args.once, interval=args.interval)
    except (httpx.HTTPError, BridgeError) as exc:
        raise CliError(f"bridge: {exc}") from None
    if not clean:
        raise CliError(f"bridge: {line}")
    return line


def serving_url(host: str, port: int) -> str:
    """Where this server is reached from this machine: signed file URLs are built on it."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def refuse_a_taken_port(host: str, port: int) -> None:
    """Say so before anything is done, when another server has the port: ``--demo`` would
    otherwise rotate the demo key (revoking the running server's) and only then fail."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(f"{host}:{port} is in use (another server?); try --port") from None


def cmd_serve(settings: Settings, args: argparse.Namespace) -> str:
    import uvicorn

    from app.main import create_app
    from app.observability import configure_logging

    refuse_a_taken_port(args.host, args.port)
    if "public_url" not in settings.model_fields_set:
        # Without INTAKEDESK_PUBLIC_URL, links name the port actually served, not 8000.
        settings = settings.model_copy(update={"public_url": serving_url(args.host, args.port)})
    cmd_migrate(settings, args)
    if args.demo:
        from app.demo import load_demo

        for line in _run(settings, load_demo):
            print(line, flush=True)
    print(f"IntakeDesk on http://{args.host}:{args.port} (GraphiQL at /graphql)", flush=True)
    configure_logging()  # JSON lines; one per request replaces uvicorn's access log
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return "stopped"


def cmd_worker(settings: Settings, args: argparse.Namespace) -> str:
    if settings.is_sqlite:
        raise CliError(
            "intakedesk worker needs PostgreSQL; on SQLite, intakedesk serve runs the jobs itself"
        )
    from app.worker import run_forever

    print("IntakeDesk worker running (Ctrl-C stops it)", flush=True)
    asyncio.run(run_forever(settings))
    return "stopped"


COMMANDS: dict[tuple[str, str | None], Callable[[Settings, argparse.Namespace], str]] = {
    ("serve", None): cmd_serve,
    ("migrate", None): cmd_migrate,
    ("worker", None): cmd_worker,
    ("orgs", "create"): cmd_orgs_create,
    ("users", "add"): cmd_users_add,
    ("api-keys", "create"): cmd_api_keys_create,
    ("dev-token", None): cmd_dev_token,
    ("export-schema", None): cmd_export_schema,
    ("bridge", None): cmd_bridge,
    **cli_admin.COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = COMMANDS[(args.command, getattr(args, "action", None))]
    try:
        settings = get_settings()
        print(command(settings, args))
    except (SettingsError, CliError) as exc:
        print(f"intakedesk: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"intakedesk: {exc.message}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(
            f"intakedesk: database or file error ({reason}); is the database migrated "
            "(intakedesk migrate) and reachable?",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
