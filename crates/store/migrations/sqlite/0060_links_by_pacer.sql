-- A PACER account's links, whatever the court: whether it is a filer (its MFA
-- state, read at every login) and the operator's `pacer show`. The unique
-- (court_id, pacer_account_id) index leads with the court, so without this
-- one each such read scanned every link (1,800,000 in the generated
-- population: see BENCHMARKS.md, "The real population").
CREATE INDEX links_by_pacer ON links (pacer_account_id);
