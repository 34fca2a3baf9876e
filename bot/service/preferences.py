"""`/meeting me`: a person's own language and timezone, which win over what their platform says.

Anyone may read and change their own, and only their own: the command names no one else, so there is
nothing for `bot.access` to decide, and the answer is a private reply. A chosen value is flagged
(`store.preferences`) so the platform profile copied in at every event (`repo.upsert_user`) no longer
overwrites it; reminders, invitations and chases already read `User.language` / `User.timezone` through
`bot.locale`. Changing the language answers in the new language, which is the quickest proof it took.
"""

from __future__ import annotations

from bot import command_types as c
from bot.i18n import Lang, t
from bot.locale import as_lang
from bot.messages import Outcome
from bot.service.context import Ctx
from store.preferences import choose_language, choose_timezone


def me(ctx: Ctx, cmd: c.MyPreferences) -> Outcome:
    user = ctx.user
    if cmd.key == "language":
        choose_language(user, cmd.value)
    elif cmd.key == "timezone":
        choose_timezone(user, cmd.value)
    ctx.session.flush()
    lang: Lang = as_lang(cmd.value) if cmd.key == "language" and cmd.value else ctx.lang
    if user.language:
        name = t(lang, "language." + as_lang(user.language))
        language = t(lang, "me.language", value=name, source=source(lang, user.language, user.language_chosen))
    else:
        language = t(lang, "me.language_unset")
    zone = user.timezone or ctx.settings.zone.key
    timezone = t(lang, "me.timezone", value=zone, source=source(lang, user.timezone, user.timezone_chosen))
    heading = t(lang, "me.changed" if cmd.key else "me.current")
    return Outcome([ctx.reply("\n".join((heading, language, timezone, t(lang, "me.hint"))), lang=lang)])


def source(lang: Lang, value: str | None, chosen: bool) -> str:
    """Where a setting comes from, said to the person: their own choice, their platform, or the default."""
    return t(lang, "me.chosen" if chosen else "me.platform" if value else "me.default")
