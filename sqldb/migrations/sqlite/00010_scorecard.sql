-- +goose Up
-- Key accounts (SPEC §C3): manual scores of the criteria the figures cannot say, directors'
-- confirmations and rejections of proposed key accounts, and overrides of the importance grade.
-- Every event is kept (the customer's key-account history); the newest of each kind stands.
-- customer_id has no foreign key: the record stays when the file is deleted.
CREATE TABLE key_account_events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    criterion   TEXT    NOT NULL DEFAULT '',
    score       INTEGER NOT NULL DEFAULT 0,
    value       TEXT    NOT NULL DEFAULT '',
    period_from TEXT    NOT NULL DEFAULT '',
    period_to   TEXT    NOT NULL DEFAULT '',
    total       TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    user_id     INTEGER NOT NULL,
    at          TEXT    NOT NULL
);
CREATE INDEX key_account_events_customer ON key_account_events (customer_id, id);

-- Each stored classification also keeps the customer's key-account result: the scorecard's
-- weighted total (4 decimals, empty without one), its state, its quadrant and importance grade.
ALTER TABLE customer_classes ADD COLUMN key_total TEXT NOT NULL DEFAULT '';
ALTER TABLE customer_classes ADD COLUMN key_state TEXT NOT NULL DEFAULT '';
ALTER TABLE customer_classes ADD COLUMN quadrant  TEXT NOT NULL DEFAULT '';
ALTER TABLE customer_classes ADD COLUMN grade     TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customer_classes DROP COLUMN grade;
ALTER TABLE customer_classes DROP COLUMN quadrant;
ALTER TABLE customer_classes DROP COLUMN key_state;
ALTER TABLE customer_classes DROP COLUMN key_total;
DROP TABLE key_account_events;
