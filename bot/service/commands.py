"""The command table: every subcommand Quorum knows, registered once.

Each entry names its words in both languages, its parser (from `bot.grammar`), the use case that acts on
its Command, its help topic and (by convention, `help.<name>` / `example.<name>`) its catalog lines. The
parser, `dispatch`, `help`, README's command table and the example test all read `COMMANDS`; adding a
subcommand is one entry here plus its lines in bot/i18n/en.py and zh.py (a parser and a use case when it
needs new ones).

It lives at the service layer because it binds the grammar to the use cases; the grammar itself never
imports the service.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot import board_commands as bc
from bot import command_types as c
from bot.errors import UserError
from bot.grammar import board_args as b
from bot.grammar import edit_args as e
from bot.grammar import meeting_args as m
from bot.grammar import plan_args as pl
from bot.grammar import preference_args, series_args
from bot.grammar import record_args as r
from bot.grammar.new_meeting import new_meeting
from bot.grammar.registry import Call, Registry, Subcommand
from bot.messages import Outcome
from bot.service import (
    approvals,
    board,
    config,
    confirmation,
    edits,
    guard,
    incidents,
    materials,
    meeting_day,
    meetings,
    monitor,
    plans,
    preferences,
    record_edits,
    records,
    review,
    series,
    signin,
)
from bot.service.context import Ctx
from bot.service.help import help_message
from bot.vocabulary import (
    ACCEPT,
    AGENDA,
    ASSIGN,
    CHECK_IN,
    DECLINE,
    DELAY,
    DONE,
    ITEM,
    MATERIALS,
    ME,
    REASSIGN,
    REOPEN,
    VERDICT,
    VERIFY,
    Words,
)
from store import repo
from store.models import Meeting

TOPICS = ("meetings", "plans", "board", "records", "followup", "review")  # help's sections, in order


def replied_meeting_number(ctx: Ctx) -> int | None:
    """The number of the meeting the replied-to bot message belongs to, if any."""
    if ctx.inbound.reply_to is None:
        return None
    ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to)
    if ref is None or ref.meeting_id is None:
        return None
    meeting = ctx.session.get(Meeting, ref.meeting_id)
    return meeting.number if meeting else None


def _rsvp(ctx: Ctx, command: c.Rsvp) -> Outcome:
    number = command.number if command.number is not None else replied_meeting_number(ctx)
    if number is None:
        raise UserError("error.missing_number", "example.rsvp", command="rsvp")
    return meetings.rsvp(ctx, guard.find_meeting(ctx, number), command.answer, command.note)


def _end(ctx: Ctx, command: c.EndMeeting) -> Outcome:
    return meetings.end(ctx, "#" + ctx.inbound.channel)


def _add_note(ctx: Ctx, command: c.AddNote) -> Outcome:
    return records.add_note(ctx, command.kind, command.text)


def _confirm(ctx: Ctx, command: c.ConfirmRequest) -> Outcome:
    return confirmation.confirm(ctx, command, lambda asked, held: COMMANDS.for_command(held).handle(asked, held))


def _edit(call: Call) -> c.EditMeeting | c.EditItem:
    """`edit 3 place Room 5` changes meeting #3; `edit item 12 due friday` corrects action item #12 (its errors
    show the `edit item` example). Each command is then dispatched by its type to its own use case."""
    if call.args and call.args[0].word in ITEM:
        return r.edit_item(replace(call, name="edit_item", args=call.args[1:]))
    return e.edit(call)


def _help(ctx: Ctx, command: c.Help) -> Outcome:
    return Outcome([help_message(ctx, COMMANDS, command.topic)])


S = Subcommand
COMMANDS = Registry(
    [
        # -- meetings
        S("new", Words(("new",), ("新建", "创建")), c.NewMeeting, new_meeting, series.new, "meetings"),
        S("list", Words(("list",), ("列表", "会议列表")), c.ListMeetings, m.no_arguments(c.ListMeetings),
          lambda ctx, _: meetings.list_meetings(ctx), "meetings"),
        S("show", Words(("show",), ("查看",)), c.ShowMeeting, m.show, meetings.show, "meetings"),
        S("rsvp", Words(("rsvp",), ("回复",)), c.Rsvp, m.rsvp, _rsvp, "meetings"),
        S("reschedule", Words(("reschedule",), ("改期",)), c.RescheduleMeeting, m.reschedule, series.reschedule,
          "meetings"),
        S("cancel", Words(("cancel",), ("取消",)), c.CancelMeeting, series_args.cancel, series.cancel, "meetings"),
        S("series", Words(("series",), ("系列",)), c.Series, series_args.series, series.show_or_edit, "meetings"),
        S("skip", Words(("skip",), ("跳过",)), c.SkipOccurrence, series_args.skip, series.skip, "meetings"),
        Subcommand[Any]("edit", Words(("edit", "change"), ("修改", "编辑", "更改")), c.EditMeeting, _edit, edits.edit,
                        "meetings"),
        S("agenda", AGENDA, c.EditAgenda, e.agenda, edits.agenda, "meetings"),
        S("invite", Words(("invite",), ("邀请",)), c.InvitePeople, e.invite, edits.invite, "meetings"),
        S("uninvite", Words(("uninvite",), ("移除",)), c.UninvitePeople, e.uninvite, edits.uninvite, "meetings"),
        S("extend", Words(("extend",), ("延长",)), c.ExtendMeeting, e.extend, edits.extend, "meetings"),
        S("start", Words(("start",), ("开始",)), c.StartMeeting, m.start, meetings.start, "meetings"),
        S("here", CHECK_IN, c.CheckIn, m.here, meetings.here, "meetings"),
        S("next", Words(("next",), ("下一项", "下一个")), c.NextItem, m.next_item, meeting_day.next_item, "meetings"),
        S("end", Words(("end",), ("结束",)), c.EndMeeting, m.no_arguments(c.EndMeeting), _end, "meetings"),
        S("rate", Words(("rate",), ("评分", "打分")), c.Rate, m.rate, meeting_day.rate, "meetings"),
        # 收到 N is already accept N (an action item), so ack has its own words
        S("ack", Words(("ack",), ("已阅", "确认收到")), c.AckMinutes, m.numbered(c.AckMinutes),
          meeting_day.ack_minutes, "meetings"),
        S("acks", Words(("acks",), ("回执",)), c.ShowAcks, m.numbered(c.ShowAcks), meeting_day.show_acks, "meetings"),
        S("object", Words(("object", "objection"), ("异议",)), c.ObjectToMinutes, m.remark(c.ObjectToMinutes),
          meeting_day.object_to_minutes, "meetings"),
        S("amend", Words(("amend",), ("修正", "更正")), c.AmendMinutes, m.remark(c.AmendMinutes),
          meeting_day.amend_minutes, "meetings"),
        S("viewers", Words(("viewers",), ("查阅人",)), c.NameViewers, m.viewers,
          lambda ctx, command: meetings.add_viewers(ctx, command.number, command.who), "meetings"),
        S("confirm", Words(("confirm",), ("确认",)), c.ConfirmRequest, m.confirm, _confirm, "meetings"),
        S("materials", MATERIALS, c.ShareMaterials, r.materials, materials.share, "meetings"),
        S("mine", Words(("mine",), ("我的",)), c.Mine, m.no_arguments(c.Mine), lambda ctx, _: meetings.mine(ctx),
          "meetings"),
        # -- plans (申报) and their approval
        S("plan", Words(("plan",), ("申报",)), c.Plan, pl.plan, plans.plan, "plans", takes_lines=True),
        S("approve", Words(("approve", "approved"), ("批准", "审批通过")), c.ApprovePlan, pl.approve, approvals.approve,
          "plans"),
        S("reject", Words(("reject",), ("驳回",)), c.RejectPlan, pl.reject, approvals.reject, "plans"),
        S("resubmit", Words(("resubmit",), ("重新提交", "重新申报")), c.ResubmitPlan, pl.resubmit, plans.resubmit,
          "plans"),
        # -- the event: task board (任务看板), incidents (异常上报), outcomes and the monitoring report
        S("task", Words(("task",), ("任务",)), bc.Task, b.task, board.task, "board"),
        S("board", Words(("board",), ("看板", "任务看板")), bc.ShowBoard, b.board, board.show, "board"),
        S("incident", Words(("incident",), ("异常上报", "异常")), bc.IncidentCommand, b.incident, incidents.incident,
          "board"),
        S("outcome", Words(("outcome",), ("成果", "实际成果")), bc.RecordOutcome, b.outcome, monitor.outcome, "board"),
        S("signin", Words(("signin", "sign-in"), ("签到登记",)), bc.SignIn, b.signin, signin.signin, "board"),
        S("signins", Words(("signins",), ("签到表", "签到情况")), bc.ShowSignIns, b.signins, signin.signins, "board"),
        S("chase", Words(("chase",), ("催签到",)), bc.ChaseSignIns, b.chase, signin.chase, "board"),
        S("countdown", Words(("countdown",), ("倒计时",)), bc.Countdown, b.countdown, signin.countdown, "board"),
        S("monitor", Words(("monitor",), ("监控报告", "监控")), bc.MonitorReport, b.monitor, monitor.report, "board"),
        # -- records
        S("action", Words(("action", "todo"), ("行动", "待办")), c.AddAction, r.action, records.add_action,
          "records"),
        S("decision", Words(("decision", "agreed"), ("决定", "决策", "决议")), c.AddDecision, r.decision,
          records.add_decision, "records"),
        S("question", Words(("question",), ("问题",)), c.AddQuestion, r.question, records.add_question, "records"),
        S("verdict", VERDICT, c.SetVerdict, r.verdict, record_edits.set_verdict, "records"),
        S("reassign", REASSIGN, c.ReassignItem, r.reassign, record_edits.reassign, "records"),
        S("assign", ASSIGN, c.AssignItem, r.assign, record_edits.assign, "records"),
        # reached through `edit` (`edit item 12 …`): the words here only name it in help and README
        S("edit_item", Words(("edit item",), ("修改 事项",)), c.EditItem, None, record_edits.edit_item, "records"),
        S("done", DONE, c.Done, r.done, records.done, "records"),
        S("status", Words(("status",), ("状态",)), c.SetStatus, r.status, records.set_status, "records"),
        S("delay", DELAY, c.SetStatus, r.delay, records.set_status, "records"),
        S("topic", Words(("topic",), ("主题",)), c.SetTopic, r.topic,
          lambda ctx, command: records.add_note(ctx, "topic", command.text), "records", help_key="help.meetbot"),
        # -- follow-through
        S("accept", ACCEPT, c.AcceptItem, m.numbered(c.AcceptItem), records.accept, "followup"),
        S("decline", DECLINE, c.DeclineItem, m.with_reason(c.DeclineItem), records.decline, "followup"),
        S("verify", VERIFY, c.VerifyItem, m.numbered(c.VerifyItem), records.verify, "followup"),
        S("reopen", REOPEN, c.ReopenItem, m.with_reason(c.ReopenItem), records.reopen, "followup"),
        S("config", Words(("config", "settings"), ("设置", "配置")), c.Configure, m.config, config.configure,
          "followup"),
        S("me", ME, c.MyPreferences, preference_args.me, preferences.me, "followup"),
        # -- looking back
        S("report", Words(("report",), ("报告", "报表")), c.Report, m.report, review.report, "review"),
        S("export", Words(("export",), ("导出",)), c.Export, m.export, review.export, "review"),
        S("find", Words(("find", "search"), ("查找", "搜索")), c.Find, m.find, review.find, "review"),
        # -- not in help's sections: help itself, and MeetBot's lines (one help line, on `topic`)
        S("help", Words(("help",), ("帮助",)), c.Help, m.help_topic, _help),
        S("info", Words(("info",), ("信息",)), c.AddNote, r.note("info"), _add_note),
        S("idea", Words(("idea",), ("想法",)), c.AddNote, r.note("idea"), _add_note),
        S("link", Words(("link",), ("链接",)), c.AddNote, r.note("link"), _add_note),
        S("undo", Words(("undo",), ("撤销",)), c.Undo, m.no_arguments(c.Undo), lambda ctx, _: records.undo(ctx)),
        S("chair", Words(("chair",), ("主持",)), c.AddChairs, r.chair, records.add_chairs),
        # -- only a reply to the bot's note about an open question: "resolved: the budget is ours"
        S("resolved", Words(()), c.ResolveQuestion, None, records.resolve_question, example_key="example.reply_action"),
    ],
    TOPICS,
)  # fmt: skip
