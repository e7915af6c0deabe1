-- A password check under way takes its place in its subject's counter row,
-- in the one statement that also reads the lock (before: a transaction of
-- an upsert and an INSERT into auth_attempts, four round trips a login).
-- in_flight counts the places taken in the current run, which ends at
-- in_flight_until (fixed when the run begins: no later check keeps an
-- abandoned place alive); in_flight_prev counts the run before's places
-- still held, until in_flight_prev_until; in_flight_last is the id of the
-- check that took the last place, so that the statement's caller learns
-- whether it got one (crates/store/src/security.rs, BEGIN_ATTEMPT).
-- auth_attempts is left for older nodes still serving during a rolling
-- upgrade; this version no longer writes it.
ALTER TABLE auth_failures ADD COLUMN in_flight_prev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_failures ADD COLUMN in_flight_prev_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_failures ADD COLUMN in_flight_last BIGINT NOT NULL DEFAULT 0;
