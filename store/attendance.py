"""Who attended a meeting: the one rule the minutes, the meeting record, the review's reports and the
monitoring report all read, so they never disagree.

Present means checked in: `here` (or its button), `signin`, or starting the meeting oneself. Speaking in the
meeting's channel is not attendance: a line or a command typed there is counted as said (MeetBot's "people
present, lines said"), and someone who was not invited and only spoke (an incident handler answering, a
passer-by) is a walk-in, on the roll only once they check in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import col

from store.models import Participant


def present(participant: Participant) -> bool:
    """Checked in (the first check-in time is what counts for lateness)."""
    return participant.checked_in_at is not None


def on_roll(participant: Participant) -> bool:
    """Counted in the attendance at all: everyone invited, and a walk-in who checked in."""
    return not participant.walked_in or present(participant)


def on_roll_clause() -> Any:
    """`on_roll` as a SQL condition on `Participant`, for the reports' counts."""
    return or_(col(Participant.walked_in).is_(False), col(Participant.checked_in_at).is_not(None))
