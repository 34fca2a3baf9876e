"""Who approves a person's meeting plans, and whom a late step escalates to.

Configuration wins: the person's own approver (`config approver @boss for @alice`). Where none is configured,
the person's manager in the organisation's own directory (DingTalk's org chart, through the `Directory` port;
Slack and the console have none and say None), then the channel's default approver. The same chain, asked
about the approver, names the superior a late step goes to. A manager Quorum has not met yet gets a user row
(named as the org chart names them, else by their platform id until they write), so their card can reach them.

Both the use cases (a plan submitted) and the scheduler (a step escalated) ask, so it lives below both.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.access import Directory
from store import plans, repo
from store.models import User


def manager(session: Session, directory: Directory, workspace_id: int, user_id: int, now: datetime) -> int | None:
    """The user row of `user_id`'s manager as the platform's org chart says; None when it says nothing."""
    user = session.get(User, user_id)
    if user is None:
        return None
    workspace = repo.workspace_external_id(session, workspace_id)
    found = directory.manager_of(workspace, user.platform_user_id)
    if not found or found == user.platform_user_id:
        return None
    name = directory.name_of(workspace, found) or found
    return repo.upsert_user(session, workspace_id, found, name, now).id


def approver_of(session: Session, directory: Directory, workspace_id: int, user_id: int, channel_id: str,
                now: datetime) -> int | None:
    """The person's configured approver, else their manager in the org chart, else the channel's default."""
    return (plans.personal_approver(session, workspace_id, user_id)
            or manager(session, directory, workspace_id, user_id, now)
            or plans.channel_approver(session, workspace_id, channel_id))


def superior_of(session: Session, directory: Directory, workspace_id: int, approver_id: int, channel_id: str,
                now: datetime) -> int | None:
    """Whom a late step of `approver_id` escalates to: the approver's own approver (never themselves)."""
    found = approver_of(session, directory, workspace_id, approver_id, channel_id, now)
    return found if found != approver_id else None
