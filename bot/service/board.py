"""The task board (任务看板): an approved event's preparation tasks, each with one owner, a deadline to the
hour, a phase, a priority, an optional task it waits for, a deliverable and a status.

Adding a task schedules its reminders as rows (24 h before the deadline to the owner; at the deadline, if not
done, to the owner copying the executive and the requester; 24 h later a warning to the owner copying the
requester), rendered in `bot.jobs` when due, so a task done in time is never chased. When a task is done, the
owners of the tasks waiting for it are told they can start. The first task also starts a weekly preparation
check-in: the board, posted to the event's channel every week until the event.
"""

from __future__ import annotations

from dataclasses import replace

from bot import board_commands as bc
from bot import board_views, followup
from bot import command_types as c
from bot.errors import Conflict, NotFound, ParseError
from bot.i18n import t
from bot.locale import language_of, zone_of
from bot.messages import Outcome, OutMessage, Section
from bot.service import guard, records
from bot.service.context import Ctx
from bot.timeparse import format_when
from store import board
from store.models import Meeting, NotificationKind, PrepTask, User


def task(ctx: Ctx, cmd: bc.Task | c.AddAction) -> Outcome:
    if isinstance(cmd, c.AddAction):  # 任务 without a meeting number: an action item
        return records.add_action(ctx, cmd)
    op = cmd.op
    if isinstance(op, bc.AddTask):
        return add(ctx, op)
    found, meeting, owner = task_by_number(ctx, op.task)
    guard.ensure_may_update_task(ctx, meeting, owner)
    status = "done" if isinstance(op, bc.TaskDone) else op.status
    return set_status(ctx, found, meeting, owner, status)


def task_by_number(ctx: Ctx, number: int) -> tuple[PrepTask, Meeting, User]:
    """Task #number if the speaker may see it (`guard.may_see_task`); otherwise the same reply as for no such task."""
    found = board.task_by_number(ctx.session, ctx.workspace_id, number)
    meeting = ctx.session.get(Meeting, found.meeting_id) if found is not None else None
    if found is None or meeting is None or not guard.may_see_task(ctx, found, meeting):
        raise NotFound("error.no_task", "example.board", number=number)
    owner = ctx.session.get(User, found.owner_id)
    assert owner is not None
    return found, meeting, owner


def add(ctx: Ctx, cmd: bc.AddTask) -> Outcome:
    meeting = guard.event_meeting(ctx, cmd.number)
    guard.ensure_runs_event(ctx, meeting)
    assert meeting.id is not None
    after = None
    if cmd.after is not None:
        after = board.task_by_number(ctx.session, ctx.workspace_id, cmd.after)
        if after is None or after.meeting_id != meeting.id:
            raise ParseError("error.task_after_unknown", "example.task", number=cmd.after, meeting=meeting.number)
    owner = ctx.resolve(cmd.owner)
    assert owner.id is not None
    row = PrepTask(workspace_id=ctx.workspace_id, number=board.next_task_number(ctx.session, ctx.workspace_id),
                   meeting_id=meeting.id, text=cmd.text, owner_id=owner.id, deadline=cmd.deadline, phase=cmd.phase,
                   priority=cmd.priority, after_id=after.id if after else None, deliverable=cmd.deliverable,
                   created_by_id=ctx.user_id, created_at=ctx.now)
    first = not board.tasks(ctx.session, meeting.id)
    ctx.session.add(row)
    ctx.session.flush()
    schedule_reminders(ctx, meeting, row)
    if first and ctx.now + board_views.CHECKIN_EVERY < meeting.start_at:
        followup.schedule(ctx.session, ctx.workspace_id, NotificationKind.PREP_CHECKIN,
                          ctx.now + board_views.CHECKIN_EVERY, ctx.now, task_id=row.id, channel_id=meeting.channel_id)
    due = format_when(cmd.deadline.astimezone(ctx.tz), ctx.tz, ctx.lang)
    messages = [ctx.reply(ctx.t("task.added", number=row.number, meeting=meeting.number, text=row.text,
                                owner=owner.display_name, due=due, phase=ctx.t("phase." + row.phase),
                                priority=ctx.t("priority." + row.priority)))]
    if cmd.assumed:
        messages.append(ctx.assumed_note(cmd.assumed))
    if owner.id != ctx.user_id:
        lang, zone = language_of(owner, ctx.settings, meeting.language), zone_of(owner, ctx.settings)
        text = t(lang, "task.assigned", number=row.number, meeting=meeting.number, title=meeting.title,
                 text=row.text, who=ctx.user.display_name, due=format_when(cmd.deadline.astimezone(zone), zone, lang))
        if after is not None and after.status != "done":
            text += "\n" + t(lang, "task.starts_after", number=after.number, text=after.text)
        messages.append(board_views.direct(owner, lang, text, meeting))
    return Outcome(messages)


def schedule_reminders(ctx: Ctx, meeting: Meeting, row: PrepTask) -> None:
    assert row.id is not None
    people = {
        NotificationKind.TASK_BEFORE: [row.owner_id],
        NotificationKind.TASK_DUE: [row.owner_id, *board_views.executive_ids(ctx.session, meeting),
                                    meeting.created_by_id],
        NotificationKind.TASK_OVERDUE: [row.owner_id, meeting.created_by_id],
    }
    for kind, who in people.items():
        when = row.deadline + board_views.TASK_OFFSETS[kind]
        if when <= ctx.now:
            continue
        for recipient in dict.fromkeys(who):
            followup.schedule(ctx.session, ctx.workspace_id, kind, when, ctx.now, task_id=row.id,
                              recipient_id=recipient)


def set_status(ctx: Ctx, row: PrepTask, meeting: Meeting, owner: User, status: str) -> Outcome:
    if row.status == "done" and status == "done":
        raise Conflict("error.task_already_done", "example.board", number=row.number)
    row.status = status
    row.done_at = ctx.now if status == "done" else None
    ctx.session.flush()
    key = "task.done" if status == "done" else "task.status_set"
    messages: list[OutMessage] = [ctx.reply(ctx.t(key, number=row.number, text=row.text,
                                                  status=ctx.t("task_status." + status)))]
    if status == "done":
        assert row.id is not None
        for waiting in board.waiting_on(ctx.session, row.id):
            if waiting.status == "done":
                continue
            next_owner = ctx.session.get(User, waiting.owner_id)
            assert next_owner is not None
            lang = language_of(next_owner, ctx.settings, meeting.language)
            messages.append(board_views.direct(next_owner, lang, t(
                lang, "task.ready", number=waiting.number, text=waiting.text, before=row.number,
                before_text=row.text, who=owner.display_name), meeting))
    return Outcome(messages)


def show(ctx: Ctx, cmd: bc.ShowBoard) -> Outcome:
    meeting = guard.event_meeting(ctx, cmd.number)
    return Outcome([board_views.board_message(ctx.session, meeting, ctx.lang, ctx.tz, ctx.now,
                                              ctx.reply("").target)])


def my_tasks(ctx: Ctx, view: OutMessage) -> OutMessage:
    """The person's own page with their open preparation tasks added (Slack's Home tab), late ones marked."""
    rows = board.open_tasks_of(ctx.session, ctx.workspace_id, ctx.user_id)
    if not rows:
        return view
    lines = tuple(board_views.task_line(row, ctx.user, None, ctx.lang, ctx.tz, ctx.now) for row in rows)
    return replace(view, sections=(*view.sections, Section(ctx.t("board.my_tasks"), lines)))
