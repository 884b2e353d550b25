"""The tables as SQLAlchemy Core, written from the classes of models/orm.py by models/core_render.py.

Do not edit: change the classes and run ``make schema-snapshot``; tests/test_core_tables.py fails while this file
is behind. A load imports only this (no SQLModel, no ORM); the classes are mapped onto these same tables.
"""

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, JSON, LargeBinary, MetaData, String, Table, UniqueConstraint

metadata = MetaData()


def named(name: str, *args: Any, **kw: Any) -> Column[Any]:
    column: Column[Any] = Column(*args, **kw)
    column.name = column.key = name
    return column


Table(
    'actor',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('name', String(length=300), nullable=False),
    named('acronym', String(length=300), nullable=True),
    named('type', String(length=40), nullable=False, index=True),
    named('country', String(length=300), nullable=True),
    named('note', String(), nullable=True),
    named('part_of', String(length=80), ForeignKey('actor.id'), nullable=True),
    named('version', Integer(), nullable=False, default=1),
)

Table(
    'theme',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('name', String(length=300), nullable=False),
    named('description', String(), nullable=True),
)

Table(
    'glossary_term',
    metadata,
    named('term', String(length=300), primary_key=True, nullable=False),
    named('expansion', String(), nullable=False),
    named('note', String(), nullable=True),
)

Table(
    'source',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('title', String(), nullable=False),
    named('date', String(length=10), nullable=False),
    named('date_start', Date(), nullable=False, index=True),
    named('kind', String(length=40), nullable=False, index=True),
    named('organisers', JSON(), nullable=False),
    named('place', String(length=300), nullable=True),
    named('url', String(length=500), nullable=True),
    named('citation', String(), nullable=True),
    named('text_path', String(length=300), nullable=True),
    named('full_text', String(), nullable=True),
    named('expected_recommendations', Integer(), nullable=True),
    named('gap_note', String(), nullable=True),
    named('curator_note', String(), nullable=True),
    named('language', String(length=8), nullable=True),
    named('origin', String(length=10), nullable=False, default='yaml', server_default='yaml'),
)

Table(
    'recommendation',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('source_id', String(length=80), ForeignKey('source.id'), nullable=False, index=True),
    named('position', Integer(), nullable=False),
    named('number', String(length=300), nullable=True),
    named('section', String(length=300), nullable=True),
    named('lead_in', String(), nullable=True),
    named('text', String(), nullable=False),
    named('title', String(length=300), nullable=False),
    named('kind', String(length=40), nullable=False, index=True),
    named('problems', JSON(), nullable=False),
    named('note', String(), nullable=True),
    named('origin', String(length=10), nullable=False, default='yaml', server_default='yaml'),
    named('text_start', Integer(), nullable=True),
    named('text_end', Integer(), nullable=True),
)

Table(
    'recommendation_theme',
    metadata,
    named('recommendation_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False),
    named('theme_id', String(length=80), ForeignKey('theme.id'), primary_key=True, nullable=False, index=True),
)

Table(
    'addressee',
    metadata,
    named('recommendation_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False),
    named('actor_id', String(length=80), ForeignKey('actor.id'), primary_key=True, nullable=False, index=True),
    named('position', Integer(), nullable=False),
    named('role', String(length=20), nullable=False),
    named('inferred', Boolean(), nullable=False, default=False),
)

Table(
    'evidence',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('date', String(length=10), nullable=False),
    named('date_start', Date(), nullable=False, index=True),
    named('kind', String(length=40), nullable=False),
    named('title', String(), nullable=False),
    named('summary', String(), nullable=False),
    named('url', String(length=500), nullable=True),
    named('citation', String(), nullable=True),
    named('source_id', String(length=80), ForeignKey('source.id'), nullable=True),
    named('completeness', String(), nullable=True),
    named('actors', JSON(), nullable=False),
    named('themes', JSON(), nullable=False),
    named('version', Integer(), nullable=False, default=1),
    named('organisation_id', String(length=80), ForeignKey('actor.id'), nullable=True, index=True),
)

Table(
    'evidence_correction',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('evidence_id', String(length=80), ForeignKey('evidence.id'), nullable=False, index=True),
    named('seen_version', Integer(), nullable=False),
    named('before', JSON(), nullable=False),
    named('after', JSON(), nullable=False),
    named('reason', String(), nullable=False),
    named('proposed_by', String(length=300), nullable=False),
    named('proposer_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('organisation_id', String(length=80), ForeignKey('actor.id'), nullable=True),
    named('proposed_at', DateTime(), nullable=False),
)

Table(
    'evidence_correction_review',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('correction_id', String(length=80), ForeignKey('evidence_correction.id'), nullable=False),
    named('decision', String(length=20), nullable=False),
    named('comment', String(), nullable=True),
    named('reviewed_by', String(length=300), nullable=False),
    named('reviewer_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('reviewed_at', DateTime(), nullable=False),
    UniqueConstraint('correction_id', name='uq_evidence_correction_review_correction'),
)

Table(
    'evidence_recommendation',
    metadata,
    named('evidence_id', String(length=80), ForeignKey('evidence.id'), primary_key=True, nullable=False),
    named('recommendation_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False, index=True),
)

Table(
    'assessment',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('recommendation_id', String(length=80), ForeignKey('recommendation.id'), nullable=False),
    named('addressee_id', String(length=80), ForeignKey('actor.id'), nullable=True),
    named('status', String(length=40), nullable=False, index=True),
    named('as_of', String(length=10), nullable=False),
    named('as_of_start', Date(), nullable=False),
    named('assessor_id', String(length=80), ForeignKey('actor.id'), nullable=False, index=True),
    named('rationale', String(), nullable=False),
    named('visibility', String(length=20), nullable=False, index=True),
    named('supersedes_id', String(length=80), ForeignKey('assessment.id'), nullable=True, index=True),
    named('supersede_reason', String(), nullable=True),
    named('recorded_by', String(length=300), nullable=False),
    named('recorded_at', DateTime(), nullable=False),
    named('origin', String(length=10), nullable=False, default='app'),
    Index('ix_assessment_rec_asof', 'recommendation_id', 'as_of_start'),
)

Table(
    'assessment_evidence',
    metadata,
    named('assessment_id', String(length=80), ForeignKey('assessment.id'), primary_key=True, nullable=False),
    named('evidence_id', String(length=80), ForeignKey('evidence.id'), primary_key=True, nullable=False, index=True),
    named('position', Integer(), nullable=False),
)

Table(
    'assessment_review',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('assessment_id', String(length=80), ForeignKey('assessment.id'), nullable=False),
    named('decision', String(length=20), nullable=False),
    named('comment', String(), nullable=True),
    named('reviewed_by', String(length=300), nullable=False),
    named('reviewer_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('reviewed_at', DateTime(), nullable=False),
    UniqueConstraint('assessment_id', name='uq_assessment_review_assessment'),
)

Table(
    'app_user',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('email', String(length=320), nullable=False, unique=True),
    named('name', String(length=300), nullable=False),
    named('role', String(length=20), nullable=False),
    named('organisation_id', String(length=80), ForeignKey('actor.id'), nullable=True, index=True),
    named('password_hash', String(length=300), nullable=True),
    named('active', Boolean(), nullable=False, default=True),
    named('failed_logins', Integer(), nullable=False, default=0),
    named('locked_until', DateTime(), nullable=True),
    named('created_at', DateTime(), nullable=False),
    named('version', Integer(), nullable=False, default=1),
)

Table(
    'user_session',
    metadata,
    named('id', String(length=64), primary_key=True, nullable=False),
    named('user_id', Integer(), ForeignKey('app_user.id'), nullable=False, index=True),
    named('created_at', DateTime(), nullable=False),
    named('expires_at', DateTime(), nullable=False),
    named('ended_at', DateTime(), nullable=True),
    named('via', String(length=20), nullable=False, default='password'),
)

Table(
    'login_attempt',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('email', String(length=320), nullable=False, index=True),
    named('client', String(length=100), nullable=False, index=True),
    named('at', DateTime(), nullable=False, index=True),
    named('succeeded', Boolean(), nullable=False, default=False),
)

Table(
    'login_throttle',
    metadata,
    named('client', String(length=100), primary_key=True, nullable=False),
    named('window_start', DateTime(), nullable=False),
    named('failures', Integer(), nullable=False, default=0),
)

Table(
    'sso_login',
    metadata,
    named('token_id', String(length=64), primary_key=True, nullable=False),
    named('user_id', Integer(), ForeignKey('app_user.id'), nullable=False),
    named('session_id', String(length=64), nullable=False),
    named('at', DateTime(), nullable=False),
)

Table(
    'audit_log',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('at', DateTime(), nullable=False, index=True),
    named('who', String(length=400), nullable=False),
    named('user_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('action', String(length=60), nullable=False, index=True),
    named('table_name', String(length=60), nullable=False, index=True),
    named('record_id', String(length=120), nullable=False, index=True),
    named('before', JSON(), nullable=True),
    named('after', JSON(), nullable=True),
)

Table(
    'load_state',
    metadata,
    named('name', String(length=100), primary_key=True, nullable=False),
    named('value', String(), nullable=False),
)

Table(
    'recommendation_link',
    metadata,
    named('source_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False),
    named('target_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False, index=True),
    named('kind', String(length=20), nullable=False),
    named('note', String(), nullable=True),
    named('origin', String(length=10), nullable=False, default='yaml', server_default='yaml'),
)

Table(
    'context_figure',
    metadata,
    named('id', String(length=80), primary_key=True, nullable=False),
    named('source_id', String(length=80), ForeignKey('source.id'), nullable=False),
    named('destination', String(length=300), nullable=False),
    named('category', String(length=300), nullable=False),
    named('total', Integer(), nullable=False),
    named('women', Integer(), nullable=True),
    named('men', Integer(), nullable=True),
    named('as_of', String(length=10), nullable=False),
    named('data_source', String(), nullable=False),
)

Table(
    'research_log',
    metadata,
    named('recommendation_id', String(length=80), ForeignKey('recommendation.id'), primary_key=True, nullable=False),
    named('position', Integer(), primary_key=True, nullable=False, autoincrement=False),
    named('searched_on', String(length=10), nullable=False),
    named('searched_on_start', Date(), nullable=False, index=True),
    named('searched_by', String(length=300), nullable=False),
    named('where', JSON(), nullable=False),
    named('found', String(), nullable=False),
    named('evidence', JSON(), nullable=False),
    named('outcome', String(length=20), nullable=False, index=True),
    named('scope', String(length=20), nullable=False, index=True, default='public_record'),
    named('partly_read', Boolean(), nullable=False, default=False),
    named('note', String(), nullable=True),
)

Table(
    'translation',
    metadata,
    named('entity', String(length=20), primary_key=True, nullable=False),
    named('record_id', String(length=300), primary_key=True, nullable=False),
    named('field_name', String(length=40), primary_key=True, nullable=False),
    named('lang', String(length=8), primary_key=True, nullable=False),
    named('value', String(), nullable=False),
    named('reviewed', Boolean(), nullable=False, default=False),
    named('reviewed_by', String(length=300), nullable=True),
    named('reviewed_on', String(length=10), nullable=True),
    named('translated_by', String(length=300), nullable=True),
    named('source', String(length=500), nullable=True),
)

Table(
    'curation_draft',
    metadata,
    named('id', String(length=120), primary_key=True, nullable=False),
    named('source_id', String(length=80), nullable=False, index=True),
    named('version', Integer(), nullable=False),
    named('fills_gap', Boolean(), nullable=False, default=False),
    named('source', JSON(), nullable=False),
    named('full_text', String(), nullable=False),
    named('text_name', String(length=300), nullable=True),
    named('recommendations', JSON(), nullable=False),
    named('links', JSON(), nullable=False),
    named('dismissed', JSON(), nullable=False),
    named('proposed_actors', JSON(), nullable=False),
    named('organisation_id', String(length=80), ForeignKey('actor.id'), nullable=True, index=True),
    named('recorded_by', String(length=300), nullable=False),
    named('user_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('recorded_at', DateTime(), nullable=False),
    named('supersedes_id', String(length=120), ForeignKey('curation_draft.id'), nullable=True),
    UniqueConstraint('source_id', 'version', name='uq_curation_draft_source_version'),
)

Table(
    'curation_review',
    metadata,
    named('id', Integer(), primary_key=True, nullable=False, autoincrement=True),
    named('draft_id', String(length=120), ForeignKey('curation_draft.id'), nullable=False),
    named('decision', String(length=20), nullable=False),
    named('comment', String(), nullable=True),
    named('reviewed_by', String(length=300), nullable=False),
    named('reviewer_id', Integer(), ForeignKey('app_user.id'), nullable=True),
    named('reviewed_at', DateTime(), nullable=False),
    UniqueConstraint('draft_id', name='uq_curation_review_draft'),
)

Table(
    'stored_read',
    metadata,
    named('name', String(length=60), primary_key=True, nullable=False),
    named('part', String(length=60), primary_key=True, nullable=False),
    named('stamp', String(length=120), primary_key=True, nullable=False),
    named('payload', LargeBinary(), nullable=False),
)
