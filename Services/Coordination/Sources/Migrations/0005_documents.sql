-- The documents of a case: coordination's own records, not built from events (a dossier
-- rebuild leaves them as they are). Content is kept encrypted: AES-256-GCM in chunks under a
-- key per case, which is stored only wrapped by a master key from the environment.

-- One key per case. Destroying it (wrapped_key NULL) makes every document of the case
-- unreadable; the row stays as the record that and when it was destroyed.
CREATE TABLE case_keys (
    case_id        uuid        PRIMARY KEY,
    master_key_id  text,
    wrapped_key    bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    rewrapped_at   timestamptz,
    destroyed_at   timestamptz,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL)),
    CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
);
CREATE INDEX case_keys_master ON case_keys (master_key_id) WHERE wrapped_key IS NOT NULL;

CREATE TABLE documents (
    document_id        uuid        PRIMARY KEY,
    case_id            uuid        NOT NULL,
    category           text        NOT NULL,
    certificate_kind   text        CHECK (certificate_kind IN ('language', 'school', 'vocational')),
    title              text        NOT NULL,
    issued_on          date,
    -- The record the document backs, if any: a measure, cost approval, consent or the
    -- agreement (the plan's id), or the final report of a handover.
    link_kind          text        CHECK (link_kind IN ('measure', 'cost_approval', 'consent', 'agreement', 'final_report')),
    link_id            uuid,
    current_version    integer     NOT NULL,
    added_at           timestamptz NOT NULL DEFAULT now(),
    added_by_org       text        NOT NULL,
    added_by_subject   text        NOT NULL,
    withdrawn_at       timestamptz,
    withdrawn_by_org   text,
    withdrawal_reason  text,
    CHECK ((link_kind IS NULL) = (link_id IS NULL)),
    CHECK ((category = 'certificate') = (certificate_kind IS NOT NULL))
);
CREATE INDEX documents_case ON documents (case_id, document_id);
CREATE INDEX documents_link ON documents (link_id) WHERE link_id IS NOT NULL;

-- Every version of a document; a new version replaces the current one and the older ones
-- stay as its history.
CREATE TABLE document_versions (
    document_id      uuid        NOT NULL REFERENCES documents (document_id),
    version          integer     NOT NULL CHECK (version >= 1),
    content_type     text        NOT NULL,
    file_name        text,
    size_bytes       bigint      NOT NULL CHECK (size_bytes > 0),
    sha256           text        NOT NULL,
    chunk_size       integer     NOT NULL,
    chunk_count      integer     NOT NULL CHECK (chunk_count >= 1),
    added_at         timestamptz NOT NULL DEFAULT now(),
    added_by_org     text        NOT NULL,
    -- Set when the content was erased under the category's retention rule.
    content_erased_at timestamptz,
    PRIMARY KEY (document_id, version)
);

-- The sealed content: nonce, ciphertext and tag of each chunk. The chunk's index and whether
-- it is the last are authenticated with it, so chunks cannot be reordered or cut off unseen.
CREATE TABLE document_chunks (
    document_id  uuid    NOT NULL,
    version      integer NOT NULL,
    seq          integer NOT NULL CHECK (seq >= 0),
    sealed       bytea   NOT NULL,
    PRIMARY KEY (document_id, version, seq),
    -- Checked at commit: a version is recorded once its chunks are sealed (size, hash, count).
    FOREIGN KEY (document_id, version) REFERENCES document_versions (document_id, version) DEFERRABLE INITIALLY DEFERRED
);
-- Ciphertext does not compress: stored out of line as it is, without a try at compression.
ALTER TABLE document_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;

-- How long the content of a withdrawn document (every version) is kept before it is erased,
-- per category, in days after the withdrawal; the metadata stays for the audit. Data, so that
-- a canton sets its own. Versions replaced by a newer one are history and stay readable.
CREATE TABLE document_retention (
    category                text    PRIMARY KEY,
    erase_after_days        integer NOT NULL CHECK (erase_after_days >= 0)
);
INSERT INTO document_retention (category, erase_after_days) VALUES
    ('agreement', 3650), ('assessment_report', 3650), ('certificate', 3650), ('cv', 365),
    ('consent_form', 3650), ('final_report', 3650), ('medical_certificate', 365), ('decision', 3650),
    ('correspondence', 730), ('other', 730);
