"""Process-wide start-up for the platform adapters.

`settle_heap`: once everything long-lived is loaded (modules, the adapter, the database engine), take it out
of the garbage collector's reach. About 133k objects are tracked after start-up (SQLAlchemy, Bolt, sqlmodel,
our catalogs), and a full collection walking them held the GIL for 100–145 ms, stopping the event loop that
writes Slack's acks: ack p99 was 3.4x a bare Bolt app's (`python -m bench.slack_ack`). After `gc.freeze()`
only what requests create is walked. The same pause would delay DingTalk's acks and pings. The report and
export libraries (matplotlib, numpy, openpyxl, reportlab, icalendar: about 55 MB resident) are not loaded
here: an idle `quorum slack` stays under issue 14's 150 MB, and `bot.service.review` freezes them in turn
when the first report or export loads them (which waits about 0.75 s for the imports, once).
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    gc.collect()
    gc.freeze()
