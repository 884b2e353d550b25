"""Actors form a hierarchy: an actor may be part of another (a ministry of the Royal Government, NEA of MoLVT).

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-10
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN on SQLite (no rebuild of a table every other table refers to).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE actor ADD COLUMN part_of VARCHAR(80) REFERENCES actor (id)')
    else:
        op.add_column(
            'actor',
            sa.Column('part_of', sa.String(length=80), sa.ForeignKey('actor.id', name='fk_actor_part_of'),
                      nullable=True),
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('actor', schema=None) as batch_op:
        if bind.dialect.name != 'sqlite':
            batch_op.drop_constraint('fk_actor_part_of', type_='foreignkey')
        batch_op.drop_column('part_of')
