"""append-only history: supersedes, origin, and triggers refusing UPDATE/DELETE on the history

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 08:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401

from models import append_only

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

HISTORY = ("assessment", "assessment_evidence")


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so no rows are copied and the
    # foreign keys of assessment_evidence stay valid); the reference is declared inline with the column.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE assessment ADD COLUMN supersedes_id VARCHAR(80) REFERENCES assessment (id)')
    else:
        op.add_column(
            'assessment',
            sa.Column(
                'supersedes_id',
                sqlmodel.sql.sqltypes.AutoString(length=80),
                sa.ForeignKey('assessment.id', name='fk_assessment_supersedes_id'),
                nullable=True,
            ),
        )
    op.add_column('assessment', sa.Column('supersede_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column(
        'assessment',
        sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='app'),
    )
    # Every assessment recorded before this revision was loaded from data/ (the app could not write yet).
    op.execute("UPDATE assessment SET origin = 'yaml'")
    op.create_index(op.f('ix_assessment_supersedes_id'), 'assessment', ['supersedes_id'], unique=False)
    for table in HISTORY:
        append_only.create(op.get_bind(), table)


def downgrade() -> None:
    for table in HISTORY:
        append_only.drop(op.get_bind(), table)
    op.drop_index(op.f('ix_assessment_supersedes_id'), table_name='assessment')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint('fk_assessment_supersedes_id', type_='foreignkey')
        batch_op.drop_column('origin')
        batch_op.drop_column('supersede_reason')
        batch_op.drop_column('supersedes_id')
