"""``intakedesk orgs|users|api-keys list/remove/revoke``: see and undo what exists.

Lists print a table for people, or with ``--json`` one JSON array for scripts; a
change prints the id it changed as its last line, as the create commands do.
"""

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from app.settings import Settings

Row = dict[str, Any]


def _when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def render(rows: Sequence[Row], columns: Sequence[str], *, as_json: bool, empty: str) -> str:
    """One JSON array, or an aligned table with a header (``empty`` when there are none)."""
    if as_json:
        return json.dumps(list(rows), indent=2)
    if not rows:
        return empty
    cells = [[str(row[c]) if row[c] is not None else "-" for c in columns] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    lines = [columns, *cells]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _run(settings: Settings, work: Callable[[Any], Any]) -> Any:
    from app.cli import _run as run_in_transaction

    return run_in_transaction(settings, work)


# -- orgs --------------------------------------------------------------------------------------


def cmd_orgs_list(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import orgs

    summaries = _run(settings, orgs.list_all)
    rows = [
        {
            "id": s.org.id,
            "name": s.org.name,
            "members": s.members,
            "activeApiKeys": s.active_keys,
            "createdAt": _when(s.org.created_at),
        }
        for s in summaries
    ]
    columns = ["id", "name", "members", "activeApiKeys", "createdAt"]
    return render(rows, columns, as_json=args.json, empty="no orgs yet: intakedesk orgs create")


# -- users -------------------------------------------------------------------------------------


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import orgs

    members = _run(settings, lambda ctx: orgs.members(ctx, org_id=args.org))
    rows = [
        {
            "id": m.user.id,
            "email": m.user.email,
            "role": m.role.value,
            "uid": m.user.uid,
            "disabled": m.user.disabled,
            "addedAt": _when(m.added_at),
        }
        for m in members
    ]
    columns = ["id", "email", "role", "uid", "addedAt"]
    return render(rows, columns, as_json=args.json, empty=f"no members in {args.org}")


def cmd_users_remove(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import orgs

    user = _run(settings, lambda ctx: orgs.remove_member(ctx, org_id=args.org, email=args.email))
    return str(user.id)


# -- api keys ----------------------------------------------------------------------------------


def cmd_api_keys_list(settings: Settings, args: argparse.Namespace) -> str:
    from models import Org
    from resolvers import api_keys
    from resolvers.errors import not_found

    async def work(ctx: Any) -> list[Any]:
        if await ctx.session.get(Org, args.org) is None:
            raise not_found("org", args.org)
        return await api_keys.of_org(ctx, org_id=args.org, include_revoked=args.all)

    rows = [
        {
            "id": key.id,
            "name": key.name,
            "prefix": key.prefix,
            "createdAt": _when(key.created_at),
            "lastUsedAt": _when(key.last_used_at),
            "revokedAt": _when(key.revoked_at),
        }
        for key in _run(settings, work)
    ]
    columns = ["id", "name", "prefix", "createdAt", "lastUsedAt"]
    if args.all:
        columns.append("revokedAt")
    return render(rows, columns, as_json=args.json, empty=f"no active API keys in {args.org}")


def cmd_api_keys_revoke(settings: Settings, args: argparse.Namespace) -> str:
    from resolvers import api_keys

    key = _run(settings, lambda ctx: api_keys.withdraw(ctx, org_id=args.org, key_id=args.id))
    return str(key.id)


# -- wiring ------------------------------------------------------------------------------------


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON array, for scripts")


def add_parsers(orgs: Any, users: Any, keys: Any) -> None:
    """Add the list/remove/revoke subcommands to ``orgs``, ``users`` and ``api-keys``."""
    orgs_list = orgs.add_parser("list", help="every org, with its member and key counts")
    _json_flag(orgs_list)

    users_list = users.add_parser("list", help="the members of an org and their roles")
    users_list.add_argument("--org", required=True, help="org id (org_…)")
    _json_flag(users_list)
    users_remove = users.add_parser(
        "remove", help="take a user out of an org; prints the user id last"
    )
    users_remove.add_argument("--org", required=True, help="org id (org_…)")
    users_remove.add_argument("--email", required=True)

    keys_list = keys.add_parser("list", help="an org's active API keys (never their secrets)")
    keys_list.add_argument("--org", required=True, help="org id (org_…)")
    keys_list.add_argument("--all", action="store_true", help="include revoked keys")
    _json_flag(keys_list)
    keys_revoke = keys.add_parser("revoke", help="revoke a key at once; prints its id last")
    keys_revoke.add_argument("--id", required=True, help="key id (key_…), as listed")
    keys_revoke.add_argument("--org", help="refuse unless the key is this org's")


COMMANDS: dict[tuple[str, str | None], Callable[[Settings, argparse.Namespace], str]] = {
    ("orgs", "list"): cmd_orgs_list,
    ("users", "list"): cmd_users_list,
    ("users", "remove"): cmd_users_remove,
    ("api-keys", "list"): cmd_api_keys_list,
    ("api-keys", "revoke"): cmd_api_keys_revoke,
}
