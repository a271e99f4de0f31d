-- +goose Up
-- Borrowing (借阅, SPEC §N5): a user asks to see a customer file outside their scope for some days;
-- the owner's supervisor or a director approves or refuses. An approved request is a grant until
-- expires_at (on the store's clock) unless returned before; "expired" is not stored, it is an
-- approved grant whose expires_at has passed. customer_id has no foreign key: the request stays
-- on record when the file is deleted.
CREATE TABLE borrow_requests (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL,
    borrower_id   INTEGER NOT NULL REFERENCES users (id),
    reason        TEXT    NOT NULL,
    days          INTEGER NOT NULL,
    can_export    INTEGER NOT NULL DEFAULT 0,
    can_edit      INTEGER NOT NULL DEFAULT 0,
    state         TEXT    NOT NULL,
    requested_at  TEXT    NOT NULL,
    decider_id    INTEGER REFERENCES users (id),
    decided_at    TEXT,
    decision_note TEXT    NOT NULL DEFAULT '',
    expires_at    TEXT,
    returned_at   TEXT
);
-- The scope predicate looks up a user's live grants for one customer.
CREATE INDEX borrow_requests_grant ON borrow_requests (borrower_id, customer_id, state);
CREATE INDEX borrow_requests_customer ON borrow_requests (customer_id);
CREATE INDEX borrow_requests_state ON borrow_requests (state, id);

-- +goose Down
DROP TABLE borrow_requests;
