"""The per-event context every use case receives: who is speaking, where, when, in which language.

Building it once per inbound event (workspace and user upserted, language and timezone decided) keeps the
use cases free of look-ups and makes "reply in the reader's language" a property of the context.

A person's stored language and timezone are what they chose (`/meeting me`, `bot.service.preferences`), else
what their platform says (or the console's `:user … lang=`), never guessed from one message: the reply to a
message follows the language it was written in (`Ctx.lang`), while notices planned for later (reminders,
chases, invitations) follow `User.language`, else the meeting's or channel's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.access import Conversation, Directory, OpenDirectory
from bot.command_types import Command, Mention
from bot.config import Settings
from bot.errors import UserError
from bot.events import Inbound
from bot.i18n import Lang, t
from bot.limits import HANDLE_MAX, check_length
from bot.locale import detect_language, language_of, zone_of
from bot.messages import OutMessage, Target
from store import repo
from store.models import Meeting, User, Workspace


@dataclass
class Ctx:
    session: Session
    settings: Settings
    inbound: Inbound
    workspace: Workspace
    user: User
    lang: Lang
    tz: ZoneInfo
    now: datetime
    directory: Directory = field(default_factory=OpenDirectory)
    conversations: dict[str, Conversation] = field(default_factory=dict)  # asked once per event
    visible: dict[int, bool] = field(default_factory=dict)  # meeting id → may the speaker see it (bot.access)
    said: Command | None = None  # the command being handled, as said (what a warning holds for its answer)
    confirmed: bool = False  # the speaker has answered the warnings about it (`bot.service.sense`) with a yes

    def conversation(self, channel: str) -> Conversation:
        """What the platform says of `channel` (asked once per event; the adapter caches across events)."""
        if channel not in self.conversations:
            self.conversations[channel] = self.directory.conversation(self.inbound.workspace, channel)
        return self.conversations[channel]

    @property
    def said_at(self) -> datetime:
        """When this was said: the platform's time for it, or `now` when it gives none or one from the future
        (a skewed clock must not date a record after the moment it is handled)."""
        said = self.inbound.said_at
        return said if said is not None and said <= self.now else self.now

    @property
    def workspace_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    def assumed_note(self, assumed: tuple[str, ...]) -> OutMessage:
        """The defaults a time or date was read with, said aloud to the speaker ("morning taken as 09:00"),
        so a wrong guess is seen at once rather than at the meeting."""
        said = self.t("note.assumed_separator").join(self.t("assumed." + key) for key in assumed)
        return self.reply(self.t("note.assumed", what=said))

    def reply(self, text: str, **extra: Any) -> OutMessage:
        """A message only the speaker sees (in a private chat: just a message there)."""
        if self.inbound.is_direct:
            target = Target(kind="direct", channel=self.inbound.channel, user=self.inbound.user.platform_id)
        else:
            target = Target(kind="ephemeral", channel=self.inbound.channel, user=self.inbound.user.platform_id)
        return OutMessage(target=target, text=text, **({"lang": self.lang} | extra))

    def post(self, text: str, **extra: Any) -> OutMessage:
        """A message everyone in the conversation sees, in the thread the speaker replied in, if any."""
        return OutMessage(
            target=Target(kind="channel", channel=self.inbound.channel, thread=self.inbound.reply_to),
            text=text,
            **({"lang": self.lang} | extra),
        )

    def resolve(self, mention: Mention) -> User:
        """The workspace user a mention names; console names are ids, platforms must have told us."""
        check_length(mention.handle, HANDLE_MAX)
        for person in self.inbound.mentions:
            if mention.handle in (person.platform_id, person.display_name):
                return repo.upsert_user(
                    self.session, self.workspace_id, person.platform_id, person.display_name, self.now,
                    person.timezone, person.language,
                )
        found = repo.user_by_platform_id(self.session, self.workspace_id, mention.handle)
        if found is None and not mention.is_platform_id:
            found = repo.user_by_name(self.session, self.workspace_id, mention.handle)
        if found is not None:
            return found
        if mention.is_platform_id or self.inbound.handles_are_user_ids:  # not found by its id above: new
            return repo.add_user(self.session, self.workspace_id, mention.handle, mention.handle, self.now)
        raise UserError("error.unknown_person", "example.new", name=mention.handle)


def conversation_language(session: Session, workspace_id: int, inbound: Inbound) -> str | None:
    """For a click or reaction (no words to go by): the language of the meeting the message belongs to."""
    message_id = inbound.message_id if inbound.kind == "reaction" else inbound.reply_to
    ref = repo.message_ref(session, workspace_id, message_id) if message_id else None
    meeting = session.get(Meeting, ref.meeting_id) if ref is not None and ref.meeting_id else None
    return meeting.language if meeting is not None else None


def build_context(
    session: Session, settings: Settings, inbound: Inbound, now: datetime, directory: Directory | None = None
) -> Ctx:
    workspace = repo.workspace(session, inbound.platform, inbound.workspace, now)
    assert workspace.id is not None
    person = inbound.user
    # Only what the platform (or the console's `:user`) says is stored as the person's language, and not over
    # one they chose themselves: one line in the other language is answered in it, but their reminders keep
    # the language they have.
    user = repo.upsert_user(
        session, workspace.id, person.platform_id, person.display_name, now, person.timezone, person.language,
    )
    spoken = detect_language(inbound.text) if inbound.kind in ("command", "message") else None
    lang: Lang = spoken or language_of(user, settings, conversation_language(session, workspace.id, inbound))
    return Ctx(session, settings, inbound, workspace, user, lang, zone_of(user, settings), now,
               directory or OpenDirectory())
