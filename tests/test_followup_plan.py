"""The follow-through rule as tables: `plan_item` and `plan_question` are pure, so every case is one line.

Dates are pinned (Monday 2026-11-23 is "today" where it matters); the Chinese calendar case uses 2026's
National Day week, which the holidays package knows. The last test drives the rule through a real core: after
downtime, an open question's stacked reminders come to one (issue 11), like an item's already did.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.followup import Planned, plan_item, plan_question
from bot.workdays import calendar_for
from store.models import ActionItem, NotificationKind, OpenQuestion
from tests.conftest import SHANGHAI, make_settings
from tests.harness import Chat

K = NotificationKind
NEW_YORK = ZoneInfo("America/New_York")
CREATED = datetime(2026, 11, 23, 10, 30, tzinfo=SHANGHAI)  # Monday


def item(**fields: object) -> ActionItem:
    """An item due Friday, accepted; `fields` change it."""
    made = ActionItem(workspace_id=1, number=1, channel_id="general", text="write the spec", owner_id=2, creator_id=1,
                      due_on=date(2026, 11, 27), acknowledged_at=CREATED, created_at=CREATED)
    for name, value in fields.items():
        setattr(made, name, value)
    return made


def at(day: str, hour: int = 9, minute: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), zone).replace(hour=hour, minute=minute)


FRIDAY_STAGES = [
    Planned(K.ITEM_BEFORE, at("2026-11-25"), "owner"),
    Planned(K.ITEM_DUE, at("2026-11-27"), "owner"),
    Planned(K.ITEM_OVERDUE, at("2026-11-30"), "owner"),
    Planned(K.ITEM_ESCALATION, at("2026-12-03"), "escalation"),
]


@pytest.mark.parametrize(
    ("planned_item", "zone", "holidays", "settings", "expected"),
    [
        pytest.param(item(), SHANGHAI, "NONE", {}, FRIDAY_STAGES, id="accepted-due-friday"),
        pytest.param(item(acknowledged_at=None), SHANGHAI, "NONE", {},
                     [Planned(K.ITEM_CONFIRM_CHECK, at("2026-11-24", 10, 30), "requester"), *FRIDAY_STAGES],
                     id="not-accepted-host-checks-a-working-day-later-at-the-same-time"),
        pytest.param(item(acknowledged_at=None, declined_reason="on leave"), SHANGHAI, "NONE", {}, FRIDAY_STAGES,
                     id="declined-no-acceptance-check"),
        pytest.param(item(due_on=None), SHANGHAI, "NONE", {}, [], id="no-due-date-nothing-to-chase"),
        pytest.param(item(due_on=date(2026, 11, 30)), SHANGHAI, "NONE", {},
                     [Planned(K.ITEM_BEFORE, at("2026-11-26"), "owner"),
                      Planned(K.ITEM_DUE, at("2026-11-30"), "owner"),
                      Planned(K.ITEM_OVERDUE, at("2026-12-01"), "owner"),
                      Planned(K.ITEM_ESCALATION, at("2026-12-04"), "escalation")],
                     id="due-monday-the-before-reminder-skips-the-weekend"),
        pytest.param(item(), NEW_YORK, "NONE", {},
                     [Planned(p.kind, at(p.when.date().isoformat(), zone=NEW_YORK), p.to) for p in FRIDAY_STAGES],
                     id="the-owners-own-clock"),
        pytest.param(item(), SHANGHAI, "NONE", {"QUORUM_REMIND_BEFORE_WORKDAYS": "0"}, FRIDAY_STAGES[1:],
                     id="no-before-reminder"),
        pytest.param(item(), SHANGHAI, "NONE", {"QUORUM_ESCALATE_AFTER_WORKDAYS": "1"},
                     [*FRIDAY_STAGES[:3], Planned(K.ITEM_ESCALATION, at("2026-12-01"), "escalation")],
                     id="escalate-sooner"),
        pytest.param(item(due_on=date(2026, 9, 30)), SHANGHAI, "CN", {},
                     [Planned(K.ITEM_BEFORE, at("2026-09-28"), "owner"),
                      Planned(K.ITEM_DUE, at("2026-09-30"), "owner"),
                      Planned(K.ITEM_OVERDUE, at("2026-10-08"), "owner"),
                      Planned(K.ITEM_ESCALATION, at("2026-10-12"), "escalation")],
                     id="cn-national-day-week-is-not-working-days"),
        pytest.param(item(status="done"), SHANGHAI, "NONE", {}, [], id="done"),
        pytest.param(item(status="blocked"), SHANGHAI, "NONE", {}, FRIDAY_STAGES, id="blocked-is-still-open"),
        pytest.param(item(removed_at=CREATED), SHANGHAI, "NONE", {}, [], id="undone-by-undo"),
        pytest.param(item(owner_id=None), SHANGHAI, "NONE", {}, [], id="nobody-to-remind"),
    ],
)
def test_plan_item(planned_item: ActionItem, zone: ZoneInfo, holidays: str, settings: dict[str, str],
                   expected: list[Planned]) -> None:
    assert plan_item(planned_item, zone, calendar_for(holidays), 9, make_settings(**settings)) == expected


def test_plan_item_at_the_channels_hour() -> None:
    assert [p.when.hour for p in plan_item(item(), SHANGHAI, calendar_for("NONE"), 14, make_settings())] == [14] * 4


def question(**fields: object) -> OpenQuestion:
    """Carol's question, to follow up on Wednesday; `fields` change it."""
    made = OpenQuestion(workspace_id=1, channel_id="general", text="who signs off?", owner_id=2, author_id=1,
                        follow_up_on=date(2026, 11, 25), created_at=CREATED)
    for name, value in fields.items():
        setattr(made, name, value)
    return made


@pytest.mark.parametrize(
    ("planned_question", "expected"),
    [
        pytest.param(question(), [Planned(K.QUESTION_DUE, at("2026-11-25"), "owner"),
                                  Planned(K.QUESTION_OVERDUE, at("2026-11-26"), "owner")], id="wednesday"),
        pytest.param(question(follow_up_on=date(2026, 11, 27)),
                     [Planned(K.QUESTION_DUE, at("2026-11-27"), "owner"),
                      Planned(K.QUESTION_OVERDUE, at("2026-11-30"), "owner")], id="friday-then-monday"),
        pytest.param(question(resolved_at=CREATED), [], id="resolved"),
        pytest.param(question(removed_at=CREATED), [], id="removed"),
        pytest.param(question(owner_id=None), [], id="nobody-owns-it"),
        pytest.param(question(follow_up_on=None), [], id="no-date"),
    ],
)
def test_plan_question(planned_question: OpenQuestion, expected: list[Planned]) -> None:
    assert plan_question(planned_question, SHANGHAI, calendar_for("NONE"), 9) == expected


def test_a_question_that_fell_due_twice_during_downtime_is_sent_once(chat: Chat) -> None:
    chat.command("alice", "question who signs off the budget? @carol by wednesday")
    chat.now = datetime(2026, 11, 26, 18, 0, tzinfo=SHANGHAI)  # back on Thursday evening: due and overdue
    to_carol = [s for s in chat.advance(timedelta(minutes=1)) if s.message.target.user == "carol"]
    assert len(to_carol) == 1 and "who signs off the budget?" in to_carol[0].body
    assert not any(s.message.target.user == "carol" for s in chat.advance(timedelta(days=7)))
