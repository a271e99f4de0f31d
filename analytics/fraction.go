package analytics

import (
	"math/big"
	"math/bits"
)

// Fraction is an exact ratio of two sums of money (a customer's share of a total), kept as its
// numerator and denominator. A portfolio of 100,000 customers has a share and a running share
// per customer: as big.Rat values each would cost an allocation and a GCD, for figures of which
// a page shows fifty. Rat gives the exact value when it is shown.
type Fraction struct {
	Num, Den int64
}

// Rat is the fraction's exact value; a zero denominator reads as 0.
func (f Fraction) Rat() *big.Rat {
	if f.Den == 0 {
		return new(big.Rat)
	}
	return big.NewRat(f.Num, f.Den)
}

// FloatString formats the fraction with n decimals, rounded half away from zero (big.Rat's rule).
func (f Fraction) FloatString(n int) string { return f.Rat().FloatString(n) }

// Cmp compares the fraction with r exactly: -1, 0 or +1. A zero denominator reads as 0.
func (f Fraction) Cmp(r *big.Rat) int {
	if f.Den == 0 {
		return new(big.Rat).Cmp(r)
	}
	if r.Num().IsInt64() && r.Denom().IsInt64() {
		return cmpFrac(f.Num, f.Den, r.Num().Int64(), r.Denom().Int64())
	}
	return f.Rat().Cmp(r)
}

// cmpFrac compares a/b with c/d exactly, for b, d > 0: the cross products in 128 bits.
func cmpFrac(a, b, c, d int64) int {
	return cmp128(mul128(a, d), mul128(c, b))
}

// int128 is a two's-complement 128-bit integer.
type int128 struct {
	hi int64
	lo uint64
}

func mul128(x, y int64) int128 {
	neg := (x < 0) != (y < 0)
	ux, uy := uint64(x), uint64(y)
	if x < 0 {
		ux = -ux
	}
	if y < 0 {
		uy = -uy
	}
	hi, lo := bits.Mul64(ux, uy)
	if neg {
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return int128{int64(hi), lo}
}

func cmp128(a, b int128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}
