"""Looking back: `/meeting report`, `/meeting export`, `/meeting find`.

The standards our users follow end with a review (attendance, on-time rate, agenda overruns, satisfaction)
and with a record people can take with them (minutes, the action tracker, calendar entries). What is
confidential stays with its participants: a confidential meeting's report and files go privately to the
asker (who must be allowed to see it), a person's report goes privately too, and search never shows a
confidential meeting to anyone outside it.

`bot.exports` and `bot.reports` (openpyxl, reportlab, icalendar, matplotlib: ~0.75 s of imports) load on the
first report or export, not with the core: the console, the ticker, every test process and an idle `quorum slack`
(about 55 MB less resident, issue 14's 150 MB) start without them. A platform process has frozen its start-up heap
out of the cyclic GC's reach (`adapters.process.settle_heap`, for ack latency); these libraries' objects are then
frozen too, once loaded, so later full collections don't walk them either.
"""

from __future__ import annotations

import calendar
import gc
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import command_types as c
from bot import limits
from bot.errors import NotFound, ParseError
from bot.file_names import export_name
from bot.messages import Attachment, Outcome, OutMessage, Section, Target
from bot.service import guard
from bot.service.context import Ctx
from bot.timeparse import format_when, parse_due
from bot.vocabulary import MEETING_TYPE_WORDS
from store import repo
from store.models import Meeting

FIND_LIMIT = 10
FIND_PAGES = 10  # at most this many pages of matches are read past ones in channels the speaker is not in


def privately(ctx: Ctx) -> Target:
    return Target(kind="direct", user=ctx.inbound.user.platform_id)


def where_for(ctx: Ctx, meeting: Meeting) -> Target:
    """A meeting's report or files: in the conversation, unless the meeting is confidential."""
    return privately(ctx) if meeting.confidential else ctx.post("").target


def freeze_if_loaded(fresh: bool) -> None:
    """After the first load of the report or export libraries, freeze them as the process froze its start-up
    heap (only where it did: a platform adapter)."""
    if fresh and gc.get_freeze_count():
        gc.freeze()


def report(ctx: Ctx, cmd: c.Report) -> Outcome:
    fresh = "bot.reports" not in sys.modules
    from bot import reports
    freeze_if_loaded(fresh)
    if cmd.number is not None:
        meeting = guard.find_meeting(ctx, cmd.number)
        target = where_for(ctx, meeting)
        return Outcome([reports.meeting_report(ctx.session, meeting, ctx.lang, ctx.tz, ctx.now, target)])
    today = ctx.now.astimezone(ctx.tz).date()
    year, month = cmd.month or (today.year, today.month)
    limits.check_year(year)
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if cmd.person is not None:
        person = ctx.resolve(cmd.person)
        guard.ensure_may_see_person(ctx, person)
        return Outcome([reports.period_report(
            ctx.session, ctx.workspace_id, first, last, ctx.lang, ctx.tz, ctx.now, privately(ctx),
            label=f"@{person.display_name}", user_id=person.id)])
    channel = cmd.channel or ctx.inbound.channel
    guard.ensure_channel_visible(ctx, channel)
    return Outcome([reports.period_report(
        ctx.session, ctx.workspace_id, first, last, ctx.lang, ctx.tz, ctx.now, ctx.post("").target,
        label=f"#{channel}", channel_id=channel)])


def export(ctx: Ctx, cmd: c.Export) -> Outcome:
    fresh = "bot.exports" not in sys.modules
    from bot import exports
    freeze_if_loaded(fresh)
    if cmd.number is None:  # the channel's action tracker (confidential meetings' items left out)
        rows = exports.tracker_rows(ctx.session, ctx.workspace_id, channel_id=ctx.inbound.channel, zone=ctx.tz)
        tracker = Attachment("action-tracker.xlsx", "", data=exports.tracker_xlsx(rows, ctx.lang))
        return Outcome([ctx.post(ctx.t("export.tracker", count=len(rows)), attachments=(tracker,))])
    meeting = guard.find_meeting(ctx, cmd.number)
    record = exports.load_record(ctx.session, meeting)
    zone = ZoneInfo(meeting.timezone)  # a file people keep and pass on: the meeting's own clock, named
    files = []
    for kind in cmd.formats:
        name = export_name(meeting, "invitation" if kind == "ics" else "minutes", ctx.lang, kind)
        if kind == "md":
            files.append(Attachment(name, exports.minutes_markdown(record, ctx.lang, zone)))
        elif kind == "pdf":
            files.append(Attachment(name, "", data=exports.minutes_pdf(record, ctx.lang, zone)))
        elif kind == "ics":
            invitation = exports.meeting_ics(record, meeting.revision, stamp=ctx.now)
            files.append(Attachment(name, invitation.decode()))
    text = ctx.t("export.meeting", number=meeting.number, title=meeting.title,
                 files=", ".join(f.filename for f in files))
    return Outcome([OutMessage(lang=ctx.lang, target=where_for(ctx, meeting), text=text, attachments=tuple(files))])


def find(ctx: Ctx, cmd: c.Find) -> Outcome:
    """Words, a date ("last friday", "11月20日") or a meeting type ("review", "评审")."""
    query = cmd.query.strip()
    meeting_type = MEETING_TYPE_WORDS.get(query.lower())
    since = until = None
    words: str | None = None
    if meeting_type is None:
        day = parse_day(ctx, query)
        if day is not None:
            since = datetime.combine(day, datetime.min.time(), ctx.tz)
            until = since + timedelta(days=1)
        else:
            words = query
    found = visible_matches(ctx, words=words, since=since, until=until, meeting_type=meeting_type)
    if not found:
        raise NotFound("error.nothing_found", text=query)
    lines = tuple(
        ctx.t("find.line", number=m.number, title=m.title, when=format_when(m.start_at.astimezone(ctx.tz), ctx.tz,
                                                                            ctx.lang),
              status=ctx.t("status." + m.status))
        for m in found
    )
    return Outcome([ctx.reply(ctx.t("find.heading", text=query, count=len(found)), context=ctx.t("find.hint"),
                              sections=(Section(None, lines),))])


def visible_matches(ctx: Ctx, *, words: str | None, since: datetime | None, until: datetime | None,
                    meeting_type: str | None) -> list[Meeting]:
    """The newest matches the speaker may see. The query already leaves out confidential meetings they are
    not in; channel membership comes from the platform, so that part is asked here, a page at a time."""
    found: list[Meeting] = []
    for page in range(FIND_PAGES):
        batch = repo.search_meetings(ctx.session, ctx.workspace_id, words=words, since=since, until=until,
                                     meeting_type=meeting_type, limit=FIND_LIMIT, offset=page * FIND_LIMIT,
                                     viewer_id=ctx.user_id)
        found += [m for m in batch if guard.may_see(ctx, m)]
        if len(found) >= FIND_LIMIT or len(batch) < FIND_LIMIT:
            break
    return found[:FIND_LIMIT]


def parse_day(ctx: Ctx, text: str) -> date | None:
    """A date the words name, if they name one (searching for "budget" is not a date)."""
    try:
        return parse_due(text, now=ctx.now, tz=ctx.tz)
    except ParseError:
        return None
