-- A court's events that are written opinions (built-in or added, by name):
-- its entries of them are the Written Opinions report, and their documents
-- are free of PACER fees.
CREATE TABLE opinion_events (
    court_id   TEXT NOT NULL REFERENCES courts (id),
    event      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (court_id, event)
);
