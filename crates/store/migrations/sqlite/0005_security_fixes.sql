-- Security fixes.

-- Audit events are keyed by the PACER account, not only by its username: a
-- username can change hands (an upgrade frees the old one), and failed logins
-- can be typed for a name before anyone registers it. An account holder's own
-- view ("Recent security activity") reads by this id; the username stays, as
-- typed, for the operator's trail.
ALTER TABLE audit_events ADD COLUMN pacer_account_id BIGINT REFERENCES pacer_accounts (id) ON DELETE SET NULL;
-- Earlier events: the account that holds the username now, and only for events
-- since it took that name (its creation, or its upgrade: an upgraded account
-- took its present username then). Events of a name from before that keep no
-- account (an earlier holder's, or failures typed before the name existed).
UPDATE audit_events SET pacer_account_id = (
    SELECT p.id FROM pacer_accounts p
    WHERE p.username = audit_events.pacer_username
      AND audit_events.at >= COALESCE(p.upgraded_at, p.created_at)
)
WHERE pacer_username IS NOT NULL;
CREATE INDEX audit_events_by_account_id ON audit_events (pacer_account_id, at);

-- An email change takes effect only once both the new address confirms it and
-- the current address approves it: each gets a single-use link (24 hours),
-- either may be opened first, and the change is made when the second is. One
-- change at a time per account (a new request replaces it). A used link's hash
-- is cleared; the current address it was mailed to is kept, so an approval
-- no longer counts once the account's address has changed meanwhile.
CREATE TABLE email_changes (
    pacer_account_id BIGINT PRIMARY KEY REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    old_email        TEXT NOT NULL,
    confirm_hash     TEXT UNIQUE,
    approve_hash     TEXT UNIQUE,
    expires_at       BIGINT NOT NULL
);
-- Change links mailed before this version needed the new address only.
DELETE FROM email_confirmations WHERE purpose = 'change';
