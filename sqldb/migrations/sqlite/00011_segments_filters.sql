-- +goose Up
-- Each classification run keeps every customer's LAMP group and loyalty type beside its class
-- and tier (SPEC §C3).
ALTER TABLE customer_classes ADD COLUMN lamp TEXT NOT NULL DEFAULT '';
ALTER TABLE customer_classes ADD COLUMN loyalty TEXT NOT NULL DEFAULT '';

-- Saved filters: a user's named selection of customers (segment values, class, tier, rep …),
-- applied to lists, dashboards and the analytics API. Shared ones are offered to everyone; a
-- filter selects only within what its user may see.
CREATE TABLE saved_filters (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    criteria   TEXT    NOT NULL DEFAULT '{}',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (user_id, name)
);
CREATE INDEX saved_filters_shared ON saved_filters (shared, id);

-- +goose Down
DROP TABLE saved_filters;
ALTER TABLE customer_classes DROP COLUMN loyalty;
ALTER TABLE customer_classes DROP COLUMN lamp;
