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
