"""chosen language and timezone: a person's own `/meeting me language|timezone` wins over the platform's profile

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_chosen', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('timezone_chosen', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('timezone_chosen')
        batch_op.drop_column('language_chosen')
