-- +goose Up
-- API tokens carry a scope (read, or read-write) and the time they were last used, which their
-- owner sees in the list of their tokens.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read-write';
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
CREATE INDEX sessions_expires ON sessions (expires_at);

-- +goose Down
DROP INDEX sessions_expires;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE api_tokens DROP COLUMN scope;
