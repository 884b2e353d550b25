"""Reads of the whole data stored for one version of the data (``recommendations.read.stored``): a fresh process, or
a second app server, reads them instead of working out the status rule over every recommendation again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_read',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('part', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('stamp', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'part', 'stamp')
    )


def downgrade() -> None:
    op.drop_table('stored_read')
