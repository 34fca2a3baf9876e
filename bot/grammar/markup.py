"""Slack markup the grammar still reads: edge markup, to be removed once the Slack adapter delivers neutral text.

Slack hands over `<@U123|alice>` for a person, `<#C123|general>` for a channel and `<https://x|the doc>`
for a link. Until the adapter turns them into neutral mentions and text (branch `edge`), the grammar keeps
them whole here, in this one module, and nowhere else: the tokenizer keeps an escape as one word, a mention
becomes a platform-id `Mention`, a channel the channel id of a report.
"""

from __future__ import annotations

import re

# Slack's escapes stay one word even with spaces inside: <@U1|Alice Smith>, <https://x|the doc>, <!here>
SLACK_ESCAPE = re.compile(r"<(?:[@#!]|https?://|mailto:)[^<>\n]*>", re.IGNORECASE)
SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
