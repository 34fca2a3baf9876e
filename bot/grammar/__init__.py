"""The grammar: chat text in, typed `Command`s out, for every adapter alike.

Kept import-free on purpose: `bot.timeparse` reads its duration units from `bot.grammar.vocabulary`, and the
parsers below import `bot.timeparse`, so loading the package must not load the parsers.

* `vocabulary` — every English and Chinese keyword and unit, each concept defined once.
* `tokens` — words with their position in the input, mentions, links, numbers.
* `registry` — `Subcommand` (names, parser, handler, help, example) and the `Registry` that holds them.
* `new_meeting`, `meeting_args`, `record_args` — the argument parsers, grouped by what they record.
* `parse` — `parse_command` / `parse_message` over a registry (`bot.commands` binds the default one).
"""
