-- Filing agents: an attorney names staff, each with an individual PACER
-- account, who file in the attorney's name at one court once they accept.
CREATE TABLE filing_agents (
    court_id    TEXT NOT NULL REFERENCES courts (id),
    attorney_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    agent_id    BIGINT NOT NULL REFERENCES pacer_accounts (id),
    added_at    BIGINT NOT NULL,
    -- NULL while the naming waits for the agent's acceptance: only an
    -- accepted agent files (and must set up MFA).
    accepted_at BIGINT,
    PRIMARY KEY (court_id, attorney_id, agent_id)
);
CREATE INDEX filing_agents_by_agent ON filing_agents (court_id, agent_id);
-- Who entered an entry, when a filing agent entered it for `filed_by`.
ALTER TABLE docket_entries ADD COLUMN entered_by BIGINT REFERENCES pacer_accounts (id);
