package kam

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is what a user does in the sales organisation; it decides what they may see and do.
type Role string

// The roles of SPEC "Who uses it".
const (
	RoleAdmin      Role = "admin"
	RoleDirector   Role = "director"
	RoleSupervisor Role = "supervisor"
	RoleKAM        Role = "kam"
	RoleRep        Role = "rep"
	RoleFinance    Role = "finance"
	RoleService    Role = "service"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleDirector, RoleSupervisor, RoleKAM, RoleRep, RoleFinance, RoleService}

// RoleNames is Roles as strings, for validation messages.
func RoleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

// User is a person who logs in to KAM.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	SupervisorID *int64    `json:"supervisor_id"`
	Active       bool      `json:"active"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Field limits of a user, in characters.
const (
	MaxEmailLen    = 254
	MaxUserNameLen = 100
	MinPasswordLen = 10
	MaxPasswordLen = 1024
)

// Validate checks a user's fields.
func (u *User) Validate() error {
	var v Validation
	u.Email = strings.TrimSpace(strings.ToLower(u.Email))
	u.Name = strings.TrimSpace(u.Name)
	v.Required("email", u.Email)
	v.MaxLen("email", u.Email, MaxEmailLen)
	if u.Email != "" && !v.Has("email") {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			v.Add("email", "invalid_email", "is not an e-mail address")
		}
	}
	v.Required("name", u.Name)
	v.MaxLen("name", u.Name, MaxUserNameLen)
	v.OneOf("role", string(u.Role), RoleNames(), true)
	return v.Err()
}

// UserFilter selects users.
type UserFilter struct {
	Role   Role
	Q      string
	Limit  int
	Offset int
}

// UserService manages users, passwords, sessions and API tokens.
type UserService interface {
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// CreateUser stores u; password may be empty for a user who cannot log in yet.
	CreateUser(ctx context.Context, u *User, password string) error
	UpdateUser(ctx context.Context, id, version int64, apply func(*User) error) (*User, error)
	SetPassword(ctx context.Context, id int64, password string) error
	// Authenticate checks an e-mail and password and returns the user, or EUnauthorized.
	Authenticate(ctx context.Context, email, password string) (*User, error)

	// CreateSession starts a UI session and returns its secret; only its hash is stored.
	CreateSession(ctx context.Context, userID int64) (string, error)
	// SessionUser returns the user of a live session and extends its idle expiry.
	SessionUser(ctx context.Context, secret string) (*User, error)
	DeleteSession(ctx context.Context, secret string) error

	// CreateToken creates an API bearer token and returns it with its record; only its hash is
	// stored. Admins create tokens for anyone, others for themselves.
	CreateToken(ctx context.Context, nt NewToken) (*Token, string, error)
	// TokenUser returns the user and the record of a valid, unexpired, unrevoked token, or
	// EUnauthorized.
	TokenUser(ctx context.Context, token string) (*User, *Token, error)
	// FindTokens lists a user's tokens, newest first (the user themselves, or an admin).
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
	// RevokeToken ends a token at once (its owner, or an admin).
	RevokeToken(ctx context.Context, id int64) (*Token, error)
}

// TokenScope is what an API token may do.
type TokenScope string

// The scopes of API tokens.
const (
	// TokenRead allows only GET and HEAD requests.
	TokenRead TokenScope = "read"
	// TokenReadWrite allows everything the user may do.
	TokenReadWrite TokenScope = "read-write"
)

// Token lifetimes and limits.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 365 * 24 * time.Hour
	MaxTokenNameLen = 100
)

// Token is an API bearer token as its owner sees it: never the secret, never its hash.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Live reports whether the token still authenticates at now.
func (t *Token) Live(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// NewToken asks for a token: its owner, label, scope and lifetime (0: DefaultTokenTTL).
type NewToken struct {
	UserID int64
	Name   string
	Scope  TokenScope
	TTL    time.Duration
}

// Validate fills the defaults and checks the fields.
func (nt *NewToken) Validate() error {
	var v Validation
	nt.Name = strings.TrimSpace(nt.Name)
	v.MaxLen("name", nt.Name, MaxTokenNameLen)
	if nt.Scope == "" {
		nt.Scope = TokenReadWrite
	}
	v.OneOf("scope", string(nt.Scope), []string{string(TokenRead), string(TokenReadWrite)}, true)
	if nt.TTL == 0 {
		nt.TTL = DefaultTokenTTL
	}
	if nt.TTL < time.Minute || nt.TTL > MaxTokenTTL {
		v.Add("expires", "out_of_range", "must be between 1 minute and %d days", int(MaxTokenTTL/(24*time.Hour)))
	}
	return v.Err()
}

// TokenPrefix marks KAM API tokens so that they are recognisable in secret scanners.
const TokenPrefix = "kam_"

// ValidSecret reports whether s has the form of a session secret or of the secret part of a
// token (43 characters of unpadded base64url, 256 random bits), so that malformed cookies and
// headers are refused before any hashing or query.
func ValidSecret(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ValidTokenForm reports whether token has the form of an API token: the prefix and a secret.
func ValidTokenForm(token string) bool {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	return ok && ValidSecret(rest)
}

// Actor is the authenticated user a request or command acts for.
type Actor struct {
	UserID int64
	Email  string
	Name   string
	Role   Role
}

// ActorOf returns the actor for a user.
func ActorOf(u *User) *Actor {
	return &Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// System is the actor for work that no person started (migrations, demo loading, jobs).
var System = &Actor{UserID: 0, Name: "system", Role: RoleAdmin}
