package analytics

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// cmpFrac must agree with big.Rat on every sign and near the int64 limits, where the cross
// products overflow 64 bits.
func TestCmpFracAgreesWithBigRat(t *testing.T) {
	edge := []int64{math.MinInt64, math.MinInt64 + 1, -1 << 40, -3, -1, 0, 1, 2, 3, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}
	pos := []int64{1, 2, 3, 7, 100, 10000, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}
	check := func(a, b, c, d int64) {
		want := big.NewRat(a, b).Cmp(big.NewRat(c, d))
		if got := cmpFrac(a, b, c, d); got != want {
			t.Fatalf("cmpFrac(%d/%d, %d/%d) = %d, want %d", a, b, c, d, got, want)
		}
		if got := (Fraction{a, b}).Cmp(big.NewRat(c, d)); got != want {
			t.Fatalf("Fraction{%d, %d}.Cmp(%d/%d) = %d, want %d", a, b, c, d, got, want)
		}
	}
	for _, a := range edge {
		for _, b := range pos {
			for _, c := range edge {
				for _, d := range pos {
					check(a, b, c, d)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		check(r.Int64()-math.MaxInt64/2, r.Int64N(math.MaxInt64)+1, r.Int64()-math.MaxInt64/2, r.Int64N(math.MaxInt64)+1)
	}
	if (Fraction{}).Cmp(big.NewRat(1, 2)) != -1 || (Fraction{5, 0}).Rat().Sign() != 0 {
		t.Fatal("a zero denominator must read as 0")
	}
}
