-- +goose Up
-- The audit log (SPEC §N5): append-only, one hash chain in id order. Ids are assigned by the
-- writer as the chain head's id + 1, so they have no gaps and a removed entry shows as a hole.
-- Each entry's hash covers its content and the previous entry's hash (see sqldb/audit.go).
CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT NOT NULL,
    actor_email TEXT   NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    object_type TEXT   NOT NULL,
    object_id   BIGINT NOT NULL,
    customer_id BIGINT,
    detail      TEXT   NOT NULL,
    remote_addr TEXT   NOT NULL,
    prev_hash   TEXT   NOT NULL,
    hash        TEXT   NOT NULL
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
    last_id   BIGINT NOT NULL,
    last_hash TEXT   NOT NULL
);
INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, 0, '');

-- No statement of the program updates or deletes an entry; this trigger refuses it from
-- anyone else too (dropping it takes deliberate work, and verify still detects the result).
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_head;
DROP TABLE audit_log;
