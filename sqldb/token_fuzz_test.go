package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// FuzzTokenUser: the token lookup takes any string from a bearer header. Anything but the one
// real token is refused as unauthorized (never another error, never a user), whatever its
// length or bytes; malformed tokens are refused before the database is asked.
func FuzzTokenUser(f *testing.F) {
	db := sqldbtest.Open(f, sqldb.SQLite)
	users := sqldb.NewUserService(db)
	ctx := kam.WithActor(context.Background(), kam.System)
	u := &kam.User{Email: "fuzz@example.com", Name: "fuzz", Role: kam.RoleRep}
	if err := users.CreateUser(ctx, u, "a long passphrase"); err != nil {
		f.Fatal(err)
	}
	_, real, err := users.CreateToken(ctx, kam.NewToken{UserID: u.ID})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "kam_", real[:len(real)-1], real + "A", strings.ToUpper(real), "kam_" + strings.Repeat("A", 43),
		"kam_" + strings.Repeat("=", 43), "' OR 1=1 --" + strings.Repeat("x", 36), "kam_" + strings.Repeat("é", 22), strings.Repeat("k", 10000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		got, rec, err := users.TokenUser(context.Background(), token)
		if token == real {
			if err != nil || got.ID != u.ID || rec == nil {
				t.Fatalf("the real token: %v", err)
			}
			return
		}
		if kam.ErrorCodeOf(err) != kam.EUnauthorized || got != nil || rec != nil {
			t.Fatalf("token %q: %v %v", token, got, err)
		}
	})
}
