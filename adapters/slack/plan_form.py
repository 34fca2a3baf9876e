"""The `/meeting plan` form on Slack: a modal with one input per plan field, submitted as a `Plan` Command.

As with the new-meeting form (`blocks.meeting_modal`), no text is rebuilt for the grammar to parse again: the
form's typed values (a date and a time from pickers, people from user selects) become the Command directly,
and the readings that need words (guests as name, company, title; amounts) use the grammar's own readers,
so a form and typed `key: value` lines cannot drift apart. What is wrong is shown under its input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.slack.blocks import input_block, modal_view
from bot.command_types import Budget, BudgetPart, Guest, Mention, Plan, PlanFields, PlanType
from bot.errors import ParseError
from bot.grammar.plan_args import QUANTITY, amount_in, guests_in
from bot.i18n import Lang, PerLanguage, t

PLAN_MODAL_CALLBACK = "quorum_meeting_plan"
TYPES: tuple[PlanType, ...] = ("strategy", "project", "client", "launch", "other")
PARTS: tuple[BudgetPart, ...] = ("venue", "materials", "catering", "travel", "other")
TEXT_CHARS = 2000
NAME_CHARS = 300
OPTION_CHARS = 75
URGENT = "urgent"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…", "emoji": True}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text, OPTION_CHARS), "value": value}


def _text(multiline: bool = False, limit: int = TEXT_CHARS) -> dict[str, Any]:
    return {"type": "plain_text_input", "multiline": multiline, "max_length": limit}


def plan_modal(lang: Lang, channel_id: str) -> dict[str, Any]:
    """The `views.open` view for `/meeting plan` with no fields; `private_metadata` is the channel."""
    inputs: list[tuple[str, str, dict[str, Any], bool]] = [
        ("name", t(lang, "form.plan.name"), _text(limit=NAME_CHARS), False),
        ("plan_type", t(lang, "plan.field.type"),
         {"type": "static_select", "options": [_option(t(lang, "plan.type." + k), k) for k in TYPES]}, False),
        ("goal", t(lang, "field.goal"), _text(), False),
        ("date", t(lang, "form.label.date"), {"type": "datepicker"}, False),
        ("time", t(lang, "form.label.time"), {"type": "timepicker"}, False),
        ("place", t(lang, "field.where"), _text(limit=500), True),
        ("internal", t(lang, "plan.field.internal"), {"type": "multi_users_select"}, True),
        ("deciders", t(lang, "form.plan.deciders"), {"type": "multi_users_select"}, True),
        ("external", t(lang, "plan.field.external"), _text(multiline=True), True),
        ("key_guests", t(lang, "form.plan.key_guests"), _text(), True),
        ("budget", t(lang, "plan.field.budget"), _text(limit=30), True),
        *((f"budget_{part}", t(lang, "budget." + part), _text(limit=30), True) for part in PARTS),
        ("topics", t(lang, "plan.field.topics"), _text(multiline=True), True),
        ("outcomes", t(lang, "field.outcome"), _text(), True),
        ("attachments", t(lang, "plan.field.attachments"), _text(multiline=True), True),
        ("options", t(lang, "form.label.options"),
         {"type": "checkboxes", "options": [_option(t(lang, "plan.urgent"), URGENT)]}, True),
    ]  # fmt: skip
    hint = {"external": "form.plan.hint.external", "attachments": "form.plan.hint.attachments"}
    blocks = [
        input_block(block_id, label, element, optional, t(lang, hint[block_id]) if block_id in hint else None)
        for block_id, label, element, optional in inputs
    ]
    return modal_view(lang, PLAN_MODAL_CALLBACK, channel_id, "form.plan.title", "form.plan.submit", blocks)


def _state(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    state = (values.get(block_id) or {}).get(block_id)
    return state if isinstance(state, dict) else {}


def _value(values: dict[str, Any], block_id: str) -> str:
    return str(_state(values, block_id).get("value") or "").strip()


def _users(values: dict[str, Any], block_id: str) -> tuple[Mention, ...] | None:
    selected = _state(values, block_id).get("selected_users") or []
    users = tuple(Mention(u, is_platform_id=True) for u in dict.fromkeys(selected) if isinstance(u, str) and u)
    return users or None


def plan_modal_to_command(
    values: dict[str, Any], lang: Lang, zone: ZoneInfo, now: datetime
) -> tuple[Plan | None, dict[str, str]]:
    """The submitted form (`view["state"]["values"]`) as the `Plan` it files, or (None, {block id: error})."""
    errors: dict[str, str] = {}
    name, goal = _value(values, "name"), _value(values, "goal")
    if not name:
        errors["name"] = t(lang, "error.plan_missing", fields=PerLanguage("name", "名称"))
    chosen = str((_state(values, "plan_type").get("selected_option") or {}).get("value") or "")
    kind = next((k for k in TYPES if k == chosen), None)
    if kind is None:
        errors["plan_type"] = t(lang, "error.plan_type", text=chosen)
    if not QUANTITY.search(goal):
        errors["goal"] = t(lang, "error.plan_goal_number", text=goal)
    start = _start(values, zone)
    if start is None:
        errors["time"] = t(lang, "form.error.time")
    elif start <= now:
        errors["time"] = t(lang, "error.past_time", when=f"{start:%Y-%m-%d %H:%M}")
    guests: tuple[Guest, ...] | None = None
    try:
        guests = guests_in(_value(values, "external"), "example.plan") or None
    except ParseError as error:
        errors["external"] = t(lang, error.key, **error.params)
    budget = _budget(values, lang, errors)
    links = tuple(line.strip() for line in _value(values, "attachments").splitlines() if line.strip())
    if any(not link.lower().startswith(("https://", "http://")) for link in links):
        errors["attachments"] = t(lang, "error.plan_links", text=" ".join(links))
    if errors or start is None or kind is None:
        return None, errors
    key_guests = tuple(n.strip() for n in _value(values, "key_guests").replace("，", ",").split(",") if n.strip())
    options = _state(values, "options").get("selected_options") or []
    fields = PlanFields(
        name=name, plan_type=kind, goal=goal, start=start, place=_value(values, "place") or None,
        internal=_users(values, "internal"), deciders=_users(values, "deciders"), external=guests,
        key_guests=key_guests or None, budget=budget, topics=_value(values, "topics") or None,
        outcomes=_value(values, "outcomes") or None, attachments=links or None,
        urgent=any(option.get("value") == URGENT for option in options),
    )
    return Plan(None, fields), {}


def _start(values: dict[str, Any], zone: ZoneInfo) -> datetime | None:
    date = str(_state(values, "date").get("selected_date") or "")
    time = str(_state(values, "time").get("selected_time") or "")
    try:
        return datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        return None


def _budget(values: dict[str, Any], lang: Lang, errors: dict[str, str]) -> Budget | None:
    said = {block: _value(values, block) for block in ("budget", *(f"budget_{p}" for p in PARTS))}
    read = {block: amount_in(text) for block, text in said.items() if text}
    for block, cents in read.items():
        if cents is None:
            errors[block] = t(lang, "error.plan_budget", text=said[block])
    total = read.get("budget")
    parts = tuple((p, cents) for p in PARTS if (cents := read.get(f"budget_{p}")) is not None)
    if total is None and parts:
        total = sum(cents for _p, cents in parts)  # the parts alone: their sum is the total
    return Budget(total, parts) if total is not None else None


def plan_people(command: Plan) -> tuple[str, ...]:
    """The user ids the form names (internal attendees and decision makers), once each."""
    fields = command.fields or PlanFields()
    return tuple(dict.fromkeys(m.handle for m in (*(fields.internal or ()), *(fields.deciders or ()))))
