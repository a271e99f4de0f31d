package kam

import "testing"

func TestValidateCreditCode(t *testing.T) {
	cases := []struct {
		code string
		ok   bool
	}{
		{"91350100M000100Y43", true},  // a code printed on a real business licence
		{"91110108551385082Q", true},  // another published one
		{"91350100M000100Y44", false}, // wrong check character
		{"91350100M000100Y4", false},  // too short
		{"91350100M000100Y433", false},
		{"91350100M00010OY43", false}, // O is not in the alphabet
		{"9135A100M000100Y43", false}, // division code must be digits
		{"91350100m000100y43", false}, // lower case (callers upper-case first)
		{"", false},
	}
	for _, tc := range cases {
		err := ValidateCreditCode(tc.code)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v, want ok=%v", tc.code, err, tc.ok)
		}
	}
}

func TestCreditCodeCheckCharRoundTrip(t *testing.T) {
	for _, first := range []string{"91440300MA5F000000", "11100000000013127", "52110000500021676"} {
		first = first[:17]
		c, err := CreditCodeCheckChar(first)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateCreditCode(first + string(c)); err != nil {
			t.Errorf("%s%c: %v", first, c, err)
		}
	}
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91110108551385082Q", "", "ZZZZZZZZZZZZZZZZZZ", "91350100M000100Y4\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateCreditCode(s)
		if err != nil {
			return
		}
		// Whatever passes is 18 characters of the alphabet whose check character recomputes.
		if len(s) != 18 {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		c, cerr := CreditCodeCheckChar(s[:17])
		if cerr != nil || c != s[17] {
			t.Fatalf("accepted %q with check %c", s, c)
		}
	})
}
