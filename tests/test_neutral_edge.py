"""What the core gets from the edge is neutral: reactions by meaning, a form as a Command, a home view on request,
and messages that say their language. (The platforms' side of it: test_slack_translate, test_slack_blocks.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from adapters.reactions import meaning_of
from bot.command_types import AgendaSpec, Mention, NewMeeting, ParticipantSpec
from bot.events import Person, ReactionMeaning
from store.models import Meeting, Participant, User
from tests.harness import Chat

TITLE = 'The "payload" review: 「scope」 & payload=1'


@pytest.mark.parametrize(
    ("emoji", "meaning"),
    [
        pytest.param("white_check_mark", "yes", id="slack-name"),
        pytest.param(":+1::skin-tone-3:", "yes", id="colons-and-skin-tone"),
        pytest.param("👎", "no", id="character"),
        pytest.param("grey_question", "maybe", id="maybe"),
        pytest.param("raised_hand", "here", id="here"),
        pytest.param("tada", None, id="no-meaning"),
    ],
)
def test_the_adapters_read_emoji_as_meanings(emoji: str, meaning: ReactionMeaning | None) -> None:
    assert meaning_of(emoji) == meaning


def answers(chat: Chat) -> dict[str, str | None]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Participant, User).where(Participant.user_id == User.id)).all()
        return {user.display_name: p.rsvp for p, user in rows}


def react(chat: Chat, who: str, meaning: ReactionMeaning | None, message_id: str, removed: bool = False) -> None:
    chat.inbound("reaction", who, reaction=meaning, message_id=message_id, removed=removed)


def test_reactions_answer_by_meaning(chat: Chat) -> None:
    prompt = chat.command("alice", 'new "Sync" tomorrow 3pm with @bob @carol @dave')[0]
    react(chat, "bob", "yes", prompt.id)
    react(chat, "carol", "maybe", prompt.id)
    react(chat, "dave", "here", prompt.id)  # "here" is no answer to an invitation
    react(chat, "dave", None, prompt.id)  # nor is an emoji that means nothing
    assert answers(chat) == {"alice": "yes", "bob": "yes", "carol": "maybe", "dave": None}
    react(chat, "carol", "maybe", prompt.id, removed=True)
    assert answers(chat)["carol"] is None


@pytest.mark.parametrize("meaning", ["here", "yes"])
def test_here_or_yes_on_the_check_in_prompt_checks_in(chat: Chat, meaning: ReactionMeaning) -> None:
    chat.command("alice", 'new "Sync" in 1 hour with @bob')
    chat.now += timedelta(hours=1)
    check_in = next(s for s in chat.command("alice", "start 1") if s.message.ref and
                    s.message.ref.kind == "checkin_prompt")
    react(chat, "bob", "no", check_in.id)
    react(chat, "bob", meaning, check_in.id)
    with Session(chat.core.engine) as session:
        bob = session.exec(select(User).where(User.platform_user_id == "bob")).one()
        assert session.exec(select(Participant).where(Participant.user_id == bob.id)).one().checked_in_at is not None


def test_a_form_arrives_as_its_command_and_is_never_reparsed(chat: Chat) -> None:
    """A title with quotes, the word "payload" and grammar keywords stays exactly as typed in the form."""
    command = NewMeeting(
        title=TITLE, start=chat.now + timedelta(days=1),
        participants=(ParticipantSpec(Mention("U0BOB", is_platform_id=True)),
                      ParticipantSpec(Mention("U0CAROL", is_platform_id=True), "recorder")),
        agenda=(AgendaSpec('with @bob "agenda"', 10),),
    )
    sent = chat.inbound("command", "alice", command=command,
                        mentions=(Person("U0BOB", "Bob Li"), Person("U0CAROL", "Carol")))
    assert any(TITLE in message.text or message.title == TITLE for message in sent.messages)
    with Session(chat.core.engine) as session:
        meeting = session.exec(select(Meeting)).one()
        assert meeting.title == TITLE
        roles = {user.display_name: p.role for p, user in
                 session.exec(select(Participant, User).where(Participant.user_id == User.id)).all()}
    assert roles == {"alice": "host", "Bob Li": "required", "Carol": "recorder"}


def test_home_is_a_view_the_core_builds_without_posting(chat: Chat) -> None:
    chat.command("alice", "action @bob send the deck by friday")
    before = len(chat.sent)
    view = chat.core.home("console", "local", Person("bob", "bob", language="zh"), chat.now)
    assert len(chat.sent) == before
    assert view.title is None and view.lang == "zh" and view.text == "我的工作"
    assert "send the deck" in view.sections[0].lines[0]
    assert [button.value for button in view.buttons][:1] == ["done 1"]


def test_messages_say_their_language(chat: Chat) -> None:
    (english,) = chat.command("alice", "list")
    (chinese,) = chat.command("bob", "列表")
    assert (english.message.lang, chinese.message.lang) == ("en", "zh")

