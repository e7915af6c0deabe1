-- The free look: each recipient of a Notice of Electronic Filing may open the
-- filed document once through the notice's link, without logging in, within
-- 15 days. Only the SHA-256 of the link's token is kept.
CREATE TABLE free_looks (
    token_hash  TEXT PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    email       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX free_looks_by_document ON free_looks (document_id);
