-- Hearings court staff schedule on a case: the Calendar Events report.
CREATE TABLE hearings (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    starts_at   BIGINT NOT NULL,
    description TEXT NOT NULL,
    location    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- Set when staff cancel it (the report leaves it out).
    cancelled_at BIGINT
);
CREATE INDEX hearings_by_start ON hearings (starts_at);
