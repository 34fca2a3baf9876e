"""`quorum`: the command line. `quorum console` runs the bot in a terminal (or on a script from stdin);
`quorum slack` / `quorum dingtalk` run it on Slack / DingTalk, each with the scheduler beside it (several
instances may share a database: each due row is sent once, by one of them, through its own platform);
`quorum export` writes minutes, .ics and the action tracker to files; `quorum purge` applies the retention period;
`quorum replay LOG` turns an IRC MeetBot log into MeetBot-style minutes."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session, select

from adapters.clock import Clock, system_clock
from adapters.console import PLATFORM, ConsoleAdapter, run_script
from adapters.scheduler import start_ticker
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from bot.file_names import export_name
from bot.meetbot import parse_irc_log, render_minutes_txt
from store import repo

INTERACTIVE_HELP = (
    "Quorum console. Type as `me`, or as anyone with `alice> text`. Try: /meeting help\n"
    "Directives: :channel NAME, :dm alice TEXT, :react alice ✅ m3, :reply alice m3 done, :click alice m3 1,\n"
    ":advance 1h, :now 2026-11-23 09:00. Ctrl-D quits.\n"
)


def main(argv: list[str] | None = None, clock: Clock = system_clock) -> int:
    """Run one `quorum` command; `clock` is what "now" means to it (tests pass their own)."""
    parser = argparse.ArgumentParser(prog="quorum", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    console = sub.add_parser("console", help="run the bot in this terminal, or on a script from stdin")
    console.add_argument("--db", help="SQLite file to use (default: DATABASE_URL, else quorum.db)")
    console.add_argument("--tz", help="timezone of the people typing (default: QUORUM_TIMEZONE)")
    console.add_argument("--lang", choices=("en", "zh"), help="default reply language (default: QUORUM_LANGUAGE)")
    console.add_argument("--now", help="start the virtual clock here, e.g. '2026-11-23 09:00' (in --tz)")
    console.add_argument("--files", default="quorum-files", help="folder for minutes and other files")
    slack = sub.add_parser("slack", help="run on Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP on --port")
    slack.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on (default 0.0.0.0)")
    slack.add_argument("--port", type=int, default=3000,
                       help="HTTP mode: port for /slack/events, and /slack/install when installed by OAuth (3000)")
    dingtalk = sub.add_parser("dingtalk", help="run on DingTalk (钉钉): Stream mode, or --http PORT for callbacks")
    dingtalk.add_argument("--http", type=int, metavar="PORT", help="outgoing-robot HTTP callback mode on PORT")
    dingtalk.add_argument("--host", default="0.0.0.0", help="HTTP callback mode: address to listen on")
    export = sub.add_parser("export", help="write a meeting's minutes / .ics, or the action tracker, to files")
    export.add_argument("--db", help="SQLite file to use (default: DATABASE_URL, else quorum.db)")
    export.add_argument("--platform", default="console", help="console, slack or dingtalk (default console)")
    export.add_argument("--workspace", default="local", help="the team's id on that platform (default local)")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--meeting", type=int, metavar="N", help="meeting number")
    what.add_argument("--tracker", action="store_true", help="the action tracker (XLSX)")
    export.add_argument("--format", default="md,pdf", help="for --meeting: md, pdf, ics, comma separated")
    export.add_argument("--channel", help="for --tracker: only this channel's items")
    export.add_argument("--since", help="for --tracker: items created from this date (YYYY-MM-DD)")
    export.add_argument("--until", help="for --tracker: items created before this date (YYYY-MM-DD)")
    export.add_argument("--tz", help="timezone of the reader (default: QUORUM_TIMEZONE)")
    export.add_argument("--lang", choices=("en", "zh"), help="language (default: QUORUM_LANGUAGE)")
    export.add_argument("--out", type=Path, default=Path("."), help="folder to write into (default: here)")
    purge = sub.add_parser("purge", help="list (and with --yes delete) meetings older than QUORUM_RETENTION_MONTHS")
    purge.add_argument("--db", help="SQLite file to use (default: DATABASE_URL, else quorum.db)")
    purge.add_argument("--yes", action="store_true", help="delete them; without it, only list what would go")
    replay = sub.add_parser("replay", help="print MeetBot-style minutes for an IRC MeetBot log")
    replay.add_argument("log", type=Path)
    replay.add_argument("--channel", default="#meeting")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command in ("slack", "dingtalk"):
        return run_platform(args, args.command, clock)
    if args.command == "purge":
        return run_purge(args, clock)
    if args.command == "export":
        return run_export(args, clock)
    if args.command == "replay":
        print(render_minutes_txt(parse_irc_log(args.log.read_text(encoding="utf-8"), channel=args.channel)), end="")
        return 0
    return run_console(args, clock)


def load_settings(args: argparse.Namespace) -> Settings | None:
    """Settings from the environment, with the command line's --db / --tz / --lang on top."""
    overrides: dict[str, str] = {}
    if getattr(args, "db", None):
        overrides["DATABASE_URL"] = f"sqlite:///{args.db}"
    if getattr(args, "tz", None):
        overrides["QUORUM_TIMEZONE"] = args.tz
    if getattr(args, "lang", None):
        overrides["QUORUM_LANGUAGE"] = args.lang
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        print(f"quorum: bad setting: {error.errors()[0]['msg']}", file=sys.stderr)
        return None


def run_platform(args: argparse.Namespace, platform: str, clock: Clock) -> int:
    """`quorum slack` / `quorum dingtalk` until SIGTERM, which drains (`adapters/drain.py`): 0 when everything
    acknowledged was finished, 1 when the drain ran out of time, 2 on a bad setting."""
    settings = load_settings(args)
    if settings is None:
        return 2
    try:
        if platform == "slack":
            from adapters.slack.run import run as run_slack  # Bolt and uvicorn load only for this command

            return run_slack(settings, args.host, args.port, clock)
        from adapters.dingtalk.run import run as run_dingtalk

        return run_dingtalk(settings, args.http, args.host, clock)
    except ConfigError as error:
        print(f"quorum: {error}", file=sys.stderr)
        return 2


def run_purge(args: argparse.Namespace, clock: Clock) -> int:
    """Meetings past the retention period: listed always, deleted only with --yes; unfinished work is kept."""
    from dateutil.relativedelta import relativedelta

    from store import retention
    from store.database import make_engine, migrate, session_scope

    settings = load_settings(args)
    if settings is None:
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    cutoff = clock() - relativedelta(months=settings.retention_months)
    with session_scope(engine) as session:
        found = retention.candidates(session, cutoff)
        going = [c for c in found if not c.unfinished]
        for c in found:
            verdict = "keep (unfinished work)" if c.unfinished else ("delete" if args.yes else "would delete")
            print(f"{verdict}: workspace {c.workspace_id} #{c.number} {c.title} ({c.start_at:%Y-%m-%d}, "
                  f"{c.action_items} action item(s), {c.unfinished} unfinished)")
        rows = retention.purge(session, [c.meeting_id for c in going]) if args.yes else 0
    print(f"{len(going)} meeting(s) older than {settings.retention_months} months (before {cutoff:%Y-%m-%d})"
          + (f" deleted, {rows} rows in all." if args.yes else " would be deleted; run again with --yes to delete."))
    return 0


def run_export(args: argparse.Namespace, clock: Clock) -> int:
    """The files `/meeting export` posts, written to a folder: for archives, audits and scripts."""
    from bot import exports
    from store.database import make_engine, migrate
    from store.models import Workspace

    settings = load_settings(args)
    if settings is None:
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    zone, lang = settings.zone, settings.language
    args.out.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.platform == args.platform,
                                                         Workspace.external_id == args.workspace)).first()
        if workspace is None or workspace.id is None:
            print(f"quorum: no workspace {args.workspace!r} on {args.platform!r} in this database", file=sys.stderr)
            return 2
        written: list[Path] = []
        if args.tracker:
            try:
                since, until = (datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=zone) if value else None
                                for value in (args.since, args.until))
            except ValueError:
                print("quorum: --since / --until must look like 2026-11-01", file=sys.stderr)
                return 2
            rows = exports.tracker_rows(session, workspace.id, channel_id=args.channel, since=since, until=until,
                                        zone=zone)
            written.append(args.out / "action-tracker.xlsx")
            written[-1].write_bytes(exports.tracker_xlsx(rows, lang))
        else:
            meeting = repo.meeting_by_number(session, workspace.id, args.meeting)
            formats = [f.strip() for f in args.format.split(",") if f.strip()]
            if meeting is None or not formats or not set(formats) <= {"md", "pdf", "ics"}:
                print(f"quorum: no meeting #{args.meeting}, or a format other than md, pdf, ics: {args.format}",
                      file=sys.stderr)
                return 2
            record = exports.load_record(session, meeting)
            local = ZoneInfo(meeting.timezone)  # minutes show the meeting's own clock, named
            for kind in formats:
                topic = "invitation" if kind == "ics" else "minutes"
                written.append(args.out / export_name(meeting, topic, lang, kind))
                if kind == "md":
                    written[-1].write_text(exports.minutes_markdown(record, lang, local), encoding="utf-8")
                elif kind == "pdf":
                    written[-1].write_bytes(exports.minutes_pdf(record, lang, local))
                else:
                    written[-1].write_bytes(exports.meeting_ics(record, meeting.revision, stamp=clock()))
    for path in written:
        print(path)
    return 0


def start_time(text: str, settings: Settings) -> datetime | None:
    """`--now`: ISO 8601, in the settings' timezone unless it names an offset; None (and why, on stderr) when it
    is not a date and time."""
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        print("quorum: --now must look like '2026-11-23 09:00' or '2026-11-23T01:00:00+00:00'", file=sys.stderr)
        return None
    return start if start.tzinfo is not None else start.replace(tzinfo=settings.zone)


def run_console(args: argparse.Namespace, clock: Clock) -> int:
    settings = load_settings(args)
    if settings is None:
        return 2
    start = start_time(args.now, settings) if args.now else clock()
    if start is None:
        return 2
    core = Core(settings)
    adapter = ConsoleAdapter(core, sys.stdout, start, settings.zone, Path(args.files))
    if not sys.stdin.isatty():
        run_script(adapter, sys.stdin)
        return 0
    return interactive(adapter, settings, None if args.now else clock)


def interactive(adapter: ConsoleAdapter, settings: Settings, clock: Clock | None) -> int:
    """The terminal session; with a `clock`, "now" follows it, else the virtual clock moves only by :advance."""
    lock = threading.Lock()
    speaker = getpass.getuser() or "me"

    def tick() -> None:
        with lock:
            if clock is not None:
                adapter.now = clock()
            adapter.core.tick(adapter.now, adapter.send, platform=PLATFORM)
            sys.stdout.flush()

    ticker = start_ticker(tick, settings.tick_seconds)
    sys.stdout.write(INTERACTIVE_HELP)
    try:
        while True:
            try:
                line = input(f"{speaker}> ")
            except EOFError:
                return 0
            with lock:
                if clock is not None:
                    adapter.now = clock()
                adapter.run_line(line if line.startswith(":") or ">" in line.split(" ", 1)[0] else f"{speaker}> {line}")
    except KeyboardInterrupt:
        return 0
    finally:
        ticker.shutdown(wait=False)




if __name__ == "__main__":
    raise SystemExit(main())
