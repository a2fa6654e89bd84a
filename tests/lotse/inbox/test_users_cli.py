"""The users command line tool, run as a real subprocess against a temporary database."""
import os
import subprocess
import sys

from sqlalchemy import select

from lotse.handoff.models import InboxSession, InboxUser
from lotse.handoff.store import HandoffStore
from lotse.inbox import auth
from tests.lotse.inbox.conftest import AGENCY_A, ROOT

NEW_PASSWORD = "ein-ganz-neues-passwort"


def run_users(tmp_path, content_dir, *args, password="ein-langes-cli-passwort"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOTSE_CONTENT_DIR": str(content_dir),
           "LOTSE_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    return subprocess.run([sys.executable, "-m", "lotse.inbox.users", *args],
                          input=password + "\n", capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def cli_store(tmp_path):
    return HandoffStore(f"sqlite:///{tmp_path}/cli.db")


def test_create_list_and_reset(tmp_path, content_dir):
    created = run_users(tmp_path, content_dir, "create", "--username", "Anna.Berater",
                        "--agency", AGENCY_A, "--password-stdin")
    assert created.returncode == 0, created.stderr
    operator = run_users(tmp_path, content_dir, "create", "--username", "betrieb",
                         "--operator", "--password-stdin")
    assert operator.returncode == 0, operator.stderr
    store = cli_store(tmp_path)
    with store.session() as session:
        user = session.execute(select(InboxUser).where(InboxUser.username == "anna.berater")
                               ).scalar_one()
        assert (user.agency_id, user.role) == (AGENCY_A, "agency")
        assert auth.verify_password("ein-langes-cli-passwort", user.password_hash)
        user_id, old_hash = user.id, user.password_hash
        session.add(InboxSession(token_hash="0" * 64, user_id=user_id, csrf_token="c" * 43,
                                 expires_at=user.created_at.replace(year=2099)))
        session.commit()

    listed = run_users(tmp_path, content_dir, "list")
    assert listed.returncode == 0
    assert f"anna.berater\tagency\t{AGENCY_A}" in listed.stdout
    assert "betrieb\toperator\t-" in listed.stdout
    assert "scrypt" not in listed.stdout and old_hash not in listed.stdout

    reset = run_users(tmp_path, content_dir, "reset", "--username", "anna.berater",
                      "--password-stdin", password=NEW_PASSWORD)
    assert reset.returncode == 0, reset.stderr
    with store.session() as session:
        user = session.get(InboxUser, user_id)
        assert auth.verify_password(NEW_PASSWORD, user.password_hash)
        assert not auth.verify_password("ein-langes-cli-passwort", user.password_hash)
        assert session.execute(select(InboxSession)).first() is None
    store.engine.dispose()


def test_refusals_exit_with_2(tmp_path, content_dir):
    unknown = run_users(tmp_path, content_dir, "create", "--username", "anna",
                        "--agency", "gibt_es_nicht", "--password-stdin")
    assert unknown.returncode == 2 and "unknown agency 'gibt_es_nicht'" in unknown.stderr
    short = run_users(tmp_path, content_dir, "create", "--username", "anna", "--agency",
                      AGENCY_A, "--password-stdin", password="zu-kurz")
    assert short.returncode == 2 and "at least 12" in short.stderr
    missing = run_users(tmp_path, content_dir, "reset", "--username", "niemand",
                        "--password-stdin")
    assert missing.returncode == 2 and "no user 'niemand'" in missing.stderr
    assert run_users(tmp_path, content_dir, "create", "--username", "anna", "--agency",
                     AGENCY_A, "--password-stdin").returncode == 0
    twice = run_users(tmp_path, content_dir, "create", "--username", "anna", "--agency",
                      AGENCY_A, "--password-stdin")
    assert twice.returncode == 2 and "exists already" in twice.stderr
    listed = run_users(tmp_path, content_dir, "list").stdout
    assert len(listed.splitlines()) == 2  # header and anna only: the refused ones were not stored


def test_delete_removes_login_and_sessions(tmp_path, content_dir):
    assert run_users(tmp_path, content_dir, "create", "--username", "weg", "--agency",
                     AGENCY_A, "--password-stdin").returncode == 0
    deleted = run_users(tmp_path, content_dir, "delete", "--username", "weg")
    assert deleted.returncode == 0, deleted.stderr
    assert "weg" not in run_users(tmp_path, content_dir, "list").stdout
    again = run_users(tmp_path, content_dir, "delete", "--username", "weg")
    assert again.returncode == 2 and "no user 'weg'" in again.stderr
