-- Court staff: PACER accounts of a clerk's office, granted by the operator
-- (`openecf court admin add COURT PACER_USERNAME`). Staff open criminal cases.
CREATE TABLE court_staff (
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    added_at         BIGINT NOT NULL,
    PRIMARY KEY (court_id, pacer_account_id)
);
