"""The research log says how far each search looked (the public record, only the source documents, a review).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('research_log', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                      server_default='public_record')
        )
        batch_op.create_index(batch_op.f('ix_research_log_scope'), ['scope'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('research_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_log_scope'))
        batch_op.drop_column('scope')
