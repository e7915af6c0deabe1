-- PACER Case Locator batch searches: the criteria, and the results as found
-- when the search ran, until downloaded or deleted.
CREATE TABLE pcl_reports (
    id               INTEGER PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    -- 'case' or 'party'
    search_type      TEXT NOT NULL,
    criteria         TEXT NOT NULL,
    status           TEXT NOT NULL,
    record_count     BIGINT NOT NULL DEFAULT 0,
    results          TEXT NOT NULL DEFAULT '[]',
    started_at       BIGINT NOT NULL,
    finished_at      BIGINT
);
CREATE INDEX pcl_reports_by_account ON pcl_reports (pacer_account_id);
