-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    supervisor_id INTEGER REFERENCES users (id),
    password_hash TEXT    NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX users_supervisor ON users (supervisor_id);

CREATE TABLE sessions (
    secret_hash  TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    name_key      TEXT    NOT NULL DEFAULT '',
    short_name    TEXT    NOT NULL DEFAULT '',
    legal_name    TEXT    NOT NULL DEFAULT '',
    credit_code   TEXT    NOT NULL DEFAULT '',
    industry      TEXT    NOT NULL DEFAULT '',
    nature        TEXT    NOT NULL DEFAULT '',
    channel_role  TEXT    NOT NULL DEFAULT '',
    province      TEXT    NOT NULL DEFAULT '',
    city          TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    founded_on    TEXT    NOT NULL DEFAULT '',
    size          TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL,
    stage         TEXT    NOT NULL,
    owner_id      INTEGER NOT NULL REFERENCES users (id),
    parent_id     INTEGER REFERENCES customers (id),
    tags          TEXT    NOT NULL DEFAULT '[]',
    team          TEXT    NOT NULL DEFAULT '[]',
    custom_fields TEXT    NOT NULL DEFAULT '{}',
    note          TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX customers_owner ON customers (owner_id);
CREATE INDEX customers_parent ON customers (parent_id);
CREATE INDEX customers_name_key ON customers (name_key, id);
CREATE INDEX customers_updated ON customers (updated_at, id);
CREATE INDEX customers_status ON customers (status);
CREATE INDEX customers_province ON customers (province);
CREATE INDEX customers_industry ON customers (industry);
CREATE UNIQUE INDEX customers_credit_code ON customers (credit_code) WHERE credit_code <> '';

CREATE TABLE customer_tags (
    tag         TEXT    NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_tags_customer ON customer_tags (customer_id);

CREATE TABLE account_team (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (customer_id, user_id)
) WITHOUT ROWID;
CREATE INDEX account_team_user ON account_team (user_id, customer_id);

CREATE TABLE units (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    parent_unit_id INTEGER REFERENCES units (id) ON DELETE SET NULL,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    address        TEXT    NOT NULL DEFAULT '',
    note           TEXT    NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX units_customer ON units (customer_id);

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    name          TEXT    NOT NULL,
    title         TEXT    NOT NULL DEFAULT '',
    purchase_role TEXT    NOT NULL DEFAULT '',
    reports_to_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    phones        TEXT    NOT NULL DEFAULT '[]',
    email         TEXT    NOT NULL DEFAULT '',
    wechat        TEXT    NOT NULL DEFAULT '',
    birthday      TEXT    NOT NULL DEFAULT '',
    preferences   TEXT    NOT NULL DEFAULT '',
    relationship  INTEGER NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id);

-- Every create, update and delete of a customer, unit or contact: who, when, which fields changed
-- (old and new values, JSON) and the record as it was after the change (JSON; for a delete, as it
-- was before), from which a card is rebuilt as of any moment.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    fields      TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL
);
CREATE INDEX changes_customer ON changes (customer_id, id);

-- The search index: tokens built by kam.SearchTokens (CJK bigrams, words, pinyin initials).
CREATE VIRTUAL TABLE customer_search USING fts5 (tokens, tokenize = 'unicode61 remove_diacritics 0');

-- +goose Down
DROP TABLE customer_search;
DROP TABLE changes;
DROP TABLE contacts;
DROP TABLE units;
DROP TABLE account_team;
DROP TABLE customer_tags;
DROP TABLE customers;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
