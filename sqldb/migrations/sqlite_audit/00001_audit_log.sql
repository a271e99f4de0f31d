-- +goose Up
-- The audit log (SPEC §N5) of a SQLite database lives in a file of its own beside it
-- (PATH-audit, see sqldb/audit_file.go), so that recording views does not write to the file the
-- readers read. Append-only, one hash chain in id order. Ids are assigned by the
-- writer as the chain head's id + 1, so they have no gaps and a removed entry shows as a hole.
-- Each entry's hash covers its content and the previous entry's hash (see sqldb/audit.go).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_email TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   INTEGER NOT NULL,
    customer_id INTEGER,
    detail      TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, id) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_email ON audit_log (lower(actor_email), id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain head: the last entry's id and hash. Writers lock it (on PostgreSQL with SELECT …
-- FOR UPDATE; on SQLite the write transaction is exclusive), so that several KAM processes
-- append to one chain; verify compares the table's tail with it (a removed tail shows).
CREATE TABLE audit_head (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, 0, '');

-- No statement of the program updates or deletes an entry; these triggers refuse it from
-- anyone else too (dropping them takes deliberate work, and verify still detects the result).
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_head;
DROP TABLE audit_log;
