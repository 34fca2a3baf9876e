"""`/meeting config`: a channel's own follow-through settings on top of the deployment's defaults.

Each value is checked here, where we know what is valid, so a typo gets a reply that says what was
wrong and shows a correct example, and nothing half-valid is stored.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot import command_types as c
from bot import followup, limits
from bot.errors import ParseError
from bot.locale import as_lang
from bot.messages import Outcome
from bot.service import guard
from bot.service.context import Ctx
from bot.workdays import NO_HOLIDAYS, calendar_for
from store import plans, repo
from store.models import User

ON_WORDS = {"on", "开", "开启", "default", "默认"}
OFF_WORDS = {"off", "关", "关闭"}


def configure(ctx: Ctx, cmd: c.Configure) -> Outcome:
    if cmd.key:  # anyone may read a channel's settings; changing them is for admins (digests @mention people)
        guard.ensure_admin(ctx, "config")
    channel = followup.remember_channel(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.tz, ctx.lang, ctx.now)
    value = (cmd.value or "").strip()
    if cmd.key in ("reviewers", "approver"):
        approval_roles(ctx, cmd)
    elif cmd.key == "management":
        ids = [user.id for user in (ctx.resolve(m) for m in cmd.people) if user.id is not None]
        plans.set_role(ctx.session, ctx.workspace_id, "management", ctx.inbound.channel, None, ids, ctx.user_id,
                       ctx.now)
    elif cmd.key == "incident":
        ids = [user.id for user in (ctx.resolve(m) for m in cmd.people) if user.id is not None]
        plans.set_role(ctx.session, ctx.workspace_id, "inc_" + value, ctx.inbound.channel, None, ids, ctx.user_id,
                       ctx.now)
    elif cmd.key == "timezone":
        try:
            channel.timezone = ZoneInfo(value).key
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name longer than a file name may be
            raise bad_value(ctx, cmd.key, value) from None
    elif cmd.key == "language":
        if value.lower() not in ("en", "zh", "english", "中文", "英文"):
            raise bad_value(ctx, cmd.key, value)
        channel.language = "zh" if value.lower() in ("zh", "中文") else "en"
    elif cmd.key == "digest":
        channel.digest_cron = digest_value(ctx, value)
    elif cmd.key == "holidays":
        try:
            channel.holidays = calendar_for(value).country
        except ValueError:
            raise bad_value(ctx, cmd.key, value) from None
    elif cmd.key == "reminder_hour":
        if not value.isdigit() or not 0 <= int(value) <= 23:
            raise bad_value(ctx, cmd.key, value)
        channel.reminder_hour = int(value)
    ctx.session.flush()
    if cmd.key in ("digest", "timezone", "holidays"):  # the digest's day depends on all three
        replan_digest(ctx)
    local = followup.channel_settings(ctx.session, ctx.settings, ctx.workspace_id, ctx.inbound.channel)
    digest = local.digest_cron or followup.DIGEST_OFF
    lines = (  # every value in the reader's words: a crontab line, a zone and a country code are the same in both
        ctx.t("config.line.timezone", value=local.zone.key),
        ctx.t("config.line.language", value=ctx.t("language." + as_lang(local.language))),
        ctx.t("config.line.digest", value=ctx.t("config.digest_off") if digest == followup.DIGEST_OFF else digest),
        ctx.t("config.line.holidays",
              value=ctx.t("config.no_holidays") if local.holidays == NO_HOLIDAYS else local.holidays),
        ctx.t("config.line.reminder_hour", value=f"{local.reminder_hour:02d}:00"),
        *approval_lines(ctx),
        *incident_lines(ctx),
    )
    heading = ctx.t("config.changed") if cmd.key else ctx.t("config.current")
    return Outcome([ctx.reply(heading + "\n" + "\n".join(lines) + "\n" + ctx.t("config.hint"))])


def bad_value(ctx: Ctx, key: str, value: str) -> ParseError:
    """The refusal, naming the setting as the reader calls it."""
    return ParseError("error.bad_config_value", "example.config", setting=ctx.t("config.name." + key), text=value)


def digest_value(ctx: Ctx, value: str) -> str | None:
    """A crontab line, "off", or "on" (back to the deployment's schedule)."""
    word = value.lower().strip("\"'“”")
    if word in OFF_WORDS:
        return followup.DIGEST_OFF
    if word in ON_WORDS:
        return None
    try:
        if len(word) > limits.DIGEST_CRON_MAX:  # a valid crontab can list every minute: longer than any column
            raise ValueError(word)
        CronTrigger.from_crontab(word)
    except ValueError:
        raise bad_value(ctx, "digest", value) from None
    return word


def replan_digest(ctx: Ctx) -> None:
    """Drop the channel's pending digest and schedule it anew from the changed settings."""
    repo.drop_pending_digests(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    if repo.channel_has_open_actions(ctx.session, ctx.workspace_id, ctx.inbound.channel):
        followup.ensure_digest(ctx.session, ctx.settings, ctx.workspace_id, ctx.inbound.channel, ctx.now)


def approval_roles(ctx: Ctx, cmd: c.Configure) -> None:
    """`reviewers @a @b` (this channel's resource reviewers), `approver @boss` (this channel's default
    approver), `approver @boss for @alice` (alice's own approver everywhere: her superior)."""
    ids = [user.id for user in (ctx.resolve(m) for m in cmd.people) if user.id is not None]
    if cmd.key == "reviewers":
        plans.set_role(ctx.session, ctx.workspace_id, "reviewer", ctx.inbound.channel, None, ids, ctx.user_id, ctx.now)
    elif cmd.for_whom is not None:
        whom = ctx.resolve(cmd.for_whom)
        if whom.id in ids:
            raise ParseError("error.config_self_approver", "example.config_approver", name=whom.display_name)
        plans.set_role(ctx.session, ctx.workspace_id, "approver", None, whom.id, ids, ctx.user_id, ctx.now)
    else:
        plans.set_role(ctx.session, ctx.workspace_id, "approver", ctx.inbound.channel, None, ids, ctx.user_id, ctx.now)


def approval_lines(ctx: Ctx) -> tuple[str, ...]:
    reviewers = plans.reviewers(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    approver = plans.channel_approver(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    users = repo.users_by_id(ctx.session, [*reviewers, *([approver] if approver else [])])
    mine = plans.personal_approver(ctx.session, ctx.workspace_id, ctx.user_id)
    mine_user = ctx.session.get(User, mine) if mine else None
    return (
        ctx.t("config.line.reviewers", value=" ".join("@" + users[r].display_name for r in reviewers) or "—"),
        ctx.t("config.line.approver", value="@" + users[approver].display_name if approver else "—"),
        ctx.t("config.your_approver", who="@" + mine_user.display_name if mine_user else "—"),
    )


def incident_lines(ctx: Ctx) -> tuple[str, ...]:
    """`incident <type>: @handler`, in the channel's language, for each type this channel routes
    (`config incident equipment @it-lead`)."""
    found = {kind: plans.reviewers_in_role(ctx.session, ctx.workspace_id, "inc_" + kind, ctx.inbound.channel)
             for kind in ("equipment", "venue", "catering", "people", "other")}
    users = repo.users_by_id(ctx.session, sorted({uid for ids in found.values() for uid in ids}))
    lines = [ctx.t("config.line.incident", kind=ctx.t("incident_kind." + kind), value="@" + users[ids[0]].display_name)
             for kind, ids in found.items() if ids]
    management = plans.reviewers_in_role(ctx.session, ctx.workspace_id, "management", ctx.inbound.channel)
    if management:
        named = repo.users_by_id(ctx.session, management)
        names = " ".join("@" + named[uid].display_name for uid in management)
        lines.append(ctx.t("config.line.management", value=names))
    return tuple(lines)
