"""The grammar: chat text in, typed `Command`s out, for every adapter alike.

Every English and Chinese word it knows lives one layer down, in `bot.vocabulary` (shared with
`bot.timeparse`, which reads its units there). Kept import-free, so loading the package loads no parser.

* `tokens` — words with their position in the input, mentions, links, numbers.
* `registry` — `Subcommand` (names, parser, handler, help, example) and the `Registry` that holds them.
* `new_meeting`, `meeting_args`, `record_args` — the argument parsers, grouped by what they record.
* `parse` — `parse_command` / `parse_message` over a registry (`bot.commands` binds the default one).
"""
