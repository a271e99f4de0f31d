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

// ValidatePassword checks a new password against the minimum rules.
func ValidatePassword(email, password string) error {
	var v Validation
	n := len([]rune(password))
	switch {
	case n < MinPasswordLen:
		v.Add("password", "too_short", "must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		v.Add("password", "too_long", "must be at most %d characters", MaxPasswordLen)
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		v.Add("password", "same_as_email", "must not be the e-mail address")
	}
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

	// CreateToken creates an API bearer token and returns it; only its hash is stored.
	CreateToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, error)
	// TokenUser returns the user of a valid, unexpired, unrevoked token, or EUnauthorized.
	TokenUser(ctx context.Context, token string) (*User, error)
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
