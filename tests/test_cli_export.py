"""`quorum export`: the files `/meeting export` posts, written to a folder from the command line."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from adapters.cli import main
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.harness import Chat


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "quorum.db"
    chat = Chat(migrated_core(make_settings(f"sqlite:///{path}")), MONDAY_9AM)
    chat.command("alice", 'new "Q3 roadmap" today 10am with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "#agreed ship on Dec 1")
    chat.command("alice", "action @bob write the spec by friday")
    chat.command("alice", "end")
    return path


def test_a_meetings_files_and_the_tracker(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["export", "--db", str(database), "--meeting", "1", "--format", "md,ics", "--out", str(out)]) == 0
    assert main(["export", "--db", str(database), "--tracker", "--out", str(out)]) == 0
    minutes, invitation = "meeting-1-Q3-roadmap-minutes-2026-11-23.md", "meeting-1-Q3-roadmap-invitation-2026-11-23.ics"
    assert sorted(p.name for p in out.iterdir()) == ["action-tracker.xlsx", invitation, minutes]
    assert "ship on Dec 1" in (out / minutes).read_text(encoding="utf-8")
    event = next(iter(icalendar.Calendar.from_ical((out / invitation).read_bytes()).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Q3 roadmap"
    assert capsys.readouterr().out.count("\n") == 3  # one line per file written


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        pytest.param(["--meeting", "9"], "no meeting #9", id="no-such-meeting"),
        pytest.param(["--meeting", "1", "--format", "docx"], "a format other than md, pdf, ics", id="bad-format"),
        pytest.param(["--tracker", "--since", "yesterday"], "must look like 2026-11-01", id="bad-date"),
        pytest.param(["--tracker", "--workspace", "T999"], "no workspace 'T999'", id="no-such-workspace"),
    ],
)
def test_mistakes_say_what_was_wrong(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     arguments: list[str], error: str) -> None:
    assert main(["export", "--db", str(database), "--out", str(tmp_path / "out"), *arguments]) == 2
    assert error in capsys.readouterr().err
