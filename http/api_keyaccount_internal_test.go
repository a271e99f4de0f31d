package kamhttp

import (
	"math/big"
	"strings"
	"testing"

	"kam/analytics"
)

// TestByTotal: highest total first, exactly (totals a hair apart stay apart), equal totals by
// code, customers without a total last.
func TestByTotal(t *testing.T) {
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	ks := []analytics.KeyAccount{
		{Code: "C5"},
		{Code: "C4", Total: r(7, 3)},
		{Code: "C3", Total: r(233333, 100000)},
		{Code: "C2", Total: r(14, 6)},
		{Code: "C1"},
		{Code: "C0", Total: r(5, 1)},
		{Code: "C6", Total: r(1, 1)},
	}
	var got []string
	for _, k := range byTotal(ks) {
		got = append(got, k.Code)
	}
	if want := "C0 C2 C4 C3 C6 C1 C5"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
	if len(byTotal(nil)) != 0 {
		t.Error("an empty scorecard orders to something")
	}
}
