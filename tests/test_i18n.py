"""Both catalogs say the same things: same keys, same placeholders, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from bot.command_types import PlanType
from bot.i18n import CATALOGS, t

ROOT = Path(__file__).resolve().parents[1]
LITERAL_KEY = re.compile(
    r"""\b(?:t|ctx\.t|ParseError|UserError|NotFound|NotAllowed|Conflict)\(\s*(?:[a-z_.]+,\s*)?"([a-z_]+\.[a-z_.]*[a-z_])\""""
)
EXAMPLE_KEY = re.compile(r'"(example\.[a-z_]+)"')


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys() -> None:
    assert set(CATALOGS["en"]) == set(CATALOGS["zh"])


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_placeholders_match(key: str) -> None:
    assert placeholders(CATALOGS["en"][key]) == placeholders(CATALOGS["zh"][key])


def test_every_literal_key_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("adapters/**/*.py")]:
        source = path.read_text(encoding="utf-8")
        used |= set(LITERAL_KEY.findall(source)) | set(EXAMPLE_KEY.findall(source))
    assert len(used) > 60  # the scan itself works
    missing = sorted(key for key in used if key not in CATALOGS["en"])
    assert missing == []


@pytest.mark.parametrize(
    "prefix, values",
    [
        pytest.param("status.", ("scheduled", "in_progress", "ended", "cancelled"), id="meeting-status"),
        pytest.param("item_status.", ("open", "in_progress", "blocked", "done", "cancelled"), id="item-status"),
        pytest.param("role.", ("host", "recorder", "required", "optional"), id="role"),
        pytest.param("type.", ("regular", "project", "client", "cross-team", "decision", "review"), id="type"),
        # a plan's type becomes its meeting's type, shown on the meeting card once approved
        pytest.param("type.", get_args(PlanType), id="plan-type"),
        pytest.param("rsvp.recorded.", ("yes", "no", "maybe", "withdraw"), id="rsvp"),
        pytest.param("kind.", ("topic", "info", "idea", "link", "decision", "openquestion", "actionitem"), id="kind"),
        pytest.param("agenda_change.status.", ("pending", "approved", "rejected"), id="agenda-change-status"),
    ],
)
def test_keys_built_at_run_time_exist(prefix: str, values: tuple[str, ...]) -> None:
    assert [prefix + v for v in values if prefix + v not in CATALOGS["en"]] == []


def test_chinese_text_is_chinese() -> None:
    assert t("zh", "error.no_meeting", number=3) == "没有你可以查看的 #3 号会议。"
    assert t("en", "error.no_meeting", number=3) == "There is no meeting #3 that you can see."
