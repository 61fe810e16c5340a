"""Exchange commands: the accounts and agreements an operator sets up from the shell."""

from __future__ import annotations

import json
import re
import sys
from typing import Annotated, Any, cast

import typer

from ortaq.config import Settings
from ortaq.exchange import audit
from ortaq.exchange.accounts import (
    ROLES,
    SCOPES,
    AccountError,
    Role,
    Scope,
    create_token,
    create_user,
    get_user,
    set_password,
)
from ortaq.exchange.agreements import list_agreements
from ortaq.store import Store
from ortaq.usage import UsageProblem

users_app = typer.Typer(help="Users who sign in to the newsroom.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
members_app = typer.Typer(help="Member organisations.", no_args_is_help=True)
agreements_app = typer.Typer(help="Exchange agreements between members.", no_args_is_help=True)


def _store() -> Store:
    return Store.open(Settings.from_env().database_url)


def _print(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    member: Annotated[
        str | None, typer.Option("--member", help="Member slug (every role but operator).")
    ] = None,
) -> None:
    """Create a user; the password is read from standard input (first line)."""
    password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(_store(), username, password, cast(Role, role), member=member)
    except AccountError as error:
        raise UsageProblem(f"cannot add user {username!r}: {error}") from None
    _print(user.to_json())


@users_app.command("password")
def users_password(username: str) -> None:
    """Set a user's password from standard input (first line); ends the user's sessions."""
    password = sys.stdin.readline().rstrip("\n")
    store = _store()
    try:
        set_password(store, username, password)
    except AccountError as error:
        raise UsageProblem(f"cannot set the password of {username!r}: {error}") from None
    audit.record(store, "cli", "password", f"user:{username}")
    typer.echo(f"password of {username} changed; every web session of {username} ended")


@tokens_app.command("create")
def tokens_create(
    username: str,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    scope: Annotated[str, typer.Option("--scope", help=f"One of: {', '.join(SCOPES)}.")] = "read",
) -> None:
    """Create an API token for a user and print it (it is never shown again)."""
    store = _store()
    user = get_user(store, username)
    if user is None:
        raise UsageProblem(f"{username!r}: no such user")
    try:
        token, secret = create_token(store, user.id, name, cast(Scope, scope))
    except AccountError as error:
        raise UsageProblem(f"cannot create a token for {username!r}: {error}") from None
    _print({**token.to_json(), "token": secret})


SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")  # as the API's /members/{slug}
COUNTRY = re.compile(r"[A-Z]{2}")


@members_app.command("add")
def members_add(
    slug: Annotated[str, typer.Argument(help="Lower-case letters, digits and '-'.")],
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    country: Annotated[
        str | None, typer.Option("--country", help="ISO 3166 alpha-2 code, e.g. KZ.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="A language it publishes in (repeat).")
    ] = None,
) -> None:
    """Add a member organisation (or rename an existing one); items name it as provider."""
    if not SLUG.fullmatch(slug):
        raise UsageProblem(f"{slug!r}: not a member slug (a-z, 0-9 and '-')")
    if country is not None and not COUNTRY.fullmatch(country):
        raise UsageProblem(f"--country {country!r}: not an ISO 3166 alpha-2 code")
    store = _store()
    exists = store.get_member(slug) is not None
    store.upsert_member(slug, name, country=country, languages=language or ())
    audit.record(store, "cli", "update" if exists else "create", f"member:{slug}", member=slug)
    _print(store.get_member(slug))


@members_app.command("list")
def members_list() -> None:
    """Member organisations, one JSON object per line."""
    for member in _store().list_members():
        _print(member)


@agreements_app.command("list")
def agreements_list() -> None:
    """Agreements with their parties, scope, rights, validity and status."""
    for agreement in list_agreements(_store()):
        _print(agreement.to_json())
