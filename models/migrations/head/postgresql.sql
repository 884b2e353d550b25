-- The statements `alembic upgrade head` runs on an empty postgresql database, revision 0014.
-- Written by `make schema-snapshot` (models/snapshot.py); tests/test_snapshot.py holds it to the migrations.

CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE actor (
	id VARCHAR(80) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	acronym VARCHAR(300), 
	type VARCHAR(40) NOT NULL, 
	country VARCHAR(300), 
	note VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_actor_type ON actor (type);

CREATE TABLE glossary_term (
	term VARCHAR(300) NOT NULL, 
	expansion VARCHAR NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (term)
);

CREATE TABLE source (
	id VARCHAR(80) NOT NULL, 
	title VARCHAR NOT NULL, 
	date VARCHAR(10) NOT NULL, 
	date_start DATE NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	organisers JSON NOT NULL, 
	place VARCHAR(300), 
	url VARCHAR(500), 
	citation VARCHAR, 
	text_path VARCHAR(300), 
	full_text VARCHAR, 
	expected_recommendations INTEGER, 
	gap_note VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_source_date_start ON source (date_start);

CREATE INDEX ix_source_kind ON source (kind);

CREATE TABLE theme (
	id VARCHAR(80) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	description VARCHAR, 
	PRIMARY KEY (id)
);

CREATE TABLE context_figure (
	id VARCHAR(80) NOT NULL, 
	source_id VARCHAR(80) NOT NULL, 
	destination VARCHAR(300) NOT NULL, 
	category VARCHAR(300) NOT NULL, 
	total INTEGER NOT NULL, 
	women INTEGER, 
	men INTEGER, 
	as_of VARCHAR(10) NOT NULL, 
	data_source VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES source (id)
);

CREATE TABLE evidence (
	id VARCHAR(80) NOT NULL, 
	date VARCHAR(10) NOT NULL, 
	date_start DATE NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	title VARCHAR NOT NULL, 
	summary VARCHAR NOT NULL, 
	url VARCHAR(500), 
	citation VARCHAR, 
	source_id VARCHAR(80), 
	completeness VARCHAR, 
	actors JSON NOT NULL, 
	themes JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES source (id)
);

CREATE INDEX ix_evidence_date_start ON evidence (date_start);

CREATE TABLE recommendation (
	id VARCHAR(80) NOT NULL, 
	source_id VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	number VARCHAR(300), 
	section VARCHAR(300), 
	lead_in VARCHAR, 
	text VARCHAR NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	problems JSON NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES source (id)
);

CREATE INDEX ix_recommendation_kind ON recommendation (kind);

CREATE INDEX ix_recommendation_source_id ON recommendation (source_id);

CREATE TABLE addressee (
	recommendation_id VARCHAR(80) NOT NULL, 
	actor_id VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	inferred BOOLEAN NOT NULL, 
	PRIMARY KEY (recommendation_id, actor_id), 
	FOREIGN KEY(actor_id) REFERENCES actor (id), 
	FOREIGN KEY(recommendation_id) REFERENCES recommendation (id)
);

CREATE INDEX ix_addressee_actor_id ON addressee (actor_id);

CREATE TABLE assessment (
	id VARCHAR(80) NOT NULL, 
	recommendation_id VARCHAR(80) NOT NULL, 
	addressee_id VARCHAR(80), 
	status VARCHAR(40) NOT NULL, 
	as_of VARCHAR(10) NOT NULL, 
	as_of_start DATE NOT NULL, 
	assessor_id VARCHAR(80) NOT NULL, 
	rationale VARCHAR NOT NULL, 
	visibility VARCHAR(20) NOT NULL, 
	recorded_by VARCHAR(300) NOT NULL, 
	recorded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(addressee_id) REFERENCES actor (id), 
	FOREIGN KEY(assessor_id) REFERENCES actor (id), 
	FOREIGN KEY(recommendation_id) REFERENCES recommendation (id)
);

CREATE INDEX ix_assessment_assessor_id ON assessment (assessor_id);

CREATE INDEX ix_assessment_rec_asof ON assessment (recommendation_id, as_of_start);

CREATE INDEX ix_assessment_status ON assessment (status);

CREATE INDEX ix_assessment_visibility ON assessment (visibility);

CREATE TABLE evidence_recommendation (
	evidence_id VARCHAR(80) NOT NULL, 
	recommendation_id VARCHAR(80) NOT NULL, 
	PRIMARY KEY (evidence_id, recommendation_id), 
	FOREIGN KEY(evidence_id) REFERENCES evidence (id), 
	FOREIGN KEY(recommendation_id) REFERENCES recommendation (id)
);

CREATE INDEX ix_evidence_recommendation_recommendation_id ON evidence_recommendation (recommendation_id);

CREATE TABLE recommendation_link (
	source_id VARCHAR(80) NOT NULL, 
	target_id VARCHAR(80) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (source_id, target_id), 
	FOREIGN KEY(source_id) REFERENCES recommendation (id), 
	FOREIGN KEY(target_id) REFERENCES recommendation (id)
);

CREATE INDEX ix_recommendation_link_target_id ON recommendation_link (target_id);

CREATE TABLE recommendation_theme (
	recommendation_id VARCHAR(80) NOT NULL, 
	theme_id VARCHAR(80) NOT NULL, 
	PRIMARY KEY (recommendation_id, theme_id), 
	FOREIGN KEY(recommendation_id) REFERENCES recommendation (id), 
	FOREIGN KEY(theme_id) REFERENCES theme (id)
);

CREATE INDEX ix_recommendation_theme_theme_id ON recommendation_theme (theme_id);

CREATE TABLE assessment_evidence (
	assessment_id VARCHAR(80) NOT NULL, 
	evidence_id VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (assessment_id, evidence_id), 
	FOREIGN KEY(assessment_id) REFERENCES assessment (id), 
	FOREIGN KEY(evidence_id) REFERENCES evidence (id)
);

CREATE INDEX ix_assessment_evidence_evidence_id ON assessment_evidence (evidence_id);

INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;

ALTER TABLE assessment ADD COLUMN supersedes_id VARCHAR(80);

ALTER TABLE assessment ADD CONSTRAINT fk_assessment_supersedes_id FOREIGN KEY(supersedes_id) REFERENCES assessment (id);

ALTER TABLE assessment ADD COLUMN supersede_reason VARCHAR;

ALTER TABLE assessment ADD COLUMN origin VARCHAR(10) DEFAULT 'app' NOT NULL;

UPDATE assessment SET origin = 'yaml';

CREATE INDEX ix_assessment_supersedes_id ON assessment (supersedes_id);

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER assessment_append_only BEFORE UPDATE OR DELETE ON assessment FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: assessment is part of the history: an assessment cannot be changed or deleted; record a new assessment that supersedes it');

CREATE TRIGGER assessment_no_truncate BEFORE TRUNCATE ON assessment FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: assessment is part of the history: an assessment cannot be changed or deleted; record a new assessment that supersedes it');

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER assessment_evidence_append_only BEFORE UPDATE OR DELETE ON assessment_evidence FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: assessment_evidence is part of the history: the evidence an assessment cites cannot be changed; record a new assessment');

CREATE TRIGGER assessment_evidence_no_truncate BEFORE TRUNCATE ON assessment_evidence FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: assessment_evidence is part of the history: the evidence an assessment cites cannot be changed; record a new assessment');

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

CREATE TABLE login_attempt (
	id SERIAL NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	client VARCHAR(100) NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	succeeded BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_login_attempt_at ON login_attempt (at);

CREATE INDEX ix_login_attempt_client ON login_attempt (client);

CREATE INDEX ix_login_attempt_email ON login_attempt (email);

CREATE TABLE app_user (
	id SERIAL NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	organisation_id VARCHAR(80), 
	password_hash VARCHAR(300), 
	active BOOLEAN NOT NULL, 
	failed_logins INTEGER NOT NULL, 
	locked_until TIMESTAMP WITHOUT TIME ZONE, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(organisation_id) REFERENCES actor (id), 
	UNIQUE (email)
);

CREATE INDEX ix_app_user_organisation_id ON app_user (organisation_id);

CREATE TABLE audit_log (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	who VARCHAR(400) NOT NULL, 
	user_id INTEGER, 
	action VARCHAR(60) NOT NULL, 
	table_name VARCHAR(60) NOT NULL, 
	record_id VARCHAR(120) NOT NULL, 
	before JSON, 
	after JSON, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES app_user (id)
);

CREATE INDEX ix_audit_log_action ON audit_log (action);

CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE INDEX ix_audit_log_record_id ON audit_log (record_id);

CREATE INDEX ix_audit_log_table_name ON audit_log (table_name);

CREATE TABLE user_session (
	id VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	ended_at TIMESTAMP WITHOUT TIME ZONE, 
	via VARCHAR(20) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES app_user (id)
);

CREATE INDEX ix_user_session_user_id ON user_session (user_id);

CREATE TABLE assessment_review (
	id SERIAL NOT NULL, 
	assessment_id VARCHAR(80) NOT NULL, 
	decision VARCHAR(20) NOT NULL, 
	comment VARCHAR, 
	reviewed_by VARCHAR(300) NOT NULL, 
	reviewer_id INTEGER, 
	reviewed_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(assessment_id) REFERENCES assessment (id), 
	FOREIGN KEY(reviewer_id) REFERENCES app_user (id), 
	CONSTRAINT uq_assessment_review_assessment UNIQUE (assessment_id)
);

ALTER TABLE actor ADD COLUMN version INTEGER DEFAULT '1' NOT NULL;

ALTER TABLE evidence ADD COLUMN version INTEGER DEFAULT '1' NOT NULL;

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER assessment_review_append_only BEFORE UPDATE OR DELETE ON assessment_review FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn');

CREATE TRIGGER assessment_review_no_truncate BEFORE TRUNCATE ON assessment_review FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn');

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: audit_log is part of the history: the audit log cannot be changed or deleted');

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: audit_log is part of the history: the audit log cannot be changed or deleted');

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

CREATE TABLE load_state (
	name VARCHAR(100) NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (name)
);

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';

CREATE TABLE research_log (
	recommendation_id VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	searched_on VARCHAR(10) NOT NULL, 
	searched_on_start DATE NOT NULL, 
	searched_by VARCHAR(300) NOT NULL, 
	"where" JSON NOT NULL, 
	found VARCHAR NOT NULL, 
	evidence JSON NOT NULL, 
	outcome VARCHAR(20) NOT NULL, 
	partly_read BOOLEAN NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (recommendation_id, position), 
	FOREIGN KEY(recommendation_id) REFERENCES recommendation (id)
);

CREATE INDEX ix_research_log_outcome ON research_log (outcome);

CREATE INDEX ix_research_log_searched_on_start ON research_log (searched_on_start);

UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0004';

ALTER TABLE research_log ADD COLUMN scope VARCHAR(20) DEFAULT 'public_record' NOT NULL;

CREATE INDEX ix_research_log_scope ON research_log (scope);

UPDATE alembic_version SET version_num='0006' WHERE alembic_version.version_num = '0005';

CREATE TABLE login_throttle (
	client VARCHAR(100) NOT NULL, 
	window_start TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	failures INTEGER NOT NULL, 
	PRIMARY KEY (client)
);

CREATE TABLE evidence_correction (
	id VARCHAR(80) NOT NULL, 
	evidence_id VARCHAR(80) NOT NULL, 
	seen_version INTEGER NOT NULL, 
	before JSON NOT NULL, 
	after JSON NOT NULL, 
	reason VARCHAR NOT NULL, 
	proposed_by VARCHAR(300) NOT NULL, 
	proposer_id INTEGER, 
	organisation_id VARCHAR(80), 
	proposed_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(evidence_id) REFERENCES evidence (id), 
	FOREIGN KEY(organisation_id) REFERENCES actor (id), 
	FOREIGN KEY(proposer_id) REFERENCES app_user (id)
);

CREATE INDEX ix_evidence_correction_evidence_id ON evidence_correction (evidence_id);

CREATE TABLE sso_login (
	token_id VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (token_id), 
	FOREIGN KEY(user_id) REFERENCES app_user (id)
);

CREATE TABLE evidence_correction_review (
	id SERIAL NOT NULL, 
	correction_id VARCHAR(80) NOT NULL, 
	decision VARCHAR(20) NOT NULL, 
	comment VARCHAR, 
	reviewed_by VARCHAR(300) NOT NULL, 
	reviewer_id INTEGER, 
	reviewed_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(correction_id) REFERENCES evidence_correction (id), 
	FOREIGN KEY(reviewer_id) REFERENCES app_user (id), 
	CONSTRAINT uq_evidence_correction_review_correction UNIQUE (correction_id)
);

ALTER TABLE evidence ADD COLUMN organisation_id VARCHAR(80);

ALTER TABLE evidence ADD CONSTRAINT fk_evidence_organisation_id FOREIGN KEY(organisation_id) REFERENCES actor (id);

CREATE INDEX ix_evidence_organisation_id ON evidence (organisation_id);

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER evidence_correction_append_only BEFORE UPDATE OR DELETE ON evidence_correction FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: evidence_correction is part of the history: a proposed correction cannot be changed or deleted; propose another');

CREATE TRIGGER evidence_correction_no_truncate BEFORE TRUNCATE ON evidence_correction FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: evidence_correction is part of the history: a proposed correction cannot be changed or deleted; propose another');

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER evidence_correction_review_append_only BEFORE UPDATE OR DELETE ON evidence_correction_review FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted');

CREATE TRIGGER evidence_correction_review_no_truncate BEFORE TRUNCATE ON evidence_correction_review FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted');

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER sso_login_append_only BEFORE UPDATE OR DELETE ON sso_login FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: sso_login is part of the history: the record of a single sign-on cannot be changed or deleted');

CREATE TRIGGER sso_login_no_truncate BEFORE TRUNCATE ON sso_login FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: sso_login is part of the history: the record of a single sign-on cannot be changed or deleted');

CREATE OR REPLACE FUNCTION assessment_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment is part of the history: an assessment cannot be changed or deleted; record a new assessment that supersedes it', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_no_overwrite_0 BEFORE INSERT ON assessment FOR EACH ROW EXECUTE FUNCTION assessment_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_evidence_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_evidence WHERE assessment_id = NEW.assessment_id AND evidence_id = NEW.evidence_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_evidence is part of the history: the evidence an assessment cites cannot be changed; record a new assessment', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_evidence_no_overwrite_0 BEFORE INSERT ON assessment_evidence FOR EACH ROW EXECUTE FUNCTION assessment_evidence_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_review_no_overwrite_0 BEFORE INSERT ON assessment_review FOR EACH ROW EXECUTE FUNCTION assessment_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_review WHERE assessment_id = NEW.assessment_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_review_no_overwrite_1 BEFORE INSERT ON assessment_review FOR EACH ROW EXECUTE FUNCTION assessment_review_no_overwrite_1();

CREATE OR REPLACE FUNCTION audit_log_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: audit_log is part of the history: the audit log cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER audit_log_no_overwrite_0 BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_no_overwrite_0();

CREATE OR REPLACE FUNCTION evidence_correction_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction is part of the history: a proposed correction cannot be changed or deleted; propose another', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_no_overwrite_0 BEFORE INSERT ON evidence_correction FOR EACH ROW EXECUTE FUNCTION evidence_correction_no_overwrite_0();

CREATE OR REPLACE FUNCTION evidence_correction_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_review_no_overwrite_0 BEFORE INSERT ON evidence_correction_review FOR EACH ROW EXECUTE FUNCTION evidence_correction_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION evidence_correction_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction_review WHERE correction_id = NEW.correction_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_review_no_overwrite_1 BEFORE INSERT ON evidence_correction_review FOR EACH ROW EXECUTE FUNCTION evidence_correction_review_no_overwrite_1();

CREATE OR REPLACE FUNCTION sso_login_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM sso_login WHERE token_id = NEW.token_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: sso_login is part of the history: the record of a single sign-on cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER sso_login_no_overwrite_0 BEFORE INSERT ON sso_login FOR EACH ROW EXECUTE FUNCTION sso_login_no_overwrite_0();

UPDATE alembic_version SET version_num='0007' WHERE alembic_version.version_num = '0006';

ALTER TABLE actor ADD COLUMN part_of VARCHAR(80);

ALTER TABLE actor ADD CONSTRAINT fk_actor_part_of FOREIGN KEY(part_of) REFERENCES actor (id);

UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0007';

ALTER TABLE source ADD COLUMN curator_note VARCHAR;

UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0008';

CREATE TABLE translation (
	entity VARCHAR(20) NOT NULL, 
	record_id VARCHAR(300) NOT NULL, 
	field_name VARCHAR(40) NOT NULL, 
	lang VARCHAR(8) NOT NULL, 
	value VARCHAR NOT NULL, 
	reviewed BOOLEAN NOT NULL, 
	reviewed_by VARCHAR(300), 
	reviewed_on VARCHAR(10), 
	translated_by VARCHAR(300), 
	PRIMARY KEY (entity, record_id, field_name, lang)
);

UPDATE alembic_version SET version_num='0010' WHERE alembic_version.version_num = '0009';

ALTER TABLE translation ADD COLUMN source VARCHAR(500);

UPDATE alembic_version SET version_num='0011' WHERE alembic_version.version_num = '0010';

ALTER TABLE source ADD COLUMN language VARCHAR(8);

ALTER TABLE source ADD COLUMN origin VARCHAR(10) DEFAULT 'yaml' NOT NULL;

ALTER TABLE recommendation ADD COLUMN origin VARCHAR(10) DEFAULT 'yaml' NOT NULL;

ALTER TABLE recommendation ADD COLUMN text_start INTEGER;

ALTER TABLE recommendation ADD COLUMN text_end INTEGER;

ALTER TABLE recommendation_link ADD COLUMN origin VARCHAR(10) DEFAULT 'yaml' NOT NULL;

CREATE TABLE curation_draft (
	id VARCHAR(120) NOT NULL, 
	source_id VARCHAR(80) NOT NULL, 
	version INTEGER NOT NULL, 
	fills_gap BOOLEAN NOT NULL, 
	source JSON NOT NULL, 
	full_text VARCHAR NOT NULL, 
	text_name VARCHAR(300), 
	recommendations JSON NOT NULL, 
	links JSON NOT NULL, 
	dismissed JSON NOT NULL, 
	proposed_actors JSON NOT NULL, 
	organisation_id VARCHAR(80), 
	recorded_by VARCHAR(300) NOT NULL, 
	user_id INTEGER, 
	recorded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	supersedes_id VARCHAR(120), 
	PRIMARY KEY (id), 
	FOREIGN KEY(organisation_id) REFERENCES actor (id), 
	FOREIGN KEY(supersedes_id) REFERENCES curation_draft (id), 
	FOREIGN KEY(user_id) REFERENCES app_user (id), 
	CONSTRAINT uq_curation_draft_source_version UNIQUE (source_id, version)
);

CREATE INDEX ix_curation_draft_organisation_id ON curation_draft (organisation_id);

CREATE INDEX ix_curation_draft_source_id ON curation_draft (source_id);

CREATE TABLE curation_review (
	id SERIAL NOT NULL, 
	draft_id VARCHAR(120) NOT NULL, 
	decision VARCHAR(20) NOT NULL, 
	comment VARCHAR, 
	reviewed_by VARCHAR(300) NOT NULL, 
	reviewer_id INTEGER, 
	reviewed_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(draft_id) REFERENCES curation_draft (id), 
	FOREIGN KEY(reviewer_id) REFERENCES app_user (id), 
	CONSTRAINT uq_curation_review_draft UNIQUE (draft_id)
);

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER curation_draft_append_only BEFORE UPDATE OR DELETE ON curation_draft FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version');

CREATE TRIGGER curation_draft_no_truncate BEFORE TRUNCATE ON curation_draft FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version');

CREATE OR REPLACE FUNCTION curation_draft_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_draft WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_draft_no_overwrite_0 BEFORE INSERT ON curation_draft FOR EACH ROW EXECUTE FUNCTION curation_draft_no_overwrite_0();

CREATE OR REPLACE FUNCTION curation_draft_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_draft WHERE source_id = NEW.source_id AND version = NEW.version) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_draft_no_overwrite_1 BEFORE INSERT ON curation_draft FOR EACH ROW EXECUTE FUNCTION curation_draft_no_overwrite_1();

CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$;

CREATE TRIGGER curation_review_append_only BEFORE UPDATE OR DELETE ON curation_review FOR EACH ROW EXECUTE FUNCTION refuse_history_change('append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted');

CREATE TRIGGER curation_review_no_truncate BEFORE TRUNCATE ON curation_review FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted');

CREATE OR REPLACE FUNCTION curation_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_review_no_overwrite_0 BEFORE INSERT ON curation_review FOR EACH ROW EXECUTE FUNCTION curation_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION curation_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_review WHERE draft_id = NEW.draft_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_review_no_overwrite_1 BEFORE INSERT ON curation_review FOR EACH ROW EXECUTE FUNCTION curation_review_no_overwrite_1();

UPDATE alembic_version SET version_num='0012' WHERE alembic_version.version_num = '0011';

DROP TRIGGER IF EXISTS assessment_no_overwrite_0 ON assessment;

DROP FUNCTION IF EXISTS assessment_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment is part of the history: an assessment cannot be changed or deleted; record a new assessment that supersedes it', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_no_overwrite_0 BEFORE INSERT ON assessment FOR EACH ROW EXECUTE FUNCTION assessment_no_overwrite_0();

DROP TRIGGER IF EXISTS assessment_evidence_no_overwrite_0 ON assessment_evidence;

DROP FUNCTION IF EXISTS assessment_evidence_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_evidence_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_evidence WHERE assessment_id = NEW.assessment_id AND evidence_id = NEW.evidence_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_evidence is part of the history: the evidence an assessment cites cannot be changed; record a new assessment', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_evidence_no_overwrite_0 BEFORE INSERT ON assessment_evidence FOR EACH ROW EXECUTE FUNCTION assessment_evidence_no_overwrite_0();

DROP TRIGGER IF EXISTS assessment_review_no_overwrite_0 ON assessment_review;

DROP FUNCTION IF EXISTS assessment_review_no_overwrite_0();

DROP TRIGGER IF EXISTS assessment_review_no_overwrite_1 ON assessment_review;

DROP FUNCTION IF EXISTS assessment_review_no_overwrite_1();

CREATE OR REPLACE FUNCTION assessment_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_review_no_overwrite_0 BEFORE INSERT ON assessment_review FOR EACH ROW EXECUTE FUNCTION assessment_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION assessment_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM assessment_review WHERE assessment_id = NEW.assessment_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: assessment_review is part of the history: a review decision cannot be changed or deleted; a published assessment can be withdrawn', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER assessment_review_no_overwrite_1 BEFORE INSERT ON assessment_review FOR EACH ROW EXECUTE FUNCTION assessment_review_no_overwrite_1();

DROP TRIGGER IF EXISTS audit_log_no_overwrite_0 ON audit_log;

DROP FUNCTION IF EXISTS audit_log_no_overwrite_0();

CREATE OR REPLACE FUNCTION audit_log_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: audit_log is part of the history: the audit log cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER audit_log_no_overwrite_0 BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_no_overwrite_0();

DROP TRIGGER IF EXISTS curation_draft_no_overwrite_0 ON curation_draft;

DROP FUNCTION IF EXISTS curation_draft_no_overwrite_0();

DROP TRIGGER IF EXISTS curation_draft_no_overwrite_1 ON curation_draft;

DROP FUNCTION IF EXISTS curation_draft_no_overwrite_1();

CREATE OR REPLACE FUNCTION curation_draft_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_draft WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_draft_no_overwrite_0 BEFORE INSERT ON curation_draft FOR EACH ROW EXECUTE FUNCTION curation_draft_no_overwrite_0();

CREATE OR REPLACE FUNCTION curation_draft_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_draft WHERE source_id = NEW.source_id AND version = NEW.version) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_draft is part of the history: a submitted document cannot be changed or deleted; submit a new version', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_draft_no_overwrite_1 BEFORE INSERT ON curation_draft FOR EACH ROW EXECUTE FUNCTION curation_draft_no_overwrite_1();

DROP TRIGGER IF EXISTS curation_review_no_overwrite_0 ON curation_review;

DROP FUNCTION IF EXISTS curation_review_no_overwrite_0();

DROP TRIGGER IF EXISTS curation_review_no_overwrite_1 ON curation_review;

DROP FUNCTION IF EXISTS curation_review_no_overwrite_1();

CREATE OR REPLACE FUNCTION curation_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_review_no_overwrite_0 BEFORE INSERT ON curation_review FOR EACH ROW EXECUTE FUNCTION curation_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION curation_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM curation_review WHERE draft_id = NEW.draft_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: curation_review is part of the history: a decision on a submitted document cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER curation_review_no_overwrite_1 BEFORE INSERT ON curation_review FOR EACH ROW EXECUTE FUNCTION curation_review_no_overwrite_1();

DROP TRIGGER IF EXISTS evidence_correction_no_overwrite_0 ON evidence_correction;

DROP FUNCTION IF EXISTS evidence_correction_no_overwrite_0();

CREATE OR REPLACE FUNCTION evidence_correction_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction is part of the history: a proposed correction cannot be changed or deleted; propose another', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_no_overwrite_0 BEFORE INSERT ON evidence_correction FOR EACH ROW EXECUTE FUNCTION evidence_correction_no_overwrite_0();

DROP TRIGGER IF EXISTS evidence_correction_review_no_overwrite_0 ON evidence_correction_review;

DROP FUNCTION IF EXISTS evidence_correction_review_no_overwrite_0();

DROP TRIGGER IF EXISTS evidence_correction_review_no_overwrite_1 ON evidence_correction_review;

DROP FUNCTION IF EXISTS evidence_correction_review_no_overwrite_1();

CREATE OR REPLACE FUNCTION evidence_correction_review_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction_review WHERE id = NEW.id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_review_no_overwrite_0 BEFORE INSERT ON evidence_correction_review FOR EACH ROW EXECUTE FUNCTION evidence_correction_review_no_overwrite_0();

CREATE OR REPLACE FUNCTION evidence_correction_review_no_overwrite_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM evidence_correction_review WHERE correction_id = NEW.correction_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: evidence_correction_review is part of the history: a decision on a correction cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER evidence_correction_review_no_overwrite_1 BEFORE INSERT ON evidence_correction_review FOR EACH ROW EXECUTE FUNCTION evidence_correction_review_no_overwrite_1();

DROP TRIGGER IF EXISTS sso_login_no_overwrite_0 ON sso_login;

DROP FUNCTION IF EXISTS sso_login_no_overwrite_0();

CREATE OR REPLACE FUNCTION sso_login_no_overwrite_0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM sso_login WHERE token_id = NEW.token_id) THEN RAISE EXCEPTION USING MESSAGE = 'append-only: sso_login is part of the history: the record of a single sign-on cannot be changed or deleted', ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;

CREATE TRIGGER sso_login_no_overwrite_0 BEFORE INSERT ON sso_login FOR EACH ROW EXECUTE FUNCTION sso_login_no_overwrite_0();

DROP FUNCTION IF EXISTS refuse_history_overwrite();

UPDATE alembic_version SET version_num='0013' WHERE alembic_version.version_num = '0012';

CREATE TABLE stored_read (
	name VARCHAR(60) NOT NULL, 
	part VARCHAR(60) NOT NULL, 
	stamp VARCHAR(120) NOT NULL, 
	payload BYTEA NOT NULL, 
	PRIMARY KEY (name, part, stamp)
);

UPDATE alembic_version SET version_num='0014' WHERE alembic_version.version_num = '0013';
