package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"kam"
)

// Session lifetimes by default: a session ends after DefaultSessionIdle without a request, and
// at the latest DefaultSessionMax after login (kam serve --session-idle, --session-max).
const (
	DefaultSessionIdle = 2 * time.Hour
	DefaultSessionMax  = 12 * time.Hour
	// sessionTouch limits how often a request extends a session (a write), to once a minute.
	sessionTouch = time.Minute
	// TokenPrefix marks KAM API tokens so that they are recognisable in secret scanners.
	TokenPrefix = kam.TokenPrefix
)

// UserService implements kam.UserService.
type UserService struct {
	db     *DB
	tokens tokenCache
	// SessionIdle and SessionMax are the idle and absolute lifetimes of UI sessions.
	SessionIdle, SessionMax time.Duration
}

// NewUserService returns the user service over db with the default session lifetimes.
func NewUserService(db *DB) *UserService {
	return &UserService{db: db, SessionIdle: DefaultSessionIdle, SessionMax: DefaultSessionMax}
}

// TokenCacheTTL is how long a verified API token is trusted without asking the database again.
// Every API request authenticates; on PostgreSQL that lookup is a round trip of its own. Changes
// made through this process (a user deactivated, a role changed, a password set) drop the user's
// cached tokens at once; another KAM process sharing the database sees them within the TTL.
const TokenCacheTTL = 5 * time.Second

const maxCachedTokens = 10000

type cachedToken struct {
	user  kam.User
	token kam.Token
	until time.Time // the cache entry's expiry
}

type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
}

func (c *tokenCache) get(hash string, now time.Time) (*kam.User, *kam.Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || !now.Before(e.until) || !e.token.Live(now) {
		return nil, nil, false
	}
	u, t := e.user, e.token
	return &u, &t, true
}

func (c *tokenCache) put(hash string, u *kam.User, t *kam.Token, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = map[string]cachedToken{}
	}
	c.m[hash] = cachedToken{user: *u, token: *t, until: now.Add(TokenCacheTTL)}
}

// forgetToken drops one token (revoked).
func (c *tokenCache) forgetToken(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.token.ID == id {
			delete(c.m, h)
		}
	}
}

// forget drops the cached tokens of a user.
func (c *tokenCache) forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.user.ID == userID {
			delete(c.m, h)
		}
	}
}

var _ kam.UserService = (*UserService)(nil)

const userColumns = "u.id, u.email, u.name, u.role, u.supervisor_id, u.active, u.version, u.created_at, u.updated_at"

func scanUser(row interface{ Scan(...any) error }) (*kam.User, error) {
	var u kam.User
	var active int64
	var role string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &role, nullID{&u.SupervisorID}, &active, &u.Version,
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt}); err != nil {
		return nil, err
	}
	u.Role = kam.Role(role)
	u.Active = active != 0
	return &u, nil
}

func (s *UserService) findUser(ctx context.Context, c conn, where string, arg any) (*kam.User, error) {
	u, err := scanUser(c.queryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kam.Errorf(kam.ENotFound, "user not found")
	}
	return u, err
}

// FindUserByID returns a user. Any logged-in user may read names and roles of colleagues.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*kam.User, error) {
	return s.findUser(ctx, s.db.reader(), "u.id = ?", id)
}

// FindUserByEmail returns a user by e-mail (case-insensitive).
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*kam.User, error) {
	return s.findUser(ctx, s.db.reader(), "u.email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// FindUsers lists users by name.
func (s *UserService) FindUsers(ctx context.Context, f kam.UserFilter) ([]*kam.User, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.Role != "" {
		where = append(where, "u.role = ?")
		args = append(args, string(f.Role))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, "(u.name LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\')")
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like)
	}
	w := strings.Join(where, " AND ")
	c := s.db.reader()
	var total int
	if err := c.queryRow(ctx, "SELECT count(*) FROM users u WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	rows, err := c.query(ctx, "SELECT "+userColumns+" FROM users u WHERE "+w+" ORDER BY u.name, u.id LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	users := []*kam.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		users = append(users, u)
	}
	return users, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// pageBounds applies the default (20) and maximum (1000) page size.
func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 20
	}
	if limit > 1000 {
		limit = 1000
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

func (s *UserService) checkSupervisor(tx *Tx, u *kam.User) error {
	if u.SupervisorID == nil {
		return nil
	}
	if *u.SupervisorID == u.ID {
		return &kam.Error{Code: kam.EInvalid, Message: "validation failed", Fields: []kam.FieldError{{Field: "supervisor_id", Code: "self_parent", Message: "a user cannot supervise themselves"}}}
	}
	var role string
	err := tx.QueryRow("SELECT role FROM users WHERE id = ?", *u.SupervisorID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return &kam.Error{Code: kam.EInvalid, Message: "validation failed", Fields: []kam.FieldError{{Field: "supervisor_id", Code: "not_found", Message: "no such user"}}}
	}
	return err
}

// CreateUser stores a new user. Only admins create users (the CLI acts as kam.System).
func (s *UserService) CreateUser(ctx context.Context, u *kam.User, password string) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanAdministerUsers(a) {
		return kam.Errorf(kam.EForbidden, "only an admin may create users")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	hash := ""
	if password != "" {
		if err := kam.ValidatePassword(u.Email, password); err != nil {
			return err
		}
		if hash, err = hashPassword(password); err != nil {
			return err
		}
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.checkSupervisor(tx, u); err != nil {
		return err
	}
	u.Active = true
	u.Version = 1
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	err = tx.QueryRow(`INSERT INTO users (email, name, role, supervisor_id, password_hash, active, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id`,
		u.Email, u.Name, string(u.Role), idArg(u.SupervisorID), hash, s.db.timeArg(tx.now), s.db.timeArg(tx.now)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return &kam.Error{Code: kam.EConflict, Message: "a user with this e-mail exists", Fields: []kam.FieldError{{Field: "email", Code: "taken", Message: "is already used by another user"}}}
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateUser changes a user's name, role, supervisor or active flag (admins only).
func (s *UserService) UpdateUser(ctx context.Context, id, version int64, apply func(*kam.User) error) (*kam.User, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !kam.CanAdministerUsers(a) {
		return nil, kam.Errorf(kam.EForbidden, "only an admin may change users")
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := s.findUser(ctx, tx.conn, "u.id = ?", id)
	if err != nil {
		return nil, err
	}
	if cur.Version != version {
		return nil, kam.Errorf(kam.EPreconditionFailed, "the user was changed by someone else (version %d, yours %d)", cur.Version, version)
	}
	u := *cur
	if err := apply(&u); err != nil {
		return nil, err
	}
	u.ID, u.Version, u.CreatedAt = cur.ID, cur.Version, cur.CreatedAt
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkSupervisor(tx, &u); err != nil {
		return nil, err
	}
	active := 0
	if u.Active {
		active = 1
	}
	res, err := tx.Exec(`UPDATE users SET email = ?, name = ?, role = ?, supervisor_id = ?, active = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, u.Email, u.Name, string(u.Role), idArg(u.SupervisorID), active, s.db.timeArg(tx.now), id, version)
	if isUniqueViolation(err) {
		return nil, &kam.Error{Code: kam.EConflict, Message: "a user with this e-mail exists", Fields: []kam.FieldError{{Field: "email", Code: "taken", Message: "is already used by another user"}}}
	}
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, kam.Errorf(kam.EPreconditionFailed, "the user was changed by someone else")
	}
	if !u.Active && cur.Active {
		if err := endSessionsAndTokens(tx, id); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.tokens.forget(id)
	u.Version++
	u.UpdatedAt = tx.now
	return &u, nil
}

// endSessionsAndTokens ends every session of a user and revokes their live tokens: after a
// password change or a deactivation nothing issued before may act for them.
func endSessionsAndTokens(tx *Tx, userID int64) error {
	if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return err
	}
	_, err := tx.Exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", tx.db.timeArg(tx.now), userID)
	return err
}

// SetPassword sets a user's password and ends their sessions and tokens.
func (s *UserService) SetPassword(ctx context.Context, id int64, password string) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanAdministerUsers(a) && a.UserID != id {
		return kam.Errorf(kam.EForbidden, "you may only change your own password")
	}
	u, err := s.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := kam.ValidatePassword(u.Email, password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.db.timeArg(tx.now), id); err != nil {
		return err
	}
	if err := endSessionsAndTokens(tx, id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.tokens.forget(id)
	return nil
}

// dummyHash is checked when the e-mail is unknown, so that the answer takes as long as for a
// wrong password and does not reveal which e-mails exist.
var dummyHash, _ = hashPassword("not a real password, only for timing")

// Authenticate checks an e-mail and password.
func (s *UserService) Authenticate(ctx context.Context, email, password string) (*kam.User, error) {
	bad := kam.Errorf(kam.EUnauthorized, "wrong e-mail or password")
	if len(password) > kam.MaxPasswordLen || len(email) > kam.MaxEmailLen {
		return nil, bad
	}
	var hash string
	var id int64
	err := s.db.reader().queryRow(ctx, "SELECT id, password_hash FROM users WHERE email = ? AND active = 1",
		strings.ToLower(strings.TrimSpace(email))).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash == "") {
		checkPassword(dummyHash, password)
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	ok, err := checkPassword(hash, password)
	if err != nil || !ok {
		return nil, bad
	}
	return s.FindUserByID(ctx, id)
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a session for a user. Every login gets a new secret (the UI also ends
// the session it replaces), so a session id planted before login is worth nothing after it.
func (s *UserService) CreateSession(ctx context.Context, userID int64) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	// Ended sessions are removed as new ones start, so the table does not grow without bound.
	if _, err := tx.Exec("DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?",
		s.db.timeArg(tx.now), s.db.timeArg(tx.now.Add(-s.SessionIdle))); err != nil {
		return "", err
	}
	if _, err := tx.Exec("INSERT INTO sessions (secret_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		secretHash(secret), userID, s.db.timeArg(tx.now), s.db.timeArg(tx.now), s.db.timeArg(tx.now.Add(s.SessionMax))); err != nil {
		return "", err
	}
	return secret, tx.Commit()
}

// SessionUser returns the user of a live session: not idle for SessionIdle, not older than
// SessionMax, its user active.
func (s *UserService) SessionUser(ctx context.Context, secret string) (*kam.User, error) {
	bad := kam.Errorf(kam.EUnauthorized, "session expired; please log in again")
	if !kam.ValidSecret(secret) {
		return nil, bad
	}
	var created, lastSeen, expires time.Time
	row := s.db.reader().queryRow(ctx, "SELECT s.created_at, s.last_seen_at, s.expires_at, "+userColumns+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ? AND u.active = 1", secretHash(secret))
	var u kam.User
	var active int64
	var role string
	err := row.Scan(timeScan{&created}, timeScan{&lastSeen}, timeScan{&expires}, &u.ID, &u.Email, &u.Name, &role, nullID{&u.SupervisorID}, &active, &u.Version,
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	u.Role, u.Active = kam.Role(role), true
	now := s.db.Now().UTC()
	if !now.Before(expires) || now.Sub(created) >= s.SessionMax || now.Sub(lastSeen) >= s.SessionIdle {
		return nil, bad
	}
	if now.Sub(lastSeen) >= sessionTouch {
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind("UPDATE sessions SET last_seen_at = ? WHERE secret_hash = ?"),
			s.db.timeArg(now), secretHash(secret)); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// DeleteSession ends a session (logout).
func (s *UserService) DeleteSession(ctx context.Context, secret string) error {
	if !kam.ValidSecret(secret) {
		return nil
	}
	_, err := s.db.write.ExecContext(ctx, s.db.rebind("DELETE FROM sessions WHERE secret_hash = ?"), secretHash(secret))
	return err
}

// tokenTouch limits how often a token's last use is written, to once a minute.
const tokenTouch = time.Minute

const tokenColumns = "t.id, t.user_id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at"

func tokenScans(t *kam.Token) []any {
	return []any{&t.ID, &t.UserID, &t.Name, &t.Scope, timeScan{&t.CreatedAt}, timeScan{&t.ExpiresAt},
		nullTime{&t.LastUsedAt}, nullTime{&t.RevokedAt}}
}

// CreateToken creates an API token. Admins create tokens for anyone, others for themselves.
func (s *UserService) CreateToken(ctx context.Context, nt kam.NewToken) (*kam.Token, string, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, "", err
	}
	if !kam.CanAdministerUsers(a) && a.UserID != nt.UserID {
		return nil, "", kam.Errorf(kam.EForbidden, "you may only create tokens for yourself")
	}
	if err := nt.Validate(); err != nil {
		return nil, "", err
	}
	u, err := s.FindUserByID(ctx, nt.UserID)
	if err != nil {
		return nil, "", err
	}
	if !u.Active {
		return nil, "", &kam.Error{Code: kam.EInvalid, Message: "validation failed", Fields: []kam.FieldError{{Field: "user", Code: "inactive", Message: "the user is no longer active"}}}
	}
	secret, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	token := TokenPrefix + secret
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	t := &kam.Token{UserID: nt.UserID, Name: nt.Name, Scope: nt.Scope, CreatedAt: tx.now, ExpiresAt: tx.now.Add(nt.TTL)}
	if err := tx.QueryRow("INSERT INTO api_tokens (user_id, token_hash, name, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		t.UserID, secretHash(token), t.Name, string(t.Scope), s.db.timeArg(t.CreatedAt), s.db.timeArg(t.ExpiresAt)).Scan(&t.ID); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", err
	}
	return t, token, nil
}

// TokenUser returns the user and record of a valid token. A verified token is cached for
// TokenCacheTTL; its last use is written at most once a minute.
func (s *UserService) TokenUser(ctx context.Context, token string) (*kam.User, *kam.Token, error) {
	bad := kam.Errorf(kam.EUnauthorized, "invalid, expired or revoked token")
	if !kam.ValidTokenForm(token) {
		return nil, nil, bad
	}
	hash := secretHash(token)
	now := s.db.Now()
	if u, t, ok := s.tokens.get(hash, now); ok {
		return u, t, nil
	}
	var t kam.Token
	var u kam.User
	var active int64
	var role string
	row := s.db.reader().queryRow(ctx, "SELECT "+tokenColumns+", "+userColumns+
		" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND u.active = 1", hash)
	err := row.Scan(append(tokenScans(&t), &u.ID, &u.Email, &u.Name, &role, nullID{&u.SupervisorID}, &active, &u.Version,
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	if !t.Live(now) {
		return nil, nil, bad
	}
	u.Role, u.Active = kam.Role(role), true
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouch {
		if _, err := s.db.write.ExecContext(ctx, s.db.rebind("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"),
			s.db.timeArg(now), t.ID); err != nil {
			return nil, nil, err
		}
		used := now.UTC()
		t.LastUsedAt = &used
	}
	s.tokens.put(hash, &u, &t, now)
	return &u, &t, nil
}

// FindTokens lists a user's tokens, newest first: for the user themselves or an admin.
func (s *UserService) FindTokens(ctx context.Context, userID int64) ([]*kam.Token, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !kam.CanAdministerUsers(a) && a.UserID != userID {
		return nil, kam.Errorf(kam.EForbidden, "you may only list your own tokens")
	}
	rows, err := s.db.reader().query(ctx, "SELECT "+tokenColumns+" FROM api_tokens t WHERE t.user_id = ? ORDER BY t.id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.Token{}
	for rows.Next() {
		t := &kam.Token{}
		if err := rows.Scan(tokenScans(t)...); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token at once, in this process's cache too (other processes within
// TokenCacheTTL). Its owner or an admin may revoke it; for anyone else it does not exist.
func (s *UserService) RevokeToken(ctx context.Context, id int64) (*kam.Token, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t := &kam.Token{}
	err = tx.QueryRow("SELECT "+tokenColumns+" FROM api_tokens t WHERE t.id = ?", id).Scan(tokenScans(t)...)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !kam.CanAdministerUsers(a) && t.UserID != a.UserID) {
		return nil, kam.Errorf(kam.ENotFound, "token not found")
	}
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, kam.Errorf(kam.EConflict, "the token was already revoked at %s", t.RevokedAt.Format(time.RFC3339))
	}
	if _, err := tx.Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", s.db.timeArg(tx.now), id); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.tokens.forgetToken(id)
	at := tx.now.UTC()
	t.RevokedAt = &at
	return t, nil
}
