-- `ecf import` remembers, per CM/ECF account, a keyed fingerprint of the
-- password cell of the file row it last imported (HMAC-SHA256 under a key
-- derived from the server key; never the password itself), so that importing
-- the same file again leaves a password alone, even one re-hashed since at its
-- first use, and a changed cell is seen. NULL: never imported since.
ALTER TABLE ecf_accounts ADD COLUMN import_fingerprint TEXT;
