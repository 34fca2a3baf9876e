"""End to end: `quorum console` as a user would run it, on a script from stdin, with a SQLite file.

The scripts run in this process (`adapters.cli.main` with the script as stdin, stdout captured and a clock of the
test's), which is what `quorum console` does minus starting Python: some 2 s per script saved. One test still
starts the installed `quorum` entry point as a process and checks it prints exactly what `main` prints here.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from sqlmodel import Session, col, create_engine, select

from adapters.cli import main
from store.models import ActionItem, AgendaItem, Decision, Meeting, Participant, SurveyAnswer, User
from tests.conftest import MONDAY_9AM, migrated_engine, python_env
from tests.harness import ManualClock

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).parent / "scripts"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "meetbot"


def console_arguments(tmp_path: Path, *args: str) -> list[str]:
    return ["console", "--db", str(tmp_path / "q.db"), "--files", str(tmp_path / "files"), "--tz", "Asia/Shanghai",
            *args]


def run_console(script: str, tmp_path: Path, *args: str) -> str:
    """`quorum console ARGS < script` in this process: its stdout. Like the process it stands for, it runs in
    `tmp_path` (no stray .env is read) and must exit 0 with no traceback on stderr or in the log; "now" starts
    at Monday 09:00 in Shanghai unless `--now` or the script says otherwise, never at the wall clock.

    A first run finds its database already migrated (a copy of the session's template, as every core of the
    suite starts from), so it does not run Alembic again; the entry-point test's process migrates its own from
    nothing, and its output must equal this one's."""
    database = tmp_path / "q.db"
    if not database.exists():
        migrated_engine(f"sqlite:///{database}").dispose()
    out, err = io.StringIO(), io.StringIO()
    log = logging.StreamHandler(err)
    log.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.setLevel(logging.WARNING)
    logging.getLogger().addHandler(log)
    try:
        with (contextlib.chdir(tmp_path), mock.patch("sys.stdin", io.StringIO(script)),
              contextlib.redirect_stdout(out), contextlib.redirect_stderr(err)):
            code = main(console_arguments(tmp_path, *args), clock=ManualClock(MONDAY_9AM))
    finally:
        logging.getLogger().removeHandler(log)
    assert code == 0, err.getvalue()
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return out.getvalue()


def run_script(name: str, tmp_path: Path, *args: str, lines: Iterable[str]) -> str:
    """Runs scripts/<name>.txt with `args`: its output must hold each of `lines`; returns the output."""
    out = run_console((SCRIPTS / f"{name}.txt").read_text(encoding="utf-8"), tmp_path, *args)
    for line in lines:
        assert line in out
    return out


def run_against_expected(name: str, tmp_path: Path, lines: Iterable[str]) -> None:
    """Runs scripts/<name>.txt: its whole output must be <name>.expected (the files' folder is the test's own)
    and hold each of `lines`, the moments a reader should not have to find in the whole."""
    out = run_console((SCRIPTS / f"{name}.txt").read_text(encoding="utf-8"), tmp_path)
    assert out.replace(str(tmp_path), "<tmp>") == (SCRIPTS / f"{name}.expected").read_text(encoding="utf-8")
    for line in lines:
        assert line in out


def run_event_script(name: str, tmp_path: Path) -> str:
    """Runs scripts/<name>.txt from Monday 2026-11-23 09:00: its whole output must be <name>.expected (files
    written to the test's own folder read as FILES) and no line of the script refused; returns the output."""
    script = (SCRIPTS / f"{name}.txt").read_text(encoding="utf-8")
    out = run_console(script, tmp_path, "--now", "2026-11-23 09:00").replace(str(tmp_path / "files"), "FILES")
    assert out == (SCRIPTS / f"{name}.expected").read_text(encoding="utf-8")
    assert "!!" not in out
    return out


def db(tmp_path: Path) -> Session:
    return Session(create_engine(f"sqlite:///{tmp_path / 'q.db'}"))


def answers(session: Session) -> dict[str, tuple[str | None, str | None]]:
    rows = session.exec(select(Participant, User).where(Participant.user_id == User.id)).all()
    return {u.display_name: (p.rsvp, p.rsvp_note) for p, u in rows}


def test_a_whole_meeting_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "meeting_en.txt").read_text(encoding="utf-8"), tmp_path)
    assert "[m1] #general quorum: *Q3 roadmap  #1  (scheduled)*" in out
    assert re.search(r"\[m2\] @bob quorum: .*\n\s+alice invited you to “Q3 roadmap” as required\.", out)
    # reminders on :advance, each printed with the time it went out
    assert re.search(r"-- 2026-11-23 11:00 Asia/Shanghai --\n\[m\d+\] @erin quorum: .*\n.*Please answer by", out)
    day_before = r"-- 2026-11-23 15:00 Asia/Shanghai --\n\[m\d+\] #general quorum: ⏰ #1 Q3 roadmap starts in 1 d"
    assert re.search(day_before, out)
    assert re.search(r"-- 2026-11-24 14:45 Asia/Shanghai --\n\[m\d+\] #general quorum: ⏰ .* starts in 15 min", out)
    assert "(1) I'm here" in out and "Checked in to #1." in out
    assert "Removed the last action item: carol to edit #175" in out
    assert "Minutes: Q3 roadmap (#1)" in out and "Present (2/5): @alice, @bob" in out
    assert "🎉 #3 prepare the budget is done." in out and "✅ quorum reacted to carol's message" in out
    minutes = (tmp_path / "files" / "meeting-1-Q3-roadmap-minutes-2026-11-24.txt").read_text(encoding="utf-8")
    assert "Action Items, by person\n-----------------------\n* bob\n  * bob to write the release notes\n" in minutes
    assert "* carol\n  * carol: prepare the budget\n" in minutes and "edit #175" not in minutes
    with db(tmp_path) as session:
        meeting = session.exec(select(Meeting)).one()
        assert meeting.status == "ended"
        assert answers(session) == {
            "alice": ("yes", None), "bob": ("yes", None), "carol": ("maybe", None), "dave": ("no", "travelling"),
            "erin": (None, None),
        }
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert items[3].status == "done" and items[3].deliverable == "budget sheet — https://example.com/budget.xlsx"
        assert items[2].status == "cancelled" and items[1].status == "open"


def test_a_whole_meeting_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "meeting_zh.txt").read_text(encoding="utf-8"), tmp_path)
    assert "[m1] #产品组 quorum: *Q3规划会  #1（待召开）*" in out
    assert "2026-11-24 15:00（周二）Asia/Shanghai" in out
    assert "张三 邀请你以记录人身份参加「Q3规划会」。" in out
    day_before = r"-- 2026-11-23 15:00 Asia/Shanghai --\n\[m\d+\] #产品组 quorum: ⏰ #1“Q3规划会”将在 1 天后开始"
    assert re.search(day_before, out)
    assert "已签到 #1。" in out and "📍 议题：范围" in out and "✅ 决议：12月1日发布MVP" in out
    assert "会议纪要：Q3规划会（#1）" in out and "出席（2/4）：@张三、@李四" in out
    assert "🎉 #1“准备预算”已完成。" in out
    with db(tmp_path) as session:
        assert answers(session) == {
            "张三": ("yes", None), "李四": ("yes", None), "王五": ("no", None), "赵六": ("yes", None),
        }
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert items[1].status == "done" and items[1].due_on is not None and str(items[1].due_on) == "2026-11-27"
        assert items[2].status == "open"


def test_the_clock_and_the_database_survive_a_restart(tmp_path: Path) -> None:
    run_console('alice> /meeting new "Sync" tomorrow 3pm with @bob\n', tmp_path, "--now", "2026-11-23 09:00")
    out = run_console(":advance 1d6h\n", tmp_path, "--now", "2026-11-23 10:00")
    assert out.count("⏰ #1 Sync starts in") == 2  # 24 h and 15 min before; nothing lost across the restart
    assert "Please answer by" in out  # the RSVP chase for bob


def test_script_mistakes_are_reported_and_the_script_goes_on(tmp_path: Path) -> None:
    out = run_console(
        ":frobnicate\nno speaker here\n:advance soon\n:click alice m9 1\nalice> /meeting list\n", tmp_path
    )
    assert out.count("!! ") == 4
    assert "unknown directive :frobnicate" in out and "1d2h30m" in out and "no bot message m9" in out
    assert "No upcoming meetings in this channel" in out


def test_the_quorum_entry_point_runs_the_console(tmp_path: Path) -> None:
    """The one run as a separate process: the installed `quorum` script, fed a script on stdin, exits 0 and
    prints byte for byte what `main` prints in process (which every other script here relies on)."""
    script = (":now 2026-11-23 09:00\n"
              'alice> /meeting new "Sync" tomorrow 3pm with @bob\n'
              ":advance 1d6h\n")
    quorum = shutil.which("quorum", path=str(Path(sys.executable).parent))
    assert quorum is not None, f"no `quorum` entry point beside {sys.executable} (pip install -e .)"
    (tmp_path / "process").mkdir()
    result = subprocess.run(
        [quorum, *console_arguments(tmp_path / "process")], input=script, capture_output=True, text=True,
        timeout=120, cwd=tmp_path / "process", env=python_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    (tmp_path / "in-process").mkdir()
    assert result.stdout == run_console(script, tmp_path / "in-process")
    assert "⏰ #1 Sync starts in" in result.stdout


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/fixtures is not beside this checkout")
def test_replay_prints_meetbot_minutes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(FIXTURES / "magazine.2020-06-10-12.02.log.txt"), "--channel", "#fedora-meeting"]) == 0
    expected = (FIXTURES / "magazine.2020-06-10-12.02.txt").read_text(encoding="utf-8")
    section = expected[expected.index("Action Items\n") : expected.index("People Present")]
    assert section in capsys.readouterr().out


def test_follow_through_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "followup_en.txt").read_text(encoding="utf-8"), tmp_path)
    assert "(1) Accept (2) Can't do (3) Done" in out
    assert re.search(r"-- 2026-11-24 09:00 Asia/Shanghai --\n\[m6\] @alice quorum: @carol hasn't accepted #2", out)
    wednesday = r"-- 2026-11-25 09:00 Asia/Shanghai --\n(.*\n)*\[m9\] @bob quorum: \*⏰ Action item #1\*\n\s+#1 is due"
    assert re.search(wednesday, out)
    assert "[m11] @alice quorum: *Please check #1*" in out and "#1 is signed off. ✅" in out
    assert "News from carol on #2" in out and "#2 is now due 2026-12-01 (Tue)." in out
    digest = out[out.index("-- 2026-11-30 09:00 Asia/Shanghai --") :]
    assert "*📊 Weekly follow-up*" in digest and "#1 write the spec · @bob" in digest
    assert "100% on time (1 of 1)" in digest
    with db(tmp_path) as session:
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert items[1].status == "done" and items[1].verified_at is not None
        assert str(items[2].due_on) == "2026-12-01" and str(items[2].original_due_on) == "2026-11-24"


def test_follow_through_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "followup_zh.txt").read_text(encoding="utf-8"), tmp_path)
    assert "你已接受 #1「准备预算」。截止前我会提醒你。" in out
    assert "[m6] @张三 quorum: @王五 还没有接受 #2「订会议室」。" in out
    assert "#2 已于 2026-11-24（周二） 截止：逾期 1 个工作日。" in out
    assert "*请验收 #1*" in out and "#1 已验收。✅" in out
    assert "王五 关于 #2「订会议室」的最新情况：" in out
    assert "@王五\n         #2 订会议室 · 逾期 6 天" in out
    assert "*🚨 逾期：行动项 #2*" in out and "逾期 4 个工作日" in out
    with db(tmp_path) as session:
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert items[1].deliverable == "预算表 — https://example.com/预算.xlsx"
        assert items[2].status == "blocked" and items[2].blocked_reason == "会议室都订满了"


def test_the_meeting_day_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "meeting_day_en.txt").read_text(encoding="utf-8"), tmp_path)
    time_up = r"-- 2026-11-24 15:20 Asia/Shanghai --\n\[m13\] #general quorum: ⏰ Time is up for “Scope”\. next: Budget"
    assert re.search(time_up + r" \(25 min, @carol\)\n\s+\(1\) Next item", out)
    assert "-- 2026-11-24 15:25 Asia/Shanghai --\n[m14] #general quorum: ⚠️ Still on “Scope”, 5 min past" in out
    assert "[m15] #general (only bob) quorum: ⚠️ Only @alice can change meeting #1" in out
    assert "[m16] #general quorum: ✔️ “Scope” took 26 min. Now: Budget (25 min, @carol)" in out
    assert "[m17] #general (only alice) quorum: The meeting has already moved on" in out
    assert "⏰ Time is up for “Budget”, the last agenda item." in out and "Still on “Budget”" not in out
    assert re.findall(r"\[m\d+\] (@\w+) quorum: \*How was the meeting\?\*", out) == ["@alice", "@bob", "@carol"]
    assert "[m25] @bob quorum: Thanks! You rated #1 4/5." in out
    assert "[m28] @dave quorum: ⚠️ Only people who attended meeting #1" in out and "“7” is not a score" in out
    assert "[m21] #general quorum: *Minutes: Q3 roadmap (#1)*" in out and "(1) Got the minutes" in out
    held = "Agenda as held:\n       1. Scope: planned 20 min, actual 26 min\n"
    assert held + "       2. Budget: planned 25 min, actual 25 min" in out
    assert "Minutes of #1: 1 of 4 participants confirmed receipt.\n       Not yet: @alice, @carol, @dave" in out
    with db(tmp_path) as session:
        scores = session.exec(select(User.display_name, SurveyAnswer.score, SurveyAnswer.comment)
                              .where(SurveyAnswer.user_id == User.id)).all()
        assert sorted(scores) == [("bob", 4, None), ("carol", 5, None)]
        scope, budget = session.exec(select(AgendaItem).order_by(col(AgendaItem.position))).all()
        assert scope.ended_at is not None and budget.started_at == scope.ended_at
        assert budget.ended_at is not None and budget.ended_at - budget.started_at == timedelta(minutes=25)


def test_the_meeting_day_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "meeting_day_zh.txt").read_text(encoding="utf-8"), tmp_path)
    time_up = "-- 2026-11-24 15:20 Asia/Shanghai --\n[m10] #产品组 quorum: ⏰「范围」时间到。"
    assert time_up + "下一项：预算（25 分钟，@王五）" in out
    assert "[m11] #产品组 quorum: ⚠️ 仍在讨论「范围」，已超出计划时间 5 分钟。" in out
    assert "[m12] #产品组 quorum: ✔️「范围」用时 25 分钟。现在：预算（25 分钟，@王五）" in out
    assert "[m13] #产品组 (only 王五) quorum: ⚠️ 只有 @张三 可以修改 #1 号会议" in out
    assert re.findall(r"\[m\d+\] (@\S+) quorum: \*这次会议怎么样？\*", out) == ["@张三", "@李四"]
    assert "[m20] @李四 quorum: 谢谢！你给 #1 打了 4/5 分。" in out
    assert "[m21] @王五 quorum: ⚠️ 只有签到参加了会议 #1 的人才能评分。\n     例如：/meeting 评分 3 4 时间太长" in out
    assert "[m23] @李四 quorum: 谢谢：你已确认收到 #1 的会议纪要。" in out
    assert "#1 的会议纪要：3 位参会人中 1 位已确认收到。\n       尚未确认：@张三、@王五" in out
    with db(tmp_path) as session:
        answer = session.exec(select(SurveyAnswer)).one()
        assert (answer.score, answer.comment) == (4, "时间太长")


def test_the_console_shows_people_and_reactions_as_typed(tmp_path: Path) -> None:
    """The console's neutral edge: `@bob` is bob (named as typed, everywhere), ✅ and 🙋 answer by meaning."""
    out = run_console(":now 2026-11-23 09:00\n"
                      'alice> /meeting new "Sync" tomorrow 3pm with @bob\n'
                      ":react bob ✅ m1\n"
                      "alice> /meeting start 1\n"
                      "alice> #action @bob write the doc\n", tmp_path)
    assert re.search(r"\[m\d+\] #general quorum: .*#1 write the doc · @bob", out)
    assert re.search(r"\[m\d+\] @bob quorum: .*\n(?:.*\n)*?.*#1 write the doc", out)
    with db(tmp_path) as session:
        assert answers(session)["bob"] == ("yes", None)
        assert session.exec(select(ActionItem)).one().text == "write the doc"  # the owner is the owner, not text


def test_correcting_the_record_in_english(tmp_path: Path) -> None:
    run_against_expected("records_en", tmp_path, (
        # a MeetBot action naming two owners: one item each, the mentions out of the text
        "[m7] #general quorum: 📌 Action item #1 write the spec · @bob · due 2026-11-27 (Fri)",
        "[m9] #general quorum: 📌 Action item #2 write the spec · @carol · due 2026-11-27 (Fri)",
        "[m11] #general (only alice) quorum: An action item has a single owner, so this became 2 items",
        # verdicts, when recorded and later, and who may set them
        "[m14] #general quorum: ✅ Decision: the Q3 budget — verdict: deferred\n     (Decision 1.1:",
        "[m17] #general quorum: ⚖️ Decision 1.2 “hire two contractors”: approved.",
        "[m18] #general (only bob) quorum: ⚠️ Only @alice can set the verdict of this decision.",
        # an unowned MeetBot action gets an owner; reassignment tells both owners
        "[m19] #general quorum: 👤 #3 now belongs to @dave",
        "[m21] #general quorum: 🔁 #1 moves from @bob to @dave",
        "[m22] @dave quorum: *New action item #1*",
        "[m23] @bob quorum: alice gave #1 “write the spec” to @dave: it is no longer yours",
        "[m24] #general (only dave) quorum: ⚠️ Only @carol, @alice can reassign or edit action item #2.",
        # edits, with the owner told, and bad input answered with an example
        "✏️ #2: due date changed from “2026-11-27 (Fri)” to “2026-12-02 (Wed)”.",
        "[m28] @carol quorum: alice changed your action item #2: text “write the spec” → “write the API part",
        "⚠️ I couldn't read “someday” as a due date.\n     For example: /meeting edit item 12 due next friday",
        "⚠️ An action item has a single owner: name one person",
        "       1. the Q3 budget — verdict: deferred\n       2. hire two contractors — because the backlog grew"
        " — verdict: approved\n       3. a second office — verdict: needs more material",
        # private replies that name their item
        "#3: can't do it — the room is booked out, someone else please",
        "[m39] @dave quorum: alice reopened #1 “write the spec”: the section on pricing is missing",
        "[m40] @dave quorum: #1 is now due 2026-11-29 (Sun).",
        # the reminder goes to the new owner
        "-- 2026-11-26 09:00 Asia/Shanghai --\n[m43] @dave quorum: *⏰ Action item #1*",
    ))
    minutes = (tmp_path / "files" / "meeting-1-Budget-review-minutes-2026-11-23.txt").read_text(encoding="utf-8")
    assert "* AGREED: the Q3 budget (deferred)" in minutes and "* dave\n  * dave: write the spec\n" in minutes
    with db(tmp_path) as session:
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert items[2].text == "write the API part of the spec" and str(items[2].due_on) == "2026-12-02"
        assert items[3].declined_reason == "the room is booked out, someone else please"


def test_correcting_the_record_in_chinese(tmp_path: Path) -> None:
    run_against_expected("records_zh", tmp_path, (
        "[m7] #产品组 quorum: 📌 行动项 #1 写方案 · @李四 · 截止 2026-11-27（周五）",
        "[m9] #产品组 quorum: 📌 行动项 #2 写方案 · @王五 · 截止 2026-11-27（周五）",
        "[m11] #产品组 (only 张三) quorum: 一个行动项只能有一位负责人，因此拆成了 2 项，每人一项：#1、#2。",
        "[m14] #产品组 quorum: ✅ 决议：第三季度预算 — 结论：暂缓",
        "[m17] #产品组 quorum: ⚖️ 决议 1.2「增加两名外包」：同意。",
        "[m18] #产品组 (only 李四) quorum: ⚠️ 只有 @张三 可以给这条决议下结论。",
        "[m19] #产品组 quorum: 👤 #3 已指派给 @赵六",
        "[m21] #产品组 quorum: 🔁 #1 由 @李四 转交给 @赵六",
        "[m23] @李四 quorum: 张三 已将 #1「写方案」转交给 @赵六：它不再由你负责",
        "[m24] #产品组 (only 赵六) quorum: ⚠️ 只有 @王五、@张三 可以转交或修改 #2 号行动项。",
        "✏️ #2：截止日期由“2026-11-27（周五）”改为“2026-12-02（周三）”。",
        "[m30] @王五 quorum: 张三 修改了你的行动项 #2：交付物“—” → “接口文档”。",
        "⚠️ “颜色 红”：请说明要改什么 —— 内容、截止或交付物 —— 再写新值。\n     例如：/meeting 修改",
        "⚠️ “也许”不是结论：请写“同意”“暂缓”或“需补充材料”。\n     例如：/meeting 结论 3.2 暂缓",
        "       1. 第三季度预算 — 结论：暂缓\n       2. 增加两名外包 — 理由：积压太多 — 结论：同意",
        "#3：无法完成 —— 场地都订满了，请换人",
        "[m40] @赵六 quorum: 张三 退回了 #1「写方案」：缺少定价部分",
        "[m41] @赵六 quorum: #1 截止日期改为 2026-11-29（周日）。",
        "[m43] #产品组 quorum: #2 截止日期改为 2026-12-04（周五）。",
        "-- 2026-11-26 09:00 Asia/Shanghai --\n[m44] @赵六 quorum: *⏰ 行动项 #1*",
    ))
    with db(tmp_path) as session:
        items = {i.number: i for i in session.exec(select(ActionItem))}
        assert (items[2].text, items[2].deliverable) == ("写方案的接口部分", "接口文档")
        assert str(items[2].due_on) == "2026-12-04" and items[3].declined_reason == "场地都订满了，请换人"
        verdicts = [d.verdict for d in session.exec(select(Decision).order_by(col(Decision.seq)))]
        assert verdicts == ["deferred", "approved", "more_material"]


def test_a_weekly_series_across_national_day_in_english(tmp_path: Path) -> None:
    out = run_script("series_en", tmp_path, lines=(
        "“biweekly” can mean twice a week or every two weeks",  # asked, not guessed
        "3. #3 2026-10-08 10:00 (Thu) Asia/Shanghai (scheduled) — moved from 2026-10-05 (Mon)",
        "Series: Weekly sync · no. 1 (`series 1`)",
        "Only @alice can change the series of meeting #2.",
        "⏭ #2 “Weekly sync” on 2026-09-28 10:00 (Mon) Asia/Shanghai is skipped (team offsite).",
        "✏️ “Weekly sync” from #3 on: time 10:30 (#3, #4, #5).",
        "🛑 “Weekly sync” is cancelled from #5 on: #5 will not take place.",
    ))
    bob, carried = moved_invitation(out, "@bob quorum: *Weekly sync  #3", "Carried over")
    assert "🏖 Moved from 2026-10-05 (Mon) (not a working day) to 2026-10-08 10:00 (Thu)" in bob
    assert "#1 write the launch plan · @bob" in carried and "❓ who signs off the budget?" in carried
    with db(tmp_path) as session:
        meetings = {m.number: m for m in session.exec(select(Meeting))}
        assert [meetings[n].status for n in (1, 2, 3, 4, 5)] == ["ended", "cancelled", "scheduled", "scheduled",
                                                                 "cancelled"]
        assert str(meetings[3].planned_on) == "2026-10-05" and meetings[3].series_index == 3


def test_a_weekly_series_across_national_day_in_chinese(tmp_path: Path) -> None:
    out = run_script("series_zh", tmp_path, "--lang", "zh", lines=(
        "“每周上午10点”：星期几？",
        "#3 2026-10-08 10:00（周四）Asia/Shanghai（待召开），原定 2026-10-05（周一）为非工作日，已顺延",
        "系列：周会 · 第1次（`系列 1`）",
        "只有 @张三 可以修改 #2 号会议所属的系列。",
        "✏️「周会」从 #3 起：时间改为 10:30（#3、#4、#5）。",
        "🛑「周会」从 #5 起取消：#5 不再举行。",
    ))
    lisi, carried = moved_invitation(out, "@李四 quorum: *周会  #3", "遗留事项")
    assert "🏖 原定 2026-10-05（周一）为非工作日，顺延至 2026-10-08 10:00（周四）" in lisi  # no （周一）（…） pair
    assert "#1 写上线计划 · @李四" in carried and "❓ 预算由谁签字？" in carried


def moved_invitation(out: str, header: str, carried_heading: str) -> tuple[str, str]:
    """The series' invitation to #3 that starts with `header`, sent once the holiday moved it from 2026-10-05,
    and its part from `carried_heading` on (what the earlier meetings left open)."""
    invitation = out[out.index("-- 2026-10-05 10:00 Asia/Shanghai --") :]
    to_one = invitation[invitation.index(header) :]
    return to_one, to_one[to_one.index(carried_heading) :]


def sequence_of(tmp_path: Path) -> int:
    (invitation,) = (tmp_path / "files").glob("*.ics")  # the script exports one meeting's invitation
    ics = invitation.read_text(encoding="utf-8")
    found = re.search(r"^SEQUENCE:(\d+)", ics, re.MULTILINE)
    assert found is not None
    return int(found[1])


def test_changing_a_meeting_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "edits_en.txt").read_text(encoding="utf-8"), tmp_path)
    assert "[m6] #general quorum: ✏️ #1 Q3 roadmap: place changed from “—” to “Room 5”." in out
    assert "[m7] @bob quorum: *📣 Supplementary notice: #1 Q3 roadmap*\n     alice changed the meeting: place" in out
    assert "[m10] #general quorum: ✏️ #1 Q3 roadmap: link changed from “—” to “https://meet.example.com/q3”." in out
    assert "[m18] #general (only bob) quorum: ⚠️ Only @alice, @dave can change meeting #1" in out
    assert "I can't change “colour”: say title, time, place, link, goal or outcome.\n     For example: " in out
    assert "agenda item added: Risks (10 min) · by @carol · output: a risk list. The agenda now:" in out
    assert "agenda item “Risks” moved to place 1." in out and "agenda item 3 “Budget” removed." in out
    invited = "[m36] @erin quorum: *Q3 roadmap  #1  (scheduled)*\n     alice invited you to “Q3 roadmap” as optional."
    assert invited in out
    assert "[m37] @erin quorum: Noted: you're coming to #1 Q3 roadmap." in out
    assert "[m42] @dave quorum: *📣 Supplementary notice: #1 Q3 roadmap*\n     alice took you off" in out
    # carol reads times in Berlin; everyone who had answered is asked again after the move
    assert "it now ends 2026-11-24 09:30 (Tue) Europe/Berlin. Reason: the demo needs more time" in out
    assert ("from 2026-11-24 08:00 (Tue) Europe/Berlin to 2026-11-25 03:00 (Wed) Europe/Berlin. Are you still coming?\n"
            "     Your earlier answer (“Maybe”) was for the old time, so it was cleared: please answer again.") in out
    assert "✏️ Changed since it was announced (update 10)" in out
    cancelled = out[out.rindex("(edited): *Q3 roadmap  #1  (cancelled)*") :]
    assert "❌ Cancelled (the budget is not ready): nothing to answer any more." in cancelled
    card = cancelled[: cancelled.index("[m56]")]
    assert "Will you come?" not in card and "(1) Accept" not in card
    assert sequence_of(tmp_path) == 10  # nine changes and the move; the cancel came after the export
    with db(tmp_path) as session:
        meeting = session.exec(select(Meeting)).one()
        assert (meeting.status, meeting.revision, meeting.location) == ("cancelled", 11, "Room 5")
        assert [a.title for a in session.exec(select(AgendaItem).order_by(col(AgendaItem.position)))] == [
            "Risks", "Scope"]
        assert answers(session) == {"alice": ("yes", None), "bob": (None, None), "carol": (None, None),
                                    "erin": (None, None)}


def test_changing_a_meeting_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "edits_zh.txt").read_text(encoding="utf-8"), tmp_path, "--lang", "zh")
    assert "[m6] #产品组 quorum: ✏️ #1 Q3规划会：地点由“—”改为“5号会议室”。" in out
    assert "[m7] @李四 quorum: *📣 补充通知：#1 Q3规划会*\n     张三 变更了会议：地点由“—”改为“5号会议室”。" in out
    assert "[m8] @赵六 quorum: *📣 Supplementary notice: #1 Q3规划会*" in out  # 赵六 reads English
    assert "标题由“Q3规划会”改为“Q3规划评审会”。" in out
    assert "[m18] #产品组 (only 李四) quorum: ⚠️ 只有 @张三、@王五 可以修改 #1 号会议" in out
    assert "无法修改“颜色”：请说“标题”“时间”“地点”“链接”“目标”或“预期成果”。\n     例如：" in out
    assert "新增议程：风险（10 分钟） · 主讲 @赵六 · 输出物：风险清单。现在的议程：" in out
    assert "议程「风险」调整到第 1 项。" in out and "删除了第 3 项议程「预算」。" in out
    assert "张三 邀请你以可选参会身份参加「Q3规划评审会」。" in out
    assert "张三 已将你从 #1「Q3规划评审会」的参会人中移除" in out
    assert "延长 30 分钟：现在结束时间为 2026-11-24 16:30（周二）Asia/Shanghai。原因：演示时间不够" in out
    assert "it now ends 2026-11-24 08:30 (Tue) Europe/London. Reason: 演示时间不够" in out
    assert "你之前的回复（“参加”）针对的是原时间，已清除：请重新回复。" in out
    cancelled = out[out.rindex("(edited): *Q3规划评审会  #1（已取消）*") :]
    assert "❌ 已取消（预算未就绪）：无需再回复。" in cancelled
    card = cancelled[: cancelled.index("[m5")]
    assert "请回复是否参加" not in card and "(1) 参加" not in card
    assert sequence_of(tmp_path) == 10
    with db(tmp_path) as session:
        meeting = session.exec(select(Meeting)).one()
        assert (meeting.title, meeting.link, meeting.revision) == (
            "Q3规划评审会", "https://meet.example.com/q3", 11)


def test_scheduling_sense_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "sense_en.txt").read_text(encoding="utf-8"), tmp_path)
    warning = "#general (only alice) quorum: ⚠️ Before I "
    assert out.count(warning) == 6  # five for new meetings, one for a move; never seen by anyone else
    assert "• @carol already has #1 Q3 roadmap then (15:00–16:00)." in out
    assert "[m5] #general (only carol) quorum: ⚠️ Only @alice, who asked for it, can answer this request." in out
    assert "[m6] #general quorum: *Budget  #2  (scheduled)*" in out  # alice's click
    assert "• 2026-11-28 (Sat) is a weekend day." in out and "*Offsite  #3  (scheduled)*" in out  # a typed yes
    assert "• 2027-01-01 (Fri) is a public holiday." in out and "Dropped: “Kickoff” was not created." in out
    assert "• For @bob it is 08:00–09:00 (Europe/Berlin), outside working hours 09:00–18:00." in out
    assert "*Berlin sync  #4  (scheduled)*" in out
    assert "• It lasts 3 h, more than two hours.\n       • The agenda has 6 topics, more than 5." in out
    assert "*Planning day  #5  (scheduled)*" in out and "(1) Create anyway (2) Cancel" in out
    assert "Before I move #2 Budget to 2026-11-29 10:00 (Sun)" in out and "(1) Move anyway (2) Cancel" in out
    assert "Dropped: meeting #2 keeps its time." in out
    assert "-- 2026-11-24 09:00 Asia/Shanghai --\n[m21] @carol quorum: 📎 The materials for #1 Q3 roadmap" in out
    assert "@alice quorum: 📎 Materials for #1 Q3 roadmap from @carol: https://example.com/q3-deck" in out
    sum_up = "-- 2026-11-26 15:50 Asia/Shanghai --\n[m30] @alice quorum: ⏳ #1 Q3 roadmap is planned to end at 16:00"
    assert sum_up in out
    with db(tmp_path) as session:
        held = {m.title: (m.number, m.start_at.isoformat()) for m in session.exec(select(Meeting))}
        assert "Kickoff" not in held and held["Budget"] == (2, "2026-11-26T07:30:00+00:00")


def test_scheduling_sense_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "sense_zh.txt").read_text(encoding="utf-8"), tmp_path, "--lang", "zh")
    assert out.count("#产品组 (only 张三) quorum: ⚠️ ") == 6
    assert "• @李四 那时已有 #1 Q3规划会（15:00–16:00）。" in out
    assert "⚠️ 只有提出请求的 @张三 可以答复这个请求。" in out and "*预算会  #2（待召开）*" in out
    assert "• 2026-11-28（周六）是周末。" in out and "*团建  #3（待召开）*" in out
    assert "• 2027-01-01（周五）是法定节假日。" in out and "已取消：没有创建「启动会」。" in out
    assert "• 对 @王五 来说是 08:00–09:00（Europe/Berlin），不在工作时间 09:00–18:00 内。" in out
    assert "• 会议时长 3 小时，超过两小时。\n       • 议程有 6 个议题，超过 5 个。" in out
    assert "(1) 仍然创建 (2) 取消" in out and "(1) 仍然改期 (2) 取消" in out
    assert "已取消：#2 号会议时间不变。" in out
    assert "@李四 quorum: 📎 #1 Q3规划会（2026-11-26 15:00（周四）Asia/Shanghai）的材料应在 2026-11-25（周三）前提交" \
        in out
    assert "@张三 quorum: 📎 #1“Q3规划会”的材料（来自 @李四）：https://example.com/q3-deck" in out
    assert "@张三 quorum: ⏳ #1“Q3规划会”计划于 16:00 结束，还剩 10 分钟。该总结了" in out


# ---- one event through all five stages ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_event_goes_through_all_five_stages(lang: str, tmp_path: Path) -> None:
    """tests/scripts/event_<lang>.txt: one event planned (rejected, resubmitted, escalated, approved) with a
    green-channel plan beside it, prepared on its board (a dependency, a task more than 24 hours overdue), held (an
    incident answered on time and one late), measured and reported against its targets. The whole output is
    compared with event_<lang>.expected; the key moments are named below."""
    out = run_event_script(f"event_{lang}", tmp_path)
    assert "type." not in out  # every meeting type has its word, the green-channel "launch" too
    en = lang == "en"
    moments = [
        "@alice quorum: ❌ @it rejected plan #1" if en else "@张三 quorum: ❌ @行政 在资源预审环节驳回了申报 #1",
        "urgent (green channel)" if en else "紧急（绿色通道）",
        "-- 2026-11-24 21:00 Asia/Shanghai --\n[m28] @ceo quorum:" if en
        else "-- 2026-11-24 21:00 Asia/Shanghai --\n[m28] @董事长 quorum:",
        "@carol quorum: ▶️ Task #1 (book the hall) was done by @bob" if en
        else "@王五 quorum: ▶️ 任务 #1（预订会场）已由 @李四 完成",
        "-- 2026-11-28 12:00 Asia/Shanghai --\n[m48] @carol quorum: ⚠️" if en
        else "-- 2026-11-28 12:00 Asia/Shanghai --\n[m48] @王五 quorum: ⚠️",
        "You acknowledged incident #1 after 5 min, in time." if en else "你在 5 分钟后确认了异常 #1，响应及时。",
        # the escalated incident asks for an answer now, not by a time already past
        "within 15 minutes: it comes to you.\n     Please acknowledge it now." if en
        else "现转给你。\n     请立即确认。",
        "You acknowledged incident #2 after 20 min: later than the 15 minutes" if en
        else "你在 20 分钟后确认了异常 #2：超过标准要求的 15 分钟。",
        "Answered within 15 min: 1 of 2 (50%) — target ≥ 90%: ❌ missed" if en
        else "15 分钟内响应：2 起中 1 起（50%）—— 目标 ≥ 90%：❌ 未达标",
        "Satisfaction: 4.5 of 5 (2 answers) — target ≥ 4.5: ✅ met" if en
        else "满意度：4.5 / 5（2 份）—— 目标 ≥ 4.5：✅ 达标",
    ]
    assert [moment for moment in moments if moment not in out] == []
    # the settings are listed in the channel's language, by the words one types to change them
    assert ("reviewers: @it" in out) if en else ("审核人：@行政" in out and "异常处理人（设备）：@小李" in out
                                                  and "reviewers:" not in out and "incident equipment" not in out)
    # no scheduled message goes out at night: every tick that sends something is between 08:00 and 22:00
    sending = re.findall(r"^-- \d{4}-\d\d-\d\d (\d\d):\d\d Asia/Shanghai --\n\[", out, flags=re.MULTILINE)
    assert sending and all(8 <= int(hour) < 22 for hour in sending)
