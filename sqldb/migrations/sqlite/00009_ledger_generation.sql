-- +goose Up
-- The ledger's generation: a number that every transaction changing the rollups raises, so that
-- results computed from them (the analytics of a period) can be kept until the figures change,
-- by this process or any other (an import from the command line, a second server).
CREATE TABLE ledger_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT  NOT NULL
);
INSERT INTO ledger_generation (id, generation) VALUES (1, 0);

-- +goose Down
DROP TABLE ledger_generation;
