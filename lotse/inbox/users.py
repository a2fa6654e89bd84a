"""Manages inbox logins (database from LOTSE_DATABASE_URL, agencies from content/agencies.yml).

    python -m lotse.inbox.users create --username NAME --agency AGENCY_ID [--password-stdin]
    python -m lotse.inbox.users create --username NAME --operator [--password-stdin]
    python -m lotse.inbox.users reset --username NAME [--password-stdin]
    python -m lotse.inbox.users list

Without --password-stdin the password is asked for twice. ``reset`` sets a new password and
ends all sessions of that user. Errors exit with code 2.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from lotse import content as content_module
from lotse.handoff.models import InboxSession, InboxUser
from lotse.handoff.store import HandoffStore
from lotse.inbox import auth


class UsageError(Exception):
    """A problem the operator can fix; printed and answered with exit code 2."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat the password: ") != password:
            raise UsageError("the two passwords differ")
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        raise UsageError(f"the password must have at least {auth.MIN_PASSWORD_LENGTH} "
                         "characters")
    if len(password) > auth.MAX_PASSWORD_LENGTH:
        raise UsageError(f"the password must have at most {auth.MAX_PASSWORD_LENGTH} characters")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("the password contains characters that are not valid text")
    return password


def checked_username(raw: str) -> str:
    username = auth.normalize_username(raw)
    if not auth.USERNAME_PATTERN.match(username):
        raise UsageError("user names have 2 to 64 characters: lowercase letters, digits and "
                         ". _ @ - (starting with a letter or digit)")
    return username


def create(store: HandoffStore, username: str, agency_id: Optional[str], operator: bool,
           from_stdin: bool) -> str:
    username = checked_username(username)
    if operator:
        if agency_id:
            raise UsageError("operators belong to no agency: leave out --agency")
    else:
        if not agency_id:
            raise UsageError("--agency is required (or --operator for an operator login)")
        if content_module.load().agency_directory.get(agency_id) is None:
            raise UsageError(f"unknown agency '{agency_id}': it is not in content/agencies.yml")
    password_hash = auth.hash_password(read_password(from_stdin))

    def insert(session) -> None:
        if session.execute(select(InboxUser.id).where(InboxUser.username == username)).first():
            raise UsageError(f"the user '{username}' exists already (use reset)")
        session.add(InboxUser(username=username, agency_id=None if operator else agency_id,
                              role="operator" if operator else "agency",
                              password_hash=password_hash))
    try:
        store.write(insert)
    except IntegrityError:
        raise UsageError(f"the user '{username}' exists already (use reset)")
    return f"created {'operator' if operator else 'agency user'} '{username}'"


def reset(store: HandoffStore, username: str, from_stdin: bool) -> str:
    username = auth.normalize_username(username)
    with store.session() as session:
        if not session.execute(select(InboxUser.id).where(InboxUser.username == username)
                               ).first():
            raise UsageError(f"there is no user '{username}'")
    password_hash = auth.hash_password(read_password(from_stdin))

    def change(session) -> int:
        user = session.execute(select(InboxUser).where(InboxUser.username == username)
                               ).scalar_one_or_none()
        if user is None:
            raise UsageError(f"there is no user '{username}'")
        user.password_hash = password_hash
        return session.execute(delete(InboxSession).where(InboxSession.user_id == user.id)
                               ).rowcount
    ended = store.write(change)
    return f"changed the password of '{username}', ended {ended} session(s)"


def remove(store: HandoffStore, username: str) -> str:
    """Deletes a login and its sessions (staff leaving an agency)."""
    username = auth.normalize_username(username)

    def delete_user(session) -> None:
        user = session.execute(select(InboxUser).where(InboxUser.username == username)
                               ).scalar_one_or_none()
        if user is None:
            raise UsageError(f"there is no user '{username}'")
        session.execute(delete(InboxSession).where(InboxSession.user_id == user.id))
        session.delete(user)
    store.write(delete_user)
    return f"deleted '{username}' and ended their sessions"


def list_users(store: HandoffStore) -> str:
    with store.session() as session:
        users = session.execute(select(InboxUser.username, InboxUser.role, InboxUser.agency_id,
                                       InboxUser.created_at).order_by(InboxUser.username)
                                ).all()
    lines = ["username\trole\tagency\tcreated (UTC)"]
    lines += [f"{name}\t{role}\t{agency or '-'}\t{created:%Y-%m-%d %H:%M}"
              for name, role, agency, created in users]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m lotse.inbox.users",
                                          description="Manage logins of the agency inbox.")
    commands = main_parser.add_subparsers(dest="command", required=True)
    create_parser = commands.add_parser("create", help="create a login")
    create_parser.add_argument("--username", required=True)
    create_parser.add_argument("--agency", help="agency id from content/agencies.yml")
    create_parser.add_argument("--operator", action="store_true",
                               help="an operator login (no agency)")
    reset_parser = commands.add_parser("reset", help="set a new password, end all sessions")
    reset_parser.add_argument("--username", required=True)
    for sub in (create_parser, reset_parser):
        sub.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")
    delete_parser = commands.add_parser("delete", help="delete a login and its sessions")
    delete_parser.add_argument("--username", required=True)
    commands.add_parser("list", help="list logins (without password hashes)")
    return main_parser


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        store = HandoffStore()
        store.create_schema()
        if args.command == "create":
            print(create(store, args.username, args.agency, args.operator, args.password_stdin))
        elif args.command == "reset":
            print(reset(store, args.username, args.password_stdin))
        elif args.command == "delete":
            print(remove(store, args.username))
        else:
            print(list_users(store))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, content_module.ContentError) as error:
        print(f"error: {type(error).__name__} (check LOTSE_DATABASE_URL and the content "
              "directory)", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\nerror: cancelled", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
