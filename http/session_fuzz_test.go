package kamhttp

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"kam"
	"kam/locale"
)

// FuzzBearerToken: the Authorization header parser never panics, bounds its work by the
// header's length limit, and answers only tokens without spaces or control characters.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"", "Bearer", "Bearer ", "Bearer kam_" + strings.Repeat("A", 43), "bearer  kam_x", "BEARER\tkam_x",
		"Basic dXNlcjpwYXNz", "Bearer a b", "Bearer \x00", "Bearer " + strings.Repeat("x", 300), "Bearer kam_é", " Bearer tok "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := bearerToken(h)
		if !ok {
			if tok != "" {
				t.Fatalf("refused header %q answered token %q", h, tok)
			}
			return
		}
		if len(h) > maxAuthorizationLen || tok == "" || len(tok) > len(h) {
			t.Fatalf("header %q answered %q", h, tok)
		}
		for i := 0; i < len(tok); i++ {
			if tok[i] <= ' ' || tok[i] >= 0x7f {
				t.Fatalf("token %q holds byte %#x", tok, tok[i])
			}
		}
		if kam.ValidTokenForm(tok) && (len(tok) != len(kam.TokenPrefix)+43 || !strings.HasPrefix(tok, kam.TokenPrefix)) {
			t.Fatalf("token form accepted %q", tok)
		}
	})
}

// FuzzCookies: the session, login, language and flash cookie parsers read any Cookie header
// without panicking and answer only what KAM writes: a well-formed secret or nothing, a known
// language, a catalog notice or nothing.
func FuzzCookies(f *testing.F) {
	secret := randomToken()
	for _, s := range []string{"", "kam_session=" + secret, "kam_session=" + secret + "; kam_login=" + secret,
		"kam_session=x; kam_lang=en; kam_flash=flash.logged_out", "kam_lang=" + strings.Repeat("e", 100), "kam_flash=flash.<script>",
		"kam_session=\"" + secret + "\"", "kam_session=" + strings.Repeat("A", 42) + "=", "kam_lang=en-US;kam_lang=zh", ";;;=;", "kam_flash=errpage.internal",
		"kam_session=%00" + secret[3:]} {
		f.Add(s)
	}
	zh, en := locale.New(locale.ZH), locale.New(locale.EN)
	f.Fuzz(func(t *testing.T, header string) {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", header)
		for _, name := range []string{sessionCookie, loginCookie} {
			if v := secretCookie(r, name); v != "" && !kam.ValidSecret(v) {
				t.Fatalf("%s: accepted %q", name, v)
			}
		}
		if l := langOf(r); l != locale.ZH && l != locale.EN {
			t.Fatalf("language %q", l)
		}
		if c, err := r.Cookie(flashCookie); err == nil {
			for _, L := range []*locale.Printer{zh, en} {
				msg := parseFlash(L, c.Value)
				if msg != "" && (!strings.HasPrefix(c.Value, "flash.") || msg != L.T(c.Value)) {
					t.Fatalf("flash %q shown as %q", c.Value, msg)
				}
			}
		}
		if !utf8.ValidString(langOf(r)) {
			t.Fatal("language is not UTF-8")
		}
	})
}
