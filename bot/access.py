"""Who may see and change what: the one place Quorum decides access.

Meetings hold what companies guard most (board decisions, HR matters, client deals), so every read and write
path asks these functions rather than carrying its own rule. The rules, in full:

- A meeting is visible to its participants, its creator, the viewers its host named, and the members of the
  conversation it was created in. A public channel's members are the whole workspace (as the channel itself
  is); a private channel's or group chat's are its members; a private chat with the bot is its one person.
- A confidential meeting is visible only to its participants, its creator and its named viewers: being in
  its channel is not enough, and nothing in Quorum makes a channel member a participant by speaking.
- Who is in a conversation, and who a person's manager is, come from the platform through the `Directory`
  port the adapters implement.
  Where the platform says nothing about a group's members (DingTalk), the group counts as private and its
  members are the people who have written there.
- A meeting plan (a meeting still "planned") is visible only to its requester, the people who review or approve
  it (and those a late step was escalated to) and admins; only its requester changes or resubmits it, and only
  a step's approver (or the superior it was escalated to) decides that step.
- An approved event's board, incidents and report: the board is seen, and an incident reported, by whoever
  sees the meeting; tasks are added and outcomes recorded by the people who run the event (its requester,
  hosts, recorders and chairs), its plan's deciders and admins; a task's status also by its owner; an
  incident is acknowledged, updated and closed by its handler or the people who run the event; the
  monitoring report is for the people who run the event.
- Changing a meeting (reschedule, cancel, agenda, the record, a decision's verdict) is for its creator, hosts,
  recorders and chairs; closing an action item for its owner, its creator and its meeting's hosts; reassigning
  it or editing its text, due date or deliverable for its owner, its creator and its meeting's editors; channel
  settings and deletion for admins (the platform's, or the `QUORUM_ADMINS` setting); a person's report for
  that person or an admin.
- A request the bot warned about (a clash, a holiday, …) is answered only by the person who made it.
- A meeting's materials are posted by its presenter or by those who may change the meeting.

Nothing here reads the database or talks to a platform: callers load the facts (`MeetingFacts`, a
`Conversation`, whether the person has written in it) and pass them in, so the rules are plain functions
that the tests exercise directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

ConversationKind = Literal["public", "private", "direct"]
EDITOR_ROLES = frozenset({"host", "recorder"})


@dataclass(frozen=True)
class Conversation:
    """A channel, group chat or private chat, as its platform describes it."""

    kind: ConversationKind
    members: frozenset[str] | None = None  # platform user ids; None: the platform does not say


PUBLIC = Conversation("public")


class Directory(Protocol):
    """What the platform knows about conversations and people; each adapter implements it (and caches)."""

    def conversation(self, workspace: str, channel: str) -> Conversation: ...

    def is_admin(self, workspace: str, user: str) -> bool: ...

    def manager_of(self, workspace: str, user: str) -> str | None:
        """The platform id of `user`'s manager in the organisation's own directory; None when the platform
        has no such directory (Slack, the console) or may not read it."""
        ...

    def name_of(self, workspace: str, user: str) -> str | None:
        """The person's name in that directory (a manager Quorum has not met yet is shown by it); None likewise."""
        ...


class OpenDirectory:
    """A platform that tells nothing: every channel is public and nobody is a platform admin (only the
    `QUORUM_ADMINS` setting names admins). The core's default, so a deployment without a directory
    behaves as Quorum always did for public channels."""

    def conversation(self, workspace: str, channel: str) -> Conversation:
        return PUBLIC

    def is_admin(self, workspace: str, user: str) -> bool:
        return False

    def manager_of(self, workspace: str, user: str) -> str | None:
        return None

    def name_of(self, workspace: str, user: str) -> str | None:
        return None


@dataclass(frozen=True)
class Viewer:
    """The person asking: their user row id, their platform id, and whether they are an admin."""

    user_id: int
    platform_id: str
    is_admin: bool = False


@dataclass(frozen=True)
class MeetingFacts:
    """What access needs to know of one meeting, loaded once by the caller."""

    confidential: bool
    creator_id: int
    roles: Mapping[int, str] = field(default_factory=dict)  # participant user id → host/recorder/required/optional
    chairs: frozenset[int] = frozenset()
    viewers: frozenset[int] = frozenset()  # people the host named to see a confidential meeting

    def insiders(self) -> frozenset[int]:
        return frozenset(self.roles) | self.viewers | {self.creator_id}


def is_member(viewer: Viewer, conversation: Conversation, has_written: bool) -> bool:
    """Whether `viewer` is in `conversation`: everyone for a public channel, the platform's member list where
    it gives one, else (a group the platform says nothing about) the people who have written there."""
    if conversation.kind == "public":
        return True
    if conversation.members is not None:
        return viewer.platform_id in conversation.members
    return conversation.kind == "private" and has_written


def can_see(viewer: Viewer, meeting: MeetingFacts, in_conversation: bool) -> bool:
    """Participants, the creator and named viewers always; the conversation's members unless confidential."""
    if viewer.user_id in meeting.insiders():
        return True
    return not meeting.confidential and in_conversation


def can_edit(viewer: Viewer, meeting: MeetingFacts) -> bool:
    """The creator, hosts, recorders and chairs change a meeting and its record (MeetBot's chairs)."""
    return (
        viewer.user_id == meeting.creator_id
        or meeting.roles.get(viewer.user_id) in EDITOR_ROLES
        or viewer.user_id in meeting.chairs
    )


def can_edit_series(viewer: Viewer, series_creator_id: int, occurrence: MeetingFacts) -> bool:
    """A series (its time, title, cancelling it from one occurrence on) is changed by whoever created it and
    by the people who may change the occurrence named (its hosts, recorders and chairs)."""
    return viewer.user_id == series_creator_id or can_edit(viewer, occurrence)


def editor_ids(meeting: MeetingFacts) -> list[int]:
    """Everyone `can_edit` lets in, creator first: the names a refusal gives."""
    others = [uid for uid, role in meeting.roles.items() if role in EDITOR_ROLES or uid in meeting.chairs]
    return [meeting.creator_id, *(uid for uid in others if uid != meeting.creator_id)]


def can_close(viewer: Viewer, owner_id: int | None, creator_id: int, meeting_hosts: frozenset[int]) -> bool:
    """An action item is closed or changed by its owner, whoever created it, or its meeting's hosts."""
    return viewer.user_id in ({owner_id, creator_id} | meeting_hosts)


def can_change_item(viewer: Viewer, owner_id: int | None, creator_id: int, meeting: MeetingFacts | None) -> bool:
    """Reassigning an action item, giving it an owner, or changing its text, due date or deliverable: its
    owner (handing it over), whoever created it, and the people who change its meeting's record."""
    return viewer.user_id in (owner_id, creator_id) or (meeting is not None and can_edit(viewer, meeting))


def can_change_decision(viewer: Viewer, author_id: int, meeting: MeetingFacts | None) -> bool:
    """A decision's verdict: the people who change its meeting's record, or, standing alone, its author."""
    return can_edit(viewer, meeting) if meeting is not None else viewer.user_id == author_id


def is_admin(platform_says: bool, platform_id: str, configured: frozenset[str]) -> bool:
    """A platform admin or owner, or someone the deployment names in `QUORUM_ADMINS`."""
    return platform_says or platform_id in configured


def can_answer_request(viewer: Viewer, requester_id: int) -> bool:
    """Going ahead with (or dropping) a new meeting or a move the bot warned about: only its asker."""
    return viewer.user_id == requester_id


def can_share_materials(viewer: Viewer, presenter_id: int | None, meeting: MeetingFacts) -> bool:
    """A meeting's materials come from their presenter, or from anyone who may change the meeting."""
    return viewer.user_id == presenter_id or can_edit(viewer, meeting)


def can_see_person_report(viewer: Viewer, person_id: int) -> bool:
    """Attendance, on-time rate and satisfaction of one person: theirs to see, and admins'."""
    return viewer.user_id == person_id or viewer.is_admin


@dataclass(frozen=True)
class PlanFacts:
    """What access needs of a meeting plan: who filed it and who decides (or decided) any of its steps."""

    requester_id: int
    deciders: frozenset[int] = frozenset()  # reviewers, approvers, and superiors a late step went to


def can_see_plan(viewer: Viewer, plan: PlanFacts) -> bool:
    return viewer.user_id == plan.requester_id or viewer.user_id in plan.deciders or viewer.is_admin


def can_change_plan(viewer: Viewer, plan: PlanFacts) -> bool:
    """Editing and resubmitting a plan is its requester's."""
    return viewer.user_id == plan.requester_id


def can_decide_step(viewer: Viewer, approver_id: int, escalated_to_id: int | None) -> bool:
    """A step is decided by its approver, or by the superior it was escalated to."""
    return viewer.user_id in (approver_id, escalated_to_id)


def runs_event(viewer: Viewer, meeting: MeetingFacts, deciders: frozenset[int]) -> bool:
    """Who runs an approved event: its editors (the requester first), its plan's deciders, and admins."""
    return viewer.is_admin or can_edit(viewer, meeting) or viewer.user_id in deciders


def can_update_task(viewer: Viewer, owner_id: int, meeting: MeetingFacts, deciders: frozenset[int]) -> bool:
    """A preparation task's status: its owner, and whoever runs the event."""
    return viewer.user_id == owner_id or runs_event(viewer, meeting, deciders)


def can_handle_incident(viewer: Viewer, handler_id: int, meeting: MeetingFacts, deciders: frozenset[int]) -> bool:
    """Acknowledging, updating and closing an incident: its handler, and whoever runs the event."""
    return viewer.user_id == handler_id or runs_event(viewer, meeting, deciders)
