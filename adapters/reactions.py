"""Emoji → what a reaction means (yes / no / maybe / here), for the adapters whose people react.

The core answers RSVP and check-in prompts by meaning and never learns emoji names; Slack sends short names
(`white_check_mark`, with `::skin-tone-2` for a skin tone), the console takes names or the characters
themselves. DingTalk robots receive no reactions, so it has no use for this table.
"""

from __future__ import annotations

from bot.events import ReactionMeaning

MEANINGS: dict[ReactionMeaning, frozenset[str]] = {
    "yes": frozenset({"white_check_mark", "heavy_check_mark", "+1", "thumbsup", "✅", "✔️", "👍"}),
    "no": frozenset({"x", "-1", "thumbsdown", "❌", "👎"}),
    "maybe": frozenset({"thinking_face", "grey_question", "question", "🤔", "❔", "❓"}),
    "here": frozenset({"raising_hand", "raised_hand", "wave", "hand", "🙋", "✋", "👋"}),
}
_BY_EMOJI = {emoji: meaning for meaning, emojis in MEANINGS.items() for emoji in emojis}


def meaning_of(emoji: str) -> ReactionMeaning | None:
    """`white_check_mark`, `:+1::skin-tone-3:` or `👍` → "yes"; None for a reaction that answers nothing."""
    name = emoji.strip(":").split("::", 1)[0]
    return _BY_EMOJI.get(name)
