"""`quorum purge`: meetings past the retention period are listed, deleted only with --yes, unfinished kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from adapters.cli import main
from bot.core import Core
from store.models import ActionItem, AgendaItem, Meeting, MeetingMaterials, Notification, Participant
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.harness import Chat, ManualClock

TODAY = MONDAY_9AM  # what `quorum purge` is told "now" is
THREE_YEARS_AGO = TODAY - timedelta(days=3 * 365)


def meeting(chat: Chat, title: str, leave_open: bool) -> None:
    chat.now = chat.now.replace(hour=9, minute=0)
    while chat.now.weekday() >= 5:  # a weekend meeting would wait for the host's yes (scheduling sense)
        chat.now += timedelta(days=1)
    chat.command("alice", f'new "{title}" today 10am with @bob agenda "Scope" 20m materials: https://example.com/d')
    chat.now = chat.now.replace(hour=10)
    chat.command("alice", "start")
    chat.command("alice", "action @bob write it up by tomorrow")
    chat.now += timedelta(minutes=30)
    chat.command("alice", "end")
    if not leave_open:
        chat.dm("bob", "done")
    chat.now += timedelta(days=1)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "quorum.db"
    chat = Chat(migrated_core(make_settings(f"sqlite:///{path}")), THREE_YEARS_AGO)
    meeting(chat, "Old and finished", leave_open=False)
    meeting(chat, "Old with open work", leave_open=True)
    chat.now = TODAY - timedelta(days=30)
    meeting(chat, "Recent", leave_open=False)
    return path


def counts(path: Path) -> dict[str, int]:
    core = Core(make_settings(f"sqlite:///{path}"))
    with Session(core.engine) as session:
        return {model.__name__: int(session.exec(select(func.count()).select_from(model)).one())
                for model in (Meeting, Participant, AgendaItem, ActionItem)}


def test_a_dry_run_lists_and_deletes_nothing(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(database)
    assert main(["purge", "--db", str(database)], clock=ManualClock(TODAY)) == 0
    out = capsys.readouterr().out
    assert "would delete: workspace 1 #1 Old and finished" in out
    assert "keep (unfinished work): workspace 1 #2 Old with open work" in out
    assert "Recent" not in out and "1 meeting(s) older than 24 months" in out and "--yes" in out
    assert counts(database) == before


def test_yes_deletes_the_finished_old_meeting_and_everything_hanging_off_it(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["purge", "--db", str(database), "--yes"], clock=ManualClock(TODAY)) == 0
    assert "1 meeting(s) older than 24 months" in capsys.readouterr().out
    assert counts(database) == {"Meeting": 2, "Participant": 4, "AgendaItem": 2, "ActionItem": 2}
    core = Core(make_settings(f"sqlite:///{database}"))
    with Session(core.engine) as session:
        titles = sorted(m.title for m in session.exec(select(Meeting)))
        orphans = session.exec(select(Notification).where(Notification.meeting_id == 1)).all()
        materials = sorted(m.meeting_id for m in session.exec(select(MeetingMaterials)))
    assert titles == ["Old with open work", "Recent"] and orphans == [] and materials == [2, 3]


def test_the_retention_period_cannot_be_set_below_two_years(database: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QUORUM_RETENTION_MONTHS", "6")
    assert main(["purge", "--db", str(database), "--yes"], clock=ManualClock(TODAY)) == 2
    assert "greater than or equal to 24" in capsys.readouterr().err
