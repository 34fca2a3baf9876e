"""meeting series: repeating meetings, each occurrence a meeting of its own

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meetingseries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('freq', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('nth', sa.Integer(), nullable=True),
    sa.Column('at_minute', sa.Integer(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('first_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('on_holiday', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('stop_after', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meetingseries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetingseries_workspace_id'), ['workspace_id'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('planned_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key('fk_meeting_series_id', 'meetingseries', ['series_id'], ['id'])
        batch_op.create_unique_constraint('uq_meeting_series_id_series_index', ['series_id', 'series_index'])


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meeting_series_id_series_index', type_='unique')
        batch_op.drop_constraint('fk_meeting_series_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_series_id'))
        batch_op.drop_column('planned_on')
        batch_op.drop_column('series_index')
        batch_op.drop_column('series_id')
    with op.batch_alter_table('meetingseries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetingseries_workspace_id'))
    op.drop_table('meetingseries')
