package sqldb_test

import (
	"context"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func TestTokens(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		ctx := kam.WithActor(context.Background(), kam.System)
		users, other := sqldb.NewUserService(db), sqldb.NewUserService(db) // other stands for a second process
		u := &kam.User{Email: "li@example.com", Name: "李", Role: kam.RoleRep}
		if err := users.CreateUser(ctx, u, "a long passphrase"); err != nil {
			t.Fatal(err)
		}
		tok, err := users.CreateToken(ctx, u.ID, "script", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		other1 := "A" // a token with its last character changed (to one it does not already have)
		if tok[len(tok)-1] == 'A' {
			other1 = "B"
		}
		for _, bad := range []string{"", "kam_", tok[:len(tok)-1] + other1, "Bearer " + tok, tok + "x"} {
			if _, err := users.TokenUser(ctx, bad); kam.ErrorCodeOf(err) != kam.EUnauthorized {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		for _, s := range []*sqldb.UserService{users, other} {
			if got, err := s.TokenUser(ctx, tok); err != nil || got.ID != u.ID {
				t.Fatalf("valid token: %v %v", got, err)
			}
		}
		// Deactivation through one process stops the token there at once …
		if _, err := users.UpdateUser(ctx, u.ID, u.Version, func(u *kam.User) error { u.Active = false; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := users.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("deactivated user's token still works here: %v", err)
		}
		// … and in the other process within the cache's lifetime.
		clock = clock.Add(sqldb.TokenCacheTTL)
		if _, err := other.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("deactivated user's token still works elsewhere after %s: %v", sqldb.TokenCacheTTL, err)
		}
		// An expired token is refused even while cached.
		u2 := &kam.User{Email: "wang@example.com", Name: "王", Role: kam.RoleRep}
		if err := users.CreateUser(ctx, u2, "another passphrase"); err != nil {
			t.Fatal(err)
		}
		short, err := users.CreateToken(ctx, u2.ID, "", 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := users.TokenUser(ctx, short); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(2 * time.Second)
		if _, err := users.TokenUser(ctx, short); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("expired token accepted: %v", err)
		}
		// Only admins make tokens for others.
		if _, err := users.CreateToken(kam.WithActor(context.Background(), kam.ActorOf(u2)), u.ID, "", time.Hour); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("rep makes a token for another user: %v", err)
		}
	})
}

func TestPasswordsAndSessions(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		ctx := kam.WithActor(context.Background(), kam.System)
		users := sqldb.NewUserService(db)
		for _, tc := range []struct {
			email, password, field string
		}{
			{"a@example.com", "short", "password"},
			{"b@example.com", "b@example.com", "password"},
			{"not-an-email", "a long passphrase", "email"},
		} {
			err := users.CreateUser(ctx, &kam.User{Email: tc.email, Name: "X", Role: kam.RoleRep}, tc.password)
			if fe := kam.FieldErrors(err); len(fe) == 0 || fe[0].Field != tc.field {
				t.Errorf("%s / %s: %v", tc.email, tc.password, err)
			}
		}
		u := &kam.User{Email: "Zhao@Example.com", Name: "赵", Role: kam.RoleKAM}
		if err := users.CreateUser(ctx, u, "a long passphrase"); err != nil {
			t.Fatal(err)
		}
		if err := users.CreateUser(ctx, &kam.User{Email: "zhao@example.com", Name: "赵二", Role: kam.RoleRep}, ""); kam.ErrorCodeOf(err) != kam.EConflict {
			t.Errorf("duplicate e-mail: %v", err)
		}
		if _, err := users.Authenticate(ctx, "zhao@example.com", "wrong passphrase"); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := users.Authenticate(ctx, "nobody@example.com", "a long passphrase"); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("unknown user: %v", err)
		}
		got, err := users.Authenticate(ctx, " ZHAO@example.com ", "a long passphrase")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %v %v", got, err)
		}
		secret, err := users.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := users.SessionUser(ctx, secret); err != nil || s.ID != u.ID {
			t.Fatalf("session: %v %v", s, err)
		}
		clock = clock.Add(sqldb.SessionIdle) // idle too long
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("idle session accepted: %v", err)
		}
		secret, _ = users.CreateSession(ctx, u.ID)
		for i := 0; i < 30; i++ { // kept alive, but not beyond the absolute limit
			clock = clock.Add(sqldb.SessionIdle / 2)
			users.SessionUser(ctx, secret)
		}
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session older than %s accepted: %v", sqldb.SessionMax, err)
		}
		secret, _ = users.CreateSession(ctx, u.ID)
		if err := users.SetPassword(ctx, u.ID, "a new long passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session survived a password change: %v", err)
		}
	})
}
