"""outbox and per-platform claims

Every message an event produces becomes a `notification` row of kind `outbox` carrying the message as JSON
in `payload`; every row gets its workspace's `platform`, copied so a process can claim only its own
platforms' rows with one index range scan (no join), and the claim indexes lead with it. The `id` at the end
of the due index keeps an event's messages in order (same `due_at`) without a sort.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.execute("UPDATE notification SET platform = (SELECT workspace.platform FROM workspace"
               " WHERE workspace.id = notification.workspace_id)")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('platform', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
                              nullable=False)
        batch_op.drop_index('ix_notification_status_due')
        batch_op.drop_index('ix_notification_status_claimed')
        batch_op.create_index('ix_notification_platform_status_due', ['platform', 'status', 'due_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_notification_platform_status_claimed', ['platform', 'status', 'claimed_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_platform_status_claimed')
        batch_op.drop_index('ix_notification_platform_status_due')
        batch_op.create_index('ix_notification_status_claimed', ['status', 'claimed_at'], unique=False)
        batch_op.create_index('ix_notification_status_due', ['status', 'due_at'], unique=False)
        batch_op.drop_column('payload')
        batch_op.drop_column('platform')
