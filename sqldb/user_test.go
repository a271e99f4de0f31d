package sqldb_test

import (
	"context"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func mustToken(t *testing.T, users *sqldb.UserService, ctx context.Context, nt kam.NewToken) (*kam.Token, string) {
	t.Helper()
	rec, tok, err := users.CreateToken(ctx, nt)
	if err != nil {
		t.Fatal(err)
	}
	return rec, tok
}

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
		rec, tok := mustToken(t, users, ctx, kam.NewToken{UserID: u.ID, Name: "script", TTL: time.Hour})
		if rec.Scope != kam.TokenReadWrite || rec.Name != "script" || !rec.ExpiresAt.Equal(clock.Add(time.Hour)) {
			t.Errorf("token record %+v", rec)
		}
		other1 := "A" // a token with its last character changed (to one it does not already have)
		if tok[len(tok)-1] == 'A' {
			other1 = "B"
		}
		for _, bad := range []string{"", "kam_", tok[:len(tok)-1] + other1, "Bearer " + tok, tok + "x", "kam_" + string(make([]byte, 43))} {
			if _, _, err := users.TokenUser(ctx, bad); kam.ErrorCodeOf(err) != kam.EUnauthorized {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		for _, s := range []*sqldb.UserService{users, other} {
			if got, tr, err := s.TokenUser(ctx, tok); err != nil || got.ID != u.ID || tr.ID != rec.ID || tr.Scope != kam.TokenReadWrite {
				t.Fatalf("valid token: %v %v %v", got, tr, err)
			}
		}
		list, err := users.FindTokens(kam.WithActor(context.Background(), kam.ActorOf(u)), u.ID)
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(clock) {
			t.Fatalf("own tokens with last use: %+v %v", list, err)
		}
		// Deactivation through one process stops the token there at once …
		if _, err := users.UpdateUser(ctx, u.ID, u.Version, func(u *kam.User) error { u.Active = false; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := users.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("deactivated user's token still works here: %v", err)
		}
		// … and in the other process within the cache's lifetime.
		clock = clock.Add(sqldb.TokenCacheTTL)
		if _, _, err := other.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("deactivated user's token still works elsewhere after %s: %v", sqldb.TokenCacheTTL, err)
		}
		// Deactivation revoked the token: activating the user again does not bring it back.
		cur, _ := users.FindUserByID(ctx, u.ID)
		if _, err := users.UpdateUser(ctx, u.ID, cur.Version, func(u *kam.User) error { u.Active = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := users.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("token of a deactivated user works again after reactivation: %v", err)
		}
		// An expired token is refused even while cached.
		u2 := &kam.User{Email: "wang@example.com", Name: "王", Role: kam.RoleRep}
		if err := users.CreateUser(ctx, u2, "another passphrase"); err != nil {
			t.Fatal(err)
		}
		_, short := mustToken(t, users, ctx, kam.NewToken{UserID: u2.ID, TTL: time.Minute})
		if _, _, err := users.TokenUser(ctx, short); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Minute)
		if _, _, err := users.TokenUser(ctx, short); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("expired token accepted: %v", err)
		}
		// Only admins make tokens for others.
		as2 := kam.WithActor(context.Background(), kam.ActorOf(u2))
		if _, _, err := users.CreateToken(as2, kam.NewToken{UserID: u.ID}); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("rep makes a token for another user: %v", err)
		}
		// Defaults and bounds.
		def, _ := mustToken(t, users, as2, kam.NewToken{UserID: u2.ID, Scope: kam.TokenRead})
		if !def.ExpiresAt.Equal(clock.Add(kam.DefaultTokenTTL)) || def.Scope != kam.TokenRead {
			t.Errorf("default token %+v", def)
		}
		for _, nt := range []kam.NewToken{
			{UserID: u2.ID, TTL: kam.MaxTokenTTL + time.Hour},
			{UserID: u2.ID, TTL: time.Second},
			{UserID: u2.ID, Scope: "admin"},
			{UserID: u2.ID, Name: string(make([]rune, kam.MaxTokenNameLen+1))},
		} {
			if _, _, err := users.CreateToken(as2, nt); kam.ErrorCodeOf(err) != kam.EInvalid || len(kam.FieldErrors(err)) != 1 {
				t.Errorf("bad token %+v: %v", nt, err)
			}
		}
		if _, err := users.FindTokens(as2, u.ID); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("rep lists another's tokens: %v", err)
		}
	})
}

// TestTokenRevokeForgetsCache: a revoked token stops at once in the process that revoked it,
// although a verified token is otherwise trusted from the cache for TokenCacheTTL.
func TestTokenRevokeForgetsCache(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		ctx := kam.WithActor(context.Background(), kam.System)
		users, other := sqldb.NewUserService(db), sqldb.NewUserService(db)
		u := &kam.User{Email: "li@example.com", Name: "李", Role: kam.RoleRep}
		u2 := &kam.User{Email: "zhou@example.com", Name: "周", Role: kam.RoleRep}
		for _, x := range []*kam.User{u, u2} {
			if err := users.CreateUser(ctx, x, "a long passphrase"); err != nil {
				t.Fatal(err)
			}
		}
		asU := kam.WithActor(context.Background(), kam.ActorOf(u))
		rec, tok := mustToken(t, users, asU, kam.NewToken{UserID: u.ID, Name: "ci"})
		_, keep := mustToken(t, users, asU, kam.NewToken{UserID: u.ID, Name: "laptop"})
		for _, s := range []*sqldb.UserService{users, other} {
			if _, _, err := s.TokenUser(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		// Someone else's token does not exist for a rep.
		if _, err := users.RevokeToken(kam.WithActor(context.Background(), kam.ActorOf(u2)), rec.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("another rep revokes the token: %v", err)
		}
		got, err := users.RevokeToken(asU, rec.ID)
		if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(clock) {
			t.Fatalf("revoke: %+v %v", got, err)
		}
		if _, _, err := users.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("revoked token still answered from the cache: %v", err)
		}
		if _, _, err := users.TokenUser(ctx, keep); err != nil {
			t.Errorf("revoking one token stopped another: %v", err)
		}
		clock = clock.Add(sqldb.TokenCacheTTL)
		if _, _, err := other.TokenUser(ctx, tok); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("revoked token works in another process after %s: %v", sqldb.TokenCacheTTL, err)
		}
		if _, err := users.RevokeToken(asU, rec.ID); kam.ErrorCodeOf(err) != kam.EConflict {
			t.Errorf("revoking twice: %v", err)
		}
		list, err := users.FindTokens(asU, u.ID)
		if err != nil || len(list) != 2 || list[0].Name != "laptop" || list[1].RevokedAt == nil {
			t.Errorf("list after revoke: %+v %v", list, err)
		}
		// A password change revokes every token of the user.
		if err := users.SetPassword(asU, u.ID, "a new long passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := users.TokenUser(ctx, keep); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("token survived a password change: %v", err)
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
			email, password, field, code string
		}{
			{"a@example.com", "short", "password", "too_short"},
			{"b@example.com", "b@example.com", "password", "same_as_email"},
			{"c@example.com", "Password123", "password", "common"},
			{"not-an-email", "a long passphrase", "email", "invalid_email"},
		} {
			err := users.CreateUser(ctx, &kam.User{Email: tc.email, Name: "X", Role: kam.RoleRep}, tc.password)
			if fe := kam.FieldErrors(err); len(fe) == 0 || fe[0].Field != tc.field || fe[0].Code != tc.code {
				t.Errorf("%s / %s: %v", tc.email, tc.password, err)
			}
		}
		u := &kam.User{Email: "Zhao@Example.com", Name: "赵", Role: kam.RoleKAM}
		if err := users.CreateUser(ctx, u, "a long passphrase"); err != nil {
			t.Fatal(err)
		}
		if err := users.SetPassword(ctx, u.ID, "qwertyuiop"); kam.ErrorCodeOf(err) != kam.EInvalid {
			t.Errorf("common password set: %v", err)
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
		clock = clock.Add(users.SessionIdle - time.Second) // just within the idle limit
		if _, err := users.SessionUser(ctx, secret); err != nil {
			t.Errorf("session used within the idle limit refused: %v", err)
		}
		clock = clock.Add(users.SessionIdle) // idle too long
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("idle session accepted: %v", err)
		}
		start := clock
		secret, _ = users.CreateSession(ctx, u.ID)
		for clock.Sub(start) < users.SessionMax-users.SessionIdle/2 { // kept alive …
			clock = clock.Add(users.SessionIdle / 2)
			if _, err := users.SessionUser(ctx, secret); err != nil {
				t.Fatalf("active session refused after %s: %v", clock.Sub(start), err)
			}
		}
		clock = start.Add(users.SessionMax) // … but not beyond the absolute limit
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session older than %s accepted: %v", users.SessionMax, err)
		}
		// Logout ends the session on the server.
		secret, _ = users.CreateSession(ctx, u.ID)
		if err := users.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session survived logout: %v", err)
		}
		secret, _ = users.CreateSession(ctx, u.ID)
		if err := users.SetPassword(ctx, u.ID, "a new long passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session survived a password change: %v", err)
		}
		secret, _ = users.CreateSession(ctx, u.ID)
		cur, _ := users.FindUserByID(ctx, u.ID)
		if _, err := users.UpdateUser(ctx, u.ID, cur.Version, func(u *kam.User) error { u.Active = false; return nil }); err != nil {
			t.Fatal(err)
		}
		cur, _ = users.FindUserByID(ctx, u.ID)
		if _, err := users.UpdateUser(ctx, u.ID, cur.Version, func(u *kam.User) error { u.Active = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := users.SessionUser(ctx, secret); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session survived a deactivation: %v", err)
		}
		for _, bad := range []string{"", "x", secret + "=", string(make([]byte, 43)), "../../../../../../../../../../../../etc/pass"} {
			if _, err := users.SessionUser(ctx, bad); kam.ErrorCodeOf(err) != kam.EUnauthorized {
				t.Errorf("malformed session %q: %v", bad, err)
			}
		}
	})
}
