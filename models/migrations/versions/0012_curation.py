"""Documents added in the app (issue 21): where each public row came from, the source's language, where a
recommendation stands in its text, and the append-only history of submitted documents and their reviews.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401

from models import append_only


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

HISTORY = ("curation_draft", "curation_review")


def _origin() -> sa.Column:
    return sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='yaml')


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN (no rebuild on SQLite: the references and triggers stay as they are).
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch_op.add_column(_origin())
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.add_column(_origin())
        batch_op.add_column(sa.Column('text_start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('text_end', sa.Integer(), nullable=True))
    with op.batch_alter_table('recommendation_link', schema=None) as batch_op:
        batch_op.add_column(_origin())

    op.create_table('curation_draft',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fills_gap', sa.Boolean(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('full_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('recommendations', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('dismissed', sa.JSON(), nullable=False),
    sa.Column('proposed_actors', sa.JSON(), nullable=False),
    sa.Column('organisation_id', sa.String(length=80), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('supersedes_id', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['supersedes_id'], ['curation_draft.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'version', name='uq_curation_draft_source_version')
    )
    with op.batch_alter_table('curation_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curation_draft_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_curation_draft_source_id'), ['source_id'], unique=False)

    op.create_table('curation_review',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('draft_id', sa.String(length=120), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['curation_draft.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('draft_id', name='uq_curation_review_draft')
    )
    bind = op.get_bind()
    for table in HISTORY:
        append_only.create(bind, table)
        append_only.guard_inserts(bind, table)


def downgrade() -> None:
    bind = op.get_bind()
    for table in HISTORY:
        append_only.unguard_inserts(bind, table)
        append_only.drop(bind, table)
    op.drop_table('curation_review')
    with op.batch_alter_table('curation_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curation_draft_source_id'))
        batch_op.drop_index(batch_op.f('ix_curation_draft_organisation_id'))
    op.drop_table('curation_draft')
    with op.batch_alter_table('recommendation_link', schema=None) as batch_op:
        batch_op.drop_column('origin')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_column('text_end')
        batch_op.drop_column('text_start')
        batch_op.drop_column('origin')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('origin')
        batch_op.drop_column('language')
