"""Security: nothing in the history can be overwritten by an INSERT; log-in counters in SQL; single sign-ons
bound to this server; evidence knows who recorded it, and corrections to it are proposals kept in the history.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401

from models import append_only


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_HISTORY = ("assessment", "assessment_evidence", "assessment_review", "audit_log")
NEW_HISTORY = ("evidence_correction", "evidence_correction_review", "sso_login")


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('client')
    )
    op.create_table('evidence_correction',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('evidence_id', sa.String(length=80), nullable=False),
    sa.Column('seen_version', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.String(length=80), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['proposer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_correction_evidence_id'), ['evidence_id'], unique=False)

    op.create_table('sso_login',
    sa.Column('token_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('token_id')
    )
    op.create_table('evidence_correction_review',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('correction_id', sa.String(length=80), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['correction_id'], ['evidence_correction.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('correction_id', name='uq_evidence_correction_review_correction')
    )
    # Plain ALTER TABLE ... ADD COLUMN on SQLite (no table rebuild: the assessments' references stay valid).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE evidence ADD COLUMN organisation_id VARCHAR(80) REFERENCES actor (id)')
    else:
        op.add_column(
            'evidence',
            sa.Column('organisation_id', sa.String(length=80),
                      sa.ForeignKey('actor.id', name='fk_evidence_organisation_id'), nullable=True),
        )
    op.create_index(op.f('ix_evidence_organisation_id'), 'evidence', ['organisation_id'], unique=False)
    bind = op.get_bind()
    for table in NEW_HISTORY:
        append_only.create(bind, table)
    for table in (*OLD_HISTORY, *NEW_HISTORY):
        append_only.guard_inserts(bind, table)


def downgrade() -> None:
    bind = op.get_bind()
    for table in (*OLD_HISTORY, *NEW_HISTORY):
        append_only.unguard_inserts(bind, table)
    for table in NEW_HISTORY:
        append_only.drop(bind, table)
    op.drop_index(op.f('ix_evidence_organisation_id'), table_name='evidence')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        if bind.dialect.name != 'sqlite':
            batch_op.drop_constraint('fk_evidence_organisation_id', type_='foreignkey')
        batch_op.drop_column('organisation_id')

    op.drop_table('evidence_correction_review')
    op.drop_table('sso_login')
    with op.batch_alter_table('evidence_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_correction_evidence_id'))

    op.drop_table('evidence_correction')
    op.drop_table('login_throttle')
