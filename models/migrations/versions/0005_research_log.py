"""The research log: when each recommendation's evidence was searched, by whom, where, and what was found.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('research_log',
    sa.Column('recommendation_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('searched_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('searched_on_start', sa.Date(), nullable=False),
    sa.Column('searched_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('where', sa.JSON(), nullable=False),
    sa.Column('found', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('partly_read', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], ),
    sa.PrimaryKeyConstraint('recommendation_id', 'position')
    )
    with op.batch_alter_table('research_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_log_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_research_log_searched_on_start'), ['searched_on_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('research_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_log_searched_on_start'))
        batch_op.drop_index(batch_op.f('ix_research_log_outcome'))
    op.drop_table('research_log')
