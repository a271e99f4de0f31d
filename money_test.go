package kam

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func TestLineAmount(t *testing.T) {
	cases := []struct {
		q        Quantity
		price    Money
		discount Money
		want     Money
		err      error
	}{
		{10000, 125000, 0, 1250000, nil},         // 10 × 12.5
		{2500, 123456, 0, 308640, nil},           // 2.5 × 12.3456 = 30.864
		{1, 5, 0, 0, nil},                        // 0.001 × 0.0005 rounds to 0
		{1, 5000, 0, 5, nil},                     // 0.001 × 0.5 = 0.0005, half away from zero
		{-1, 5000, 0, -5, nil},                   // and for returns
		{3000, 33333, 10000, 99999 - 10000, nil}, // 3 × 3.3333 − 1
		{-2000, 100000, 0, -200000, nil},         // a return
		{math.MaxInt64, math.MaxInt64, 0, 0, ErrOverflow},
	}
	for _, c := range cases {
		got, err := LineAmount(c.q, c.price, c.discount)
		if !errors.Is(err, c.err) || (err == nil && got != c.want) {
			t.Errorf("LineAmount(%s, %s, %s) = %s, %v; want %s, %v", c.q, c.price, c.discount, got, err, c.want, c.err)
		}
	}
}

// TestSumsDoNotDrift adds a million line amounts of a price with four decimals: the stored sum is
// the exact sum, as big rationals compute it.
func TestSumsDoNotDrift(t *testing.T) {
	var sum Money
	exact := new(big.Rat)
	for i := 1; i <= 1_000_000; i++ {
		a, err := LineAmount(Quantity(i%997*1000+333), Money(123457+i%10), 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum, err = sum.Add(a); err != nil {
			t.Fatal(err)
		}
		exact.Add(exact, a.Rat())
	}
	if sum.Rat().Cmp(exact) != 0 {
		t.Fatalf("sum %s, exact %s", sum, exact.FloatString(4))
	}
}

func TestMoneyText(t *testing.T) {
	cases := []struct {
		m    Money
		want string
	}{{0, "0.00"}, {12345000, "1234.50"}, {1234, "0.1234"}, {-30000, "-3.00"}, {math.MinInt64 + 1, "-922337203685477.5807"}}
	for _, c := range cases {
		if got := c.m.String(); got != c.want {
			t.Errorf("%d: %q, want %q", int64(c.m), got, c.want)
		}
		back, err := ParseFixed(c.want, MoneyScale)
		if err != nil || Money(back) != c.m {
			t.Errorf("ParseFixed(%q) = %d, %v", c.want, back, err)
		}
	}
	if got := Quantity(12500).String(); got != "12.5" {
		t.Errorf("quantity %q", got)
	}
	if got := Rate(7123400).String(); got != "7.1234" {
		t.Errorf("rate %q", got)
	}
}

func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"0", "-12.5", "1234.5678", "1.23456", "+3", ".5", "5.", "", "-", "1e5", "9223372036854775807", "922337203685477.5808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseFixed(s, MoneyScale)
		if err != nil {
			return
		}
		back, err := ParseFixed(Money(v).String(), MoneyScale)
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, Money(v).String(), back, err)
		}
	})
}
