-- An operator may disable a PACER account (fraud, a holder's request, a
-- court's order): it cannot log in until enabled again. Why and by whom is
-- kept here and in the audit trail.
ALTER TABLE pacer_accounts ADD COLUMN disabled_at BIGINT;
ALTER TABLE pacer_accounts ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';
