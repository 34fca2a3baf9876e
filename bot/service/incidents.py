"""Incidents on the day (异常上报): reported by anyone who sees the meeting, routed by type to the handler the
channel configured (`config incident equipment @it-lead`; else the `other` handler; else the requester), who
must acknowledge within 15 minutes: reminded 10 minutes in, escalated at 15 to the requester (and the
handler's superior, when one is configured). The handler updates the status and closes it with its cause and
fix. Every time is kept for the monitoring report.
"""

from __future__ import annotations

from bot import board_commands as bc
from bot import board_views, followup
from bot.errors import Conflict, NotFound
from bot.i18n import t
from bot.locale import language_of, zone_of
from bot.messages import Outcome, OutMessage
from bot.service import guard
from bot.service.context import Ctx
from store import board, plans
from store.models import Incident, Meeting, NotificationKind, User

ROLE_PREFIX = "inc_"  # the handler of a type is an ApprovalRole "inc_<type>" in the channel


def incident(ctx: Ctx, cmd: bc.IncidentCommand) -> Outcome:
    op = cmd.op
    if isinstance(op, bc.ReportIncident):
        return report(ctx, op)
    row, meeting, handler = incident_by_number(ctx, op.incident)
    guard.ensure_may_handle_incident(ctx, meeting, handler)
    if row.status == "closed":
        raise Conflict("error.incident_closed", "example.incident", number=row.number)
    if isinstance(op, bc.AckIncident):
        return ack(ctx, row, meeting)
    if row.acked_at is None:  # any answer from the handler acknowledges it
        row.acked_at = ctx.now
    if isinstance(op, bc.SetIncidentStatus):
        row.status = op.status
        key, params = "incident.status_set", {"status": ctx.t("incident_status." + op.status)}
    else:
        row.status, row.cause, row.fix, row.closed_at = "closed", op.cause, op.fix, ctx.now
        key, params = "incident.closed", {"cause": op.cause, "fix": op.fix}
    ctx.session.flush()
    messages = [ctx.reply(ctx.t(key, number=row.number, **params))]
    messages.extend(tell(ctx, meeting, [row.reporter_id, meeting.created_by_id], key, number=row.number, **params))
    return Outcome(messages)


def handler_for(ctx: Ctx, meeting: Meeting, kind: str) -> int:
    for role in (ROLE_PREFIX + kind, ROLE_PREFIX + "other"):
        found = plans.reviewers_in_role(ctx.session, ctx.workspace_id, role, meeting.channel_id)
        if found:
            return found[0]
    return meeting.created_by_id


def report(ctx: Ctx, cmd: bc.ReportIncident) -> Outcome:
    meeting = guard.event_meeting(ctx, cmd.number)
    assert meeting.id is not None
    handler_id = handler_for(ctx, meeting, cmd.kind)
    row = Incident(workspace_id=ctx.workspace_id, number=board.next_incident_number(ctx.session, ctx.workspace_id),
                   meeting_id=meeting.id, kind=cmd.kind, text=cmd.text, impact=cmd.impact, severity=cmd.severity,
                   reporter_id=ctx.user_id, handler_id=handler_id, reported_at=ctx.now)
    ctx.session.add(row)
    ctx.session.flush()
    for kind, delay in ((NotificationKind.INCIDENT_ACK_REMIND, board_views.ACK_REMINDER),
                        (NotificationKind.INCIDENT_ESCALATION, board_views.ACK_WINDOW)):
        followup.schedule(ctx.session, ctx.workspace_id, kind, ctx.now + delay, ctx.now, incident_id=row.id,
                          recipient_id=handler_id)
    handler = ctx.session.get(User, handler_id)
    assert handler is not None
    params = {"number": row.number, "meeting": meeting.number, "text": row.text,
              "handler": handler.display_name}
    messages: list[OutMessage] = [ctx.post(ctx.t("incident.reported", kind=ctx.t("incident_kind." + row.kind),
                                                 severity=ctx.t("priority." + row.severity), **params))]
    lang, zone = language_of(handler, ctx.settings, meeting.language), zone_of(handler, ctx.settings)
    body = t(lang, "incident.to_handler", who=ctx.user.display_name, kind=t(lang, "incident_kind." + row.kind),
             severity=t(lang, "priority." + row.severity), text=row.text,
             impact=row.impact or "—")
    messages.append(board_views.incident_card(row, meeting, handler, lang, zone, body))
    return Outcome(messages)


def ack(ctx: Ctx, row: Incident, meeting: Meeting) -> Outcome:
    if row.acked_at is not None:
        raise Conflict("error.incident_acked", "example.incident", number=row.number)
    row.acked_at = ctx.now
    row.status = "in_progress"
    ctx.session.flush()
    minutes = board_views.response_minutes(row)
    key = "incident.acked" if row.acked_at - row.reported_at <= board_views.ACK_WINDOW else "incident.acked_late"
    messages = [ctx.reply(ctx.t(key, number=row.number, minutes=minutes))]
    messages.extend(tell(ctx, meeting, [row.reporter_id], "incident.acked_by", number=row.number,
                         who=ctx.user.display_name, minutes=minutes))
    return Outcome(messages)


def incident_by_number(ctx: Ctx, number: int) -> tuple[Incident, Meeting, User]:
    found = board.incident_by_number(ctx.session, ctx.workspace_id, number)
    meeting = ctx.session.get(Meeting, found.meeting_id) if found is not None else None
    if found is None or meeting is None or not guard.may_see_incident(ctx, found, meeting):
        raise NotFound("error.no_incident", "example.incident", number=number)
    handler = ctx.session.get(User, found.handler_id)
    assert handler is not None
    return found, meeting, handler


def tell(ctx: Ctx, meeting: Meeting, user_ids: list[int], key: str, **params: object) -> list[OutMessage]:
    """A private line to each of `user_ids` other than the speaker, in their language."""
    messages = []
    for user_id in dict.fromkeys(user_ids):
        user = ctx.session.get(User, user_id)
        if user is None or user_id == ctx.user_id:
            continue
        lang = language_of(user, ctx.settings, meeting.language)
        messages.append(board_views.direct(user, lang, t(lang, key, **params), meeting))
    return messages
