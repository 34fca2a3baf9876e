"""Both catalogs say the same things: same keys, same placeholders, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from bot.command_types import PlanType
from bot.i18n import CATALOGS, aside, heading_line, labelled, t

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
        pytest.param("plan.you_approved.", ("review", "approval"), id="plan-you-approved"),
        pytest.param("config.name.", ("timezone", "language", "digest", "holidays", "reminder_hour"), id="setting"),
        pytest.param("plan.step_approved.", ("review", "approval"), id="plan-step-approved"),
        pytest.param("agenda_change.status.", ("pending", "approved", "rejected"), id="agenda-change-status"),
    ],
)
def test_keys_built_at_run_time_exist(prefix: str, values: tuple[str, ...]) -> None:
    assert [prefix + v for v in values if prefix + v not in CATALOGS["en"]] == []


def test_a_command_to_type_is_written_the_same_way_in_both_languages() -> None:
    """A line that shows a command to type shows it as typed, `/meeting …`, in both catalogs: one that drops the
    prefix in one language only ("…: reject change 3 <reason>") is a slip."""
    slips = [key for key, template in sorted(CATALOGS["en"].items())
             if template.count("/meeting") != CATALOGS["zh"][key].count("/meeting")]
    assert slips == []


def test_no_chinese_line_ends_in_a_space() -> None:
    """A trailing space shows where the line meets the next words ("工作区管理员和 @boss 可以"): a slip."""
    assert [key for key, template in sorted(CATALOGS["zh"].items()) if template != template.rstrip()] == []


def test_chinese_text_is_chinese() -> None:
    assert t("zh", "error.no_meeting", number=3) == "没有你可以查看的 #3 号会议。"
    assert t("en", "error.no_meeting", number=3) == "There is no meeting #3 that you can see."


# ---- Chinese typography: every zh line, formatted with sample values ----------------------------------------

CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
TYPOGRAPHY = {
    "an ASCII colon after Chinese": re.compile(CJK + r"[）」”]?:"),
    "ASCII parentheses around Chinese": re.compile(r"\([^()]*" + CJK + r"[^()]*\)"),
    "a space between two Chinese characters": re.compile(CJK + r" +" + CJK),
    "a space beside full-width punctuation": re.compile(r" [（）：，。；！？、]|[（：，。；！？、] "),
}
SPACING = ("a space between two Chinese characters", "a space beside full-width punctuation")
# Placeholders that hold words (a title, a reason, a stage): filled with Chinese, so a space the template puts
# between them and the Chinese around them shows. The others hold numbers, times, names and links.
WORDS = {"title", "text", "goal", "reason", "note", "stage", "state", "status", "kind", "label", "field", "phase",
         "priority", "severity", "verdict", "role", "what", "because", "cause", "impact", "fix", "deliverable",
         "item", "details", "answer", "extra", "source", "word", "rule", "holidays", "ends", "setting", "where",
         "heading", "choices"}
SAMPLES = {"window": "24 小时"}  # a length said in words
# Lines that show commands as they are typed, where spaces separate the words the parser reads.
TYPED = ("help.", "example.", "series.hint", "board.hint", "agenda_change.hint")


def zh_sample(template: str) -> str:
    return template.format(**{name: SAMPLES.get(name, "示例" if name in WORDS else "x1")
                              for name in placeholders(template)})


def typography_faults(key: str, text: str) -> list[str]:
    text = re.sub(r"@\S+", "@x", text)  # a mention ends at a space, whatever follows it
    text = re.sub(r"`[^`]*`|“[^”]*”|/(?:meeting|会议)(?: [^\s，。；（）“”：]+)+", "x", text)  # typed or quoted
    return [f"{key}: {fault} in {text!r}" for fault, pattern in TYPOGRAPHY.items()
            if pattern.search(text) and not (key.startswith(TYPED) and fault in SPACING)]


def test_chinese_lines_use_full_width_punctuation_and_no_stray_spaces() -> None:
    faults = [fault for key, template in sorted(CATALOGS["zh"].items())
              for fault in typography_faults(key, zh_sample(template))]
    assert faults == []


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        pytest.param("汇总: off", "an ASCII colon", id="colon"),
        pytest.param("升级至 (审批)", "ASCII parentheses", id="parentheses"),
        pytest.param("#1 经销商大会 将在 1 天后开始", "a space between two Chinese", id="space"),
        pytest.param("待处理 （截止", "a space beside full-width", id="space-before-paren"),
    ],
)
def test_the_typography_check_finds_each_fault(text: str, fault: str) -> None:
    assert any(fault in found for found in typography_faults("sample", text))


def test_chinese_punctuation_helpers() -> None:
    assert labelled("zh", "汇总", "关闭") == "汇总：关闭" and labelled("en", "digest", "off") == "digest: off"
    assert heading_line("zh", "逾期") == "逾期：" and aside("zh", "审批") == "（审批）" and aside("en", "x") == " (x)"


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "tests" / "scripts").glob("*_zh.expected")))
def test_chinese_console_output_uses_full_width_colons_and_parentheses(script: str) -> None:
    """What the renderers add (a field's label, a section's heading, a card's state, a remark in parentheses)
    follows the reader's language too: the whole output of each Chinese console script is checked. Spaces are
    left to the catalog check above: here they also separate a typed command's words and a name from a verb."""
    faults = []
    for number, line in enumerate((ROOT / "tests" / "scripts" / script).read_text(encoding="utf-8").splitlines(), 1):
        body = re.sub(r"^\[m\d+\] [^:]*quorum(?: \(edited\))?: ", "", line.strip())
        faults += [fault for fault in typography_faults(f"{script}:{number}", body)
                   if "colon" in fault or "parentheses" in fault]
        if re.search(CJK, body) and re.search(r"@[^\s,]+, @", body):
            faults.append(f"{script}:{number}: people listed with an ASCII comma, not 、, in {body!r}")
        if re.search(CJK, body) and re.search(r"#\d+, #", body):
            faults.append(f"{script}:{number}: numbers listed with an ASCII comma, not 、, in {body!r}")
    assert faults == []
