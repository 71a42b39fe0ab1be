"""The engine from settings: the default SQLite file, its pragmas, PostgreSQL by URL, clear
errors for a bad URL or an unreachable server; `tradepivot db upgrade|status`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tradepivot.cli import main
from tradepivot.config import Settings
from tradepivot.db import make_engine, read_session, write_session
from tradepivot.errors import DataSourceError, InputError


def test_the_default_database_is_a_file_in_the_user_data_folder(tmp_path: Path) -> None:
    engine = make_engine(Settings())
    database = engine.url.database
    assert database is not None and database.endswith("tradepivot/portal.sqlite3")
    assert Path(database).parent.is_dir()  # created, so the first connection works
    engine.dispose()


def test_sqlite_connections_keep_foreign_keys_wal_and_wait(tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path}/p.sqlite3"))
    with read_session(engine) as session:
        pragma = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout")
        }
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 30000}
    engine.dispose()


def test_a_write_session_commits_and_a_failure_rolls_back(engine: Engine) -> None:
    from tradepivot.db.models import EventRow

    with write_session(engine) as session:
        session.add(EventRow(id="kept", name="Kept", timezone="UTC"))
    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(EventRow(id="lost", name="Lost", timezone="UTC"))
        session.flush()
        raise RuntimeError("boom")
    with read_session(engine) as session:
        ids = session.execute(text("SELECT id FROM events ORDER BY id")).scalars().all()
    assert ids == ["kept"]


@pytest.mark.parametrize(
    ("url", "words"),
    [("not a url", "is not a database URL"), ("mysql://u@h/db", "SQLite and PostgreSQL")],
)
def test_a_bad_url_is_an_input_error(url: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        make_engine(url)


def test_an_unreachable_server_is_a_data_source_error_without_the_password() -> None:
    from tradepivot.db import status

    engine = make_engine("postgresql+psycopg://u:secret@127.0.0.1:1/db", pool_pre_ping=False)
    with pytest.raises(DataSourceError) as info:
        status(engine)
    assert "secret" not in str(info.value) and "127.0.0.1:1" in str(info.value)
    assert "PostgreSQL server running" in (info.value.hint or "")


def test_db_status_and_upgrade_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    assert main(["db", "status", "--url", url]) == 1
    assert (
        "pending:  0001_initial, 0002_organisers, 0003_event_revision, 0004_browser_sessions, "
        "0005_event_jobs" in capsys.readouterr().out
    )
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "migrated from an empty database to 0005_event_jobs" in capsys.readouterr().out
    monkeypatch.setenv("TRADEPIVOT_DATABASE_URL", url)  # the environment names it too
    assert main(["db", "upgrade"]) == 0
    assert "already at schema 0005_event_jobs" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_db_status_of_a_server_that_is_down_exits_1_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["db", "status", "--url", "postgresql+psycopg://postgres@127.0.0.1:1/x"])
    assert code == 1
    assert "Connection refused" in capsys.readouterr().err
