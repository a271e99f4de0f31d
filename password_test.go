package kam

import "testing"

func TestValidatePassword(t *testing.T) {
	for _, c := range []struct {
		email, password, code string
	}{
		{"li.na@example.com", "a long passphrase 42", ""},
		{"li.na@example.com", "short", "too_short"},
		{"li.na@example.com", "LI.NA@example.com", "same_as_email"},
		{"lina.zhang@example.com", "Lina.Zhang", "same_as_email"},
		{"li.na@example.com", "Password123", "common"},
		{"li.na@example.com", "WOAINI1314", "common"},
		{"li.na@example.com", "  qwertyuiop  ", "common"},
		{"li.na@example.com", "1234567890", "common"},
		{"li.na@example.com", "zhangwei123", "common"},
	} {
		err := ValidatePassword(c.email, c.password)
		got := ""
		if fe := FieldErrors(err); len(fe) == 1 && fe[0].Field == "password" {
			got = fe[0].Code
		} else if err != nil {
			t.Errorf("%q: unexpected error %v", c.password, err)
			continue
		}
		if got != c.code {
			t.Errorf("ValidatePassword(%q, %q) = %q, want %q", c.email, c.password, got, c.code)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	if len(commonPasswords) == 0 {
		t.Fatal("the common password list is empty")
	}
	IsCommonPassword("")
	if n := len(commonSet); n < 3000 {
		t.Fatalf("the common password list holds %d entries, want a few thousand", n)
	}
	for p := range commonSet {
		if len([]rune(p)) < MinPasswordLen {
			t.Errorf("%q is shorter than the minimum length: it could never be chosen", p)
		}
	}
}
