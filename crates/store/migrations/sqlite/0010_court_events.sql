-- Events a court adds to its catalogue, beside the built-in events of its
-- kind (`openecf court event add`). A name means one event at a court.
CREATE TABLE court_events (
    court_id    TEXT NOT NULL REFERENCES courts (id),
    menu        TEXT NOT NULL,
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    docket_text TEXT NOT NULL,
    appearance  BIGINT NOT NULL DEFAULT 0,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (court_id, name)
);
