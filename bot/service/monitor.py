"""Closing the event: outcomes recorded against the goal (`outcome 3 48 new dealers against 50` → 96%), and
the monitoring report (监控报告) with the standard's targets shown as met or missed.

Every figure comes from rows: attendance planned from the plan's expected attendees (the requester, the
internal people, the external guests; a meeting without a plan: its participants) and signed in from the
participants' sign-in times, preparation from the
task board, agenda completion and deviation from the agenda items' real start and end, incidents from their
reported and acknowledged times, satisfaction and suggestions from the survey (`rate`).

The report carries its files, a PDF and an XLSX named `<meeting>-<topic>-<date>` (`bot.exports.monitoring`),
wherever it goes: to the requester reviewing it and to each management reader, in that reader's language.
`bot.exports` (reportlab, openpyxl) is imported on the first report, as `review.export` does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import board_commands as bc
from bot import board_views, views
from bot.errors import Conflict
from bot.file_names import export_name
from bot.locale import language_of, zone_of
from bot.messages import Attachment, Outcome, OutMessage, Section, Target
from bot.service import guard
from bot.service.context import Ctx
from store import attendance, board, plans, repo
from store.models import AgendaItem, Meeting, MeetingResult

AGENDA_TARGET = 0.95  # agenda completion
SATISFACTION_TARGET = 4.5  # of 5: excellent
INCIDENT_TARGET = 0.90  # incidents answered within 15 minutes
AGENDA_DELAY_MINUTES = 10  # an item running more than this past its plan is a deviation


def outcome(ctx: Ctx, cmd: bc.RecordOutcome) -> Outcome:
    meeting = guard.event_meeting(ctx, cmd.number)
    guard.ensure_runs_event(ctx, meeting)
    assert meeting.id is not None
    ctx.session.add(MeetingResult(meeting_id=meeting.id, text=cmd.text, achieved=cmd.achieved, target=cmd.target,
                                  target_text=cmd.target_text, recorded_by_id=ctx.user_id, created_at=ctx.now))
    ctx.session.flush()
    share = percent(cmd.achieved, cmd.target)
    key = "outcome.recorded_share" if share is not None else "outcome.recorded"
    return Outcome([ctx.reply(ctx.t(key, number=meeting.number, text=cmd.text, target=cmd.target_text or "",
                                    share=share or 0))])


def percent(achieved: float | None, target: float | None) -> int | None:
    if achieved is None or not target:
        return None
    return round(100 * achieved / target)


@dataclass(frozen=True)
class AgendaFigures:
    planned: int
    completed: int
    delayed: tuple[tuple[str, int], ...]  # each item over its time by more than the standard allows, minutes over

    @property
    def completion(self) -> float | None:
        return self.completed / self.planned if self.planned else None


def agenda_figures(items: list[AgendaItem]) -> AgendaFigures:
    delayed = []
    for item in items:
        if item.started_at is None or item.ended_at is None or item.planned_minutes is None:
            continue
        over = round((item.ended_at - item.started_at).total_seconds() / 60) - item.planned_minutes
        if over > AGENDA_DELAY_MINUTES:
            delayed.append((item.title, over))
    return AgendaFigures(len(items), sum(item.ended_at is not None for item in items), tuple(delayed))


def mark(ctx: Ctx, met: bool | None) -> str:
    return ctx.t("monitor.none") if met is None else ctx.t("monitor.met" if met else "monitor.missed")


def report(ctx: Ctx, cmd: bc.MonitorReport) -> Outcome:
    meeting = guard.event_meeting(ctx, cmd.number)
    guard.ensure_runs_event(ctx, meeting)
    if not cmd.send:
        return Outcome([report_message(ctx, meeting)])
    guard.ensure_sends_event_report(ctx, meeting)
    ids = plans.reviewers_in_role(ctx.session, ctx.workspace_id, "management", meeting.channel_id)
    if not ids:
        raise Conflict("error.no_management", "example.config_management")
    users = repo.users_by_id(ctx.session, ids)
    messages = [ctx.reply(ctx.t("monitor.sent", number=meeting.number,
                                who=ctx.t("punct.list").join("@" + users[uid].display_name for uid in ids)))]
    for uid in ids:
        to = users[uid]
        local = replace(ctx, lang=language_of(to, ctx.settings, meeting.language), tz=zone_of(to, ctx.settings))
        message = report_message(local, meeting)
        messages.append(replace(message, target=Target(kind="direct", user=to.platform_user_id)))
    return Outcome(messages)


def report_message(ctx: Ctx, meeting: Meeting) -> OutMessage:
    """The report in `ctx`'s language and timezone, as a reply to the speaker (retargeted when sent)."""
    assert meeting.id is not None
    people = repo.participants(ctx.session, meeting.id)
    plan = plans.plan_of(ctx.session, meeting.id)
    expected = plans.people(ctx.session, plan.id) if plan and plan.id else []
    planned = (len({p.user_id for p in expected if p.user_id} | {meeting.created_by_id})
               + sum(p.side == "external" for p in expected)) if expected else sum(
        attendance.on_roll(p) for p, _u in people)
    signed = sum(attendance.present(p) for p, _u in people)
    tasks = board.tasks(ctx.session, meeting.id)
    agenda = agenda_figures(repo.agenda(ctx.session, meeting.id))
    incidents = board.incidents(ctx.session, meeting.id)
    answered = [i for i in incidents if i.acked_at is not None and i.acked_at - i.reported_at <= board_views.ACK_WINDOW]
    surveys = board.survey_answers(ctx.session, meeting.id)
    average = sum(s.score for s in surveys) / len(surveys) if surveys else None
    handlers = repo.users_by_id(ctx.session, sorted({i.handler_id for i in incidents}))

    completion = agenda.completion
    in_time = len(answered) / len(incidents) if incidents else None
    overview = (
        ctx.t("monitor.when", when=views.when_line(meeting, ctx.lang, ctx.tz)),
        ctx.t("monitor.where", where=meeting.location or "—"),
        ctx.t("monitor.attendance", planned=planned, signed=signed),
    )
    on_time = sum(board_views.on_time(task) for task in tasks)
    plan_lines = [
        ctx.t("monitor.tasks", total=len(tasks), on_time=on_time,
              late=sum(board_views.is_late(task, ctx.now) or (task.status == "done" and not board_views.on_time(task))
                       for task in tasks)),
        ctx.t("monitor.agenda", completed=agenda.completed, planned=agenda.planned,
              share=share_text(completion),
              mark=mark(ctx, None if completion is None else completion >= AGENDA_TARGET)),
        *(ctx.t("monitor.delayed_item", what=title, minutes=over) for title, over in agenda.delayed),
    ]
    incident_lines = [board_views.incident_line(i, handlers[i.handler_id], ctx.lang, ctx.tz) for i in incidents]
    incident_lines.append(ctx.t("monitor.incidents", answered=len(answered), total=len(incidents),
                                share=share_text(in_time),
                                mark=mark(ctx, None if in_time is None else in_time >= INCIDENT_TARGET)))
    outcome_lines = [outcome_line(ctx, r) for r in board.results(ctx.session, meeting.id)]
    if meeting.goal:
        outcome_lines.insert(0, ctx.t("monitor.goal", goal=meeting.goal))
    satisfaction = [ctx.t("monitor.satisfaction", average=f"{average:.1f}" if average is not None else "—",
                          answers=len(surveys), mark=mark(ctx, None if average is None else
                                                          average >= SATISFACTION_TARGET))]
    satisfaction.extend(f"“{s.comment}”" for s in surveys if s.comment)
    sections = (
        Section(ctx.t("monitor.overview"), overview),
        Section(ctx.t("monitor.plan_vs_actual"), tuple(plan_lines)),
        Section(ctx.t("monitor.incidents_heading"), tuple(incident_lines)),
        Section(ctx.t("monitor.outcomes"), tuple(outcome_lines) or (ctx.t("monitor.no_outcomes"),)),
        Section(ctx.t("monitor.satisfaction_heading"), tuple(satisfaction)),
    )
    targets = (
        (ctx.t("monitor.target_agenda"), completion, AGENDA_TARGET),
        (ctx.t("monitor.target_satisfaction"), average, SATISFACTION_TARGET),
        (ctx.t("monitor.target_incidents"), in_time, INCIDENT_TARGET),
    )
    title = ctx.t("monitor.title", number=meeting.number, title=meeting.title)
    return ctx.reply(ctx.t("monitor.intro"), title=title, sections=sections,
                     attachments=report_files(ctx, meeting, title, sections, targets))


def share_text(share: float | None) -> str:
    """"96%", or "—" when there is nothing to count (no agenda, no incidents): never a made-up 0%."""
    return "—" if share is None else f"{round(100 * share)}%"


def report_files(ctx: Ctx, meeting: Meeting, title: str, sections: tuple[Section, ...],
                 targets: tuple[tuple[str, float | None, float], ...]) -> tuple[Attachment, ...]:
    """The report as `<meeting>-<topic>-<date>.pdf` and `.xlsx`, dated on the meeting's own clock."""
    from bot import exports
    rows = [(s.heading, s.lines) for s in sections]
    figures = [exports.TargetFigure(name, None if actual is None else round(actual, 3), target,
                                    None if actual is None else actual >= target)
               for name, actual, target in targets]
    pdf = exports.sections_pdf(title, ctx.t("monitor.intro"), rows, ctx.lang)
    xlsx = exports.report_xlsx(figures, rows, ctx.lang)
    return (Attachment(export_name(meeting, "monitoring", ctx.lang, "pdf"), "", data=pdf),
            Attachment(export_name(meeting, "monitoring", ctx.lang, "xlsx"), "", data=xlsx))


def outcome_line(ctx: Ctx, row: MeetingResult) -> str:
    share = percent(row.achieved, row.target)
    if share is None:
        return row.text
    return ctx.t("monitor.outcome", text=row.text, target=row.target_text or "", share=share)
