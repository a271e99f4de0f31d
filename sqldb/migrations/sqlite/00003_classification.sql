-- +goose Up
-- Classification runs (SPEC §C3): each run classifies the portfolio over a period and keeps every
-- customer's result, so that a customer's class history and the portfolio's change between
-- periods can be shown.
CREATE TABLE classification_runs (
    id          INTEGER PRIMARY KEY,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    source      TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    settings    TEXT    NOT NULL DEFAULT '{}',
    summary     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX classification_runs_period ON classification_runs (period_from, period_to, id);

CREATE TABLE customer_classes (
    run_id       INTEGER NOT NULL REFERENCES classification_runs (id) ON DELETE CASCADE,
    customer_id  INTEGER NOT NULL,
    abc          TEXT    NOT NULL,
    tier         TEXT    NOT NULL DEFAULT '',
    abc_rank     INTEGER NOT NULL,
    net_revenue  INTEGER NOT NULL,
    profit       INTEGER NOT NULL,
    PRIMARY KEY (run_id, customer_id)
);
CREATE INDEX customer_classes_customer ON customer_classes (customer_id, run_id);

-- Settings that directors and admins edit (the analytics thresholds), one JSON value per key.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE customer_classes;
DROP TABLE classification_runs;
