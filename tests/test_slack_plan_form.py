"""The `/meeting plan` form on Slack (adapters/slack/plan_form.py): its shape in both languages, and the
submission read into a `Plan` Command, with each mistake shown under its own input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from adapters.slack.plan_form import PLAN_MODAL_CALLBACK, plan_modal, plan_modal_to_command, plan_people
from bot.command_types import Budget, Guest, Mention
from bot.i18n import Lang
from tests.conftest import MONDAY_9AM, SHANGHAI


def typed(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def filled(**changes: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": {"name": typed("Dealer day")},
        "plan_type": {"plan_type": {"type": "static_select", "selected_option": {"value": "launch"}}},
        "goal": {"goal": typed("20 journalists attend")},
        "date": {"date": {"type": "datepicker", "selected_date": "2026-12-10"}},
        "time": {"time": {"type": "timepicker", "selected_time": "14:00"}},
        "internal": {"internal": {"type": "multi_users_select", "selected_users": ["U2", "U3"]}},
        "deciders": {"deciders": {"type": "multi_users_select", "selected_users": ["U3"]}},
        "external": {"external": typed("Wang Wei, ACME, CEO\nLi Na, Beta, CFO")},
        "budget_venue": {"budget_venue": typed("20000")},
        "budget_catering": {"budget_catering": typed("5万")},
        "attachments": {"attachments": typed("https://example.com/a.pdf\nhttps://example.com/b.pdf")},
        "options": {"options": {"type": "checkboxes", "selected_options": [{"value": "urgent"}]}},
    }
    values.update(changes)
    return values


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_has_an_input_for_every_field(lang: Lang) -> None:
    view = plan_modal(lang, "C9")
    assert (view["callback_id"], view["private_metadata"]) == (PLAN_MODAL_CALLBACK, "C9")
    ids = [block["block_id"] for block in view["blocks"]]
    assert ids[:5] == ["name", "plan_type", "goal", "date", "time"]
    assert {"internal", "deciders", "external", "key_guests", "budget", "budget_travel", "urgent"} - set(ids) == {
        "urgent"}  # urgent is an option of the "options" checkboxes
    assert all(len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))
    if lang == "zh":
        assert view["title"]["text"] == "会议申报"


def test_a_filled_form_is_the_plan_it_files() -> None:
    command, errors = plan_modal_to_command(filled(), "en", SHANGHAI, MONDAY_9AM)
    assert errors == {} and command is not None and command.number is None and command.fields is not None
    fields = command.fields
    assert fields.start == datetime(2026, 12, 10, 14, 0, tzinfo=SHANGHAI) and fields.plan_type == "launch"
    assert fields.budget == Budget(7_000_000, (("venue", 2_000_000), ("catering", 5_000_000)))  # parts: their sum
    assert fields.external == (Guest("Wang Wei", "ACME", "CEO"), Guest("Li Na", "Beta", "CFO"))
    assert fields.deciders == (Mention("U3", is_platform_id=True),) and fields.urgent is True
    assert plan_people(command) == ("U2", "U3")


@pytest.mark.parametrize(
    ("change", "block"),
    [
        pytest.param({"goal": {"goal": typed("lots of press")}}, "goal", id="goal-without-number"),
        pytest.param({"external": {"external": typed("Wang Wei, ACME")}}, "external", id="guest-without-title"),
        pytest.param({"budget_travel": {"budget_travel": typed("a lot")}}, "budget_travel", id="bad-amount"),
        pytest.param({"attachments": {"attachments": typed("see the wiki")}}, "attachments", id="not-a-link"),
        pytest.param({"date": {"date": {"type": "datepicker", "selected_date": "2026-11-20"}}}, "time", id="past"),
        pytest.param({"plan_type": {"plan_type": {"type": "static_select"}}}, "plan_type", id="no-type"),
    ],
)
def test_each_mistake_is_shown_under_its_input(change: dict[str, Any], block: str) -> None:
    command, errors = plan_modal_to_command(filled(**change), "en", SHANGHAI, MONDAY_9AM)
    assert command is None and set(errors) == {block}
