"""Use cases that correct what a meeting recorded: an action item's owner (reassign, or assign one it never
had), its text, due date or deliverable, and a decision's verdict.

A record that cannot be corrected gets worked around (a second item, a note in the chat) and the tracker
stops telling the truth, so corrections are first-class: each one is kept in the item's history
(`ActionItemEvent`), re-plans the item's reminders for whoever owns it now (`followup.replan_item`), and
tells the people it concerns — the new owner gets the assignment note with its buttons, the old owner and
the requester hear about it. Who may correct what is `bot.access`'s to say (`can_change_item`,
`can_change_decision`), applied through `bot.service.guard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import command_types as c
from bot import followup, views
from bot.errors import Conflict, NotFound
from bot.i18n import Lang, t
from bot.locale import language_of
from bot.messages import Outcome, OutMessage, Target
from bot.service import guard, records
from bot.service.context import Ctx
from bot.timeparse import format_date
from store import repo
from store.models import ActionItem, Decision, User


def reassign(ctx: Ctx, cmd: c.ReassignItem) -> Outcome:
    item = records.open_item(ctx, cmd.number)
    guard.ensure_can_change_item(ctx, item)
    if item.owner_id is None:
        raise Conflict("error.unowned_item", number=item.number)
    new = ctx.resolve(cmd.who)
    if new.id == item.owner_id:
        raise Conflict("error.same_owner", number=item.number, name=new.display_name)
    return _give(ctx, item, new, cmd.note)


def assign(ctx: Ctx, cmd: c.AssignItem) -> Outcome:
    item = records.open_item(ctx, cmd.number)
    guard.ensure_can_change_item(ctx, item)
    owner = ctx.session.get(User, item.owner_id) if item.owner_id else None
    if owner is not None:
        raise Conflict("error.already_owned", number=item.number, name=owner.display_name)
    return _give(ctx, item, ctx.resolve(cmd.who), None)


def _give(ctx: Ctx, item: ActionItem, new: User, note: str | None) -> Outcome:
    """The item changes hands: history, reminders for the new owner, and everyone concerned told."""
    old = ctx.session.get(User, item.owner_id) if item.owner_id else None
    item.owner_id = new.id
    item.acknowledged_at = ctx.now if new.id == ctx.user_id else None  # the new owner accepts anew
    item.declined_reason = None
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "owner",
                          str(old.id) if old else None, str(new.id), note)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    meeting = followup.meeting_of(ctx.session, item)
    line = views.action_line(item, new, ctx.lang)
    key = "reassign.done" if old is not None else "assign.done"
    said = ctx.t(key, number=item.number, name=new.display_name, old=old.display_name if old else "", line=line)
    notify = (new.platform_user_id,) if new.id != ctx.user_id else ()
    outcome = Outcome([records.announce(ctx, meeting, said + (f" — {note}" if note else ""), mentions=notify)])
    if new.id != ctx.user_id:
        outcome.messages.append(records.assignment(ctx, item, new, meeting))
    if old is not None and old.id != ctx.user_id:
        lang = language_of(old, ctx.settings, ctx.lang)
        text = t(lang, "reassign.old_owner", who=ctx.user.display_name, number=item.number, text=item.text,
                 name=new.display_name)
        outcome.messages.append(OutMessage(lang=lang, target=Target(kind="direct", user=old.platform_user_id),
                                           text=text + (f" — {note}" if note else "")))
    requester = followup.requester(ctx.session, item)
    if requester is not None and requester.id not in (ctx.user_id, new.id, old.id if old else None):
        outcome.messages.extend(records.tell_requester(ctx, item, said))
    return outcome


def edit_item(ctx: Ctx, cmd: c.EditItem) -> Outcome:
    item = records.open_item(ctx, cmd.number)
    guard.ensure_can_change_item(ctx, item)
    before, after = _change(ctx, item, cmd)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    owner = ctx.session.get(User, item.owner_id) if item.owner_id else None
    what = ctx.t("item_field." + cmd.field)
    said = ctx.t("edit_item.done", number=item.number, what=what, old=before(ctx.lang), new=after(ctx.lang),
                 line=views.action_line(item, owner, ctx.lang))
    outcome = Outcome([records.announce(ctx, followup.meeting_of(ctx.session, item), said)])
    if cmd.due_assumed:
        outcome.messages.append(ctx.assumed_note(cmd.due_assumed))
    if owner is not None and owner.id != ctx.user_id:
        lang = language_of(owner, ctx.settings, ctx.lang)
        outcome.messages.append(OutMessage(
            lang=lang, target=Target(kind="direct", user=owner.platform_user_id),
            text=t(lang, "edit_item.owner_news", who=ctx.user.display_name, number=item.number,
                   what=t(lang, "item_field." + cmd.field), old=before(lang), new=after(lang)),
        ))
    return outcome


def _change(ctx: Ctx, item: ActionItem, cmd: c.EditItem) -> tuple[_Value, _Value]:
    """Apply the edit and record it; the value before and after, each to be shown in a reader's language."""
    if cmd.field == "due":
        assert cmd.due is not None
        old_due = item.due_on
        if old_due == cmd.due:
            raise Conflict("error.item_unchanged", number=item.number)
        if item.original_due_on in (None, old_due):  # a correction, not a delay: the plan itself was wrong
            item.original_due_on = cmd.due
        item.due_on = cmd.due
        repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "due", str(old_due), str(cmd.due), "edit")
        return _Value(date_=old_due), _Value(date_=cmd.due)
    assert cmd.text is not None
    old_text = item.text if cmd.field == "text" else item.deliverable
    if old_text == cmd.text:
        raise Conflict("error.item_unchanged", number=item.number)
    if cmd.field == "text":
        item.text = cmd.text
    else:
        item.deliverable = cmd.text
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, cmd.field, old_text, cmd.text, "edit")
    return _Value(text=old_text), _Value(text=cmd.text)


@dataclass(frozen=True)
class _Value:
    """A text or a date as it reads in a given language ("—" when there was none)."""

    text: str | None = None
    date_: date | None = None

    def __call__(self, lang: Lang) -> str:
        if self.date_ is not None:
            return format_date(self.date_, lang)
        return self.text or "—"


def set_verdict(ctx: Ctx, cmd: c.SetVerdict) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.meeting)
    assert meeting.id is not None
    decisions = repo.records(ctx.session, Decision, meeting.id)
    if not 1 <= cmd.decision <= len(decisions):
        raise NotFound("error.no_decision", number=meeting.number, position=cmd.decision, count=len(decisions))
    decision = decisions[cmd.decision - 1]
    guard.ensure_can_change_decision(ctx, decision, meeting)
    if decision.verdict == cmd.verdict:
        raise Conflict("error.verdict_unchanged", verdict=ctx.t("verdict." + cmd.verdict))
    decision.verdict = cmd.verdict
    said = ctx.t("verdict.set", ref=f"{meeting.number}.{cmd.decision}", text=decision.text,
                 verdict=ctx.t("verdict." + cmd.verdict))
    return Outcome([records.announce(ctx, meeting, said)])
