-- Public access: a court's RSS feed lists its entries newest first, by when
-- they were filed.
CREATE INDEX docket_entries_by_filed ON docket_entries (filed_at);
