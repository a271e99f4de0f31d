package kam

import (
	"errors"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an amount in ten-thousandths of its currency unit (4 decimals, like SQL Server's
// money): unit prices and line amounts are exact and sums never drift. 1 yuan = MoneyUnit.
type Money int64

// Quantity is a quantity in thousandths of its unit of measure.
type Quantity int64

// Rate is an exchange rate in millionths (7.123456 = Rate(7123456)).
type Rate int64

// Scales of the fixed-point types, as powers of ten.
const (
	MoneyScale    = 4
	QuantityScale = 3
	RateScale     = 6
	MoneyUnit     = Money(10000)
	OneRate       = Rate(1000000)
)

// ErrOverflow is returned when a calculation leaves the range of int64.
var ErrOverflow = errors.New("amount too large")

// formatFixed writes v with scale decimals, dropping trailing zeros below minDecimals.
func formatFixed(v int64, scale, minDecimals int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	whole, frac := s[:len(s)-scale], s[len(s)-scale:]
	for len(frac) > minDecimals && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// String formats the amount as a plain decimal with a dot and at least two decimals
// ("1234.50", "0.1234", "-3.00"): the form exports and the API use.
func (m Money) String() string { return formatFixed(int64(m), MoneyScale, 2) }

// String formats the quantity without trailing zeros ("12.5", "3").
func (q Quantity) String() string { return formatFixed(int64(q), QuantityScale, 0) }

// String formats the rate without trailing zeros ("7.1234", "1").
func (r Rate) String() string { return formatFixed(int64(r), RateScale, 0) }

// MarshalJSON writes money as a decimal string: JSON numbers are floats to most readers.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(`"` + m.String() + `"`), nil }

// MarshalJSON writes the quantity as a decimal string.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(`"` + q.String() + `"`), nil }

// MarshalJSON writes the rate as a decimal string.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads a decimal string or a JSON number, exactly.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := parseJSONFixed(b, MoneyScale)
	*m = Money(v)
	return err
}

// UnmarshalJSON reads a decimal string or a JSON number, exactly.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := parseJSONFixed(b, QuantityScale)
	*q = Quantity(v)
	return err
}

func parseJSONFixed(b []byte, scale int) (int64, error) {
	s := strings.Trim(string(b), `"`)
	return ParseFixed(s, scale)
}

// ParseFixed reads a plain decimal ("-12.5") into a fixed-point integer with scale decimals. It
// is the strict reader for API values; the importer has the lenient one for files.
func ParseFixed(s string, scale int) (int64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, errors.New("not a number")
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, errors.New("more than " + strconv.Itoa(scale) + " decimal places")
	}
	digits := whole + frac + strings.Repeat("0", scale-len(frac))
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, nil
	}
	u, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || u > 1<<63-1 {
		return 0, ErrOverflow
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return v, nil
}

// mulDiv returns round(a × b / d), halves away from zero, or ErrOverflow; d > 0. The product
// is taken in 128 bits so no intermediate result wraps.
func mulDiv(a, b, d int64) (int64, error) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi >= uint64(d) {
		return 0, ErrOverflow
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r >= uint64(d)-r { // r ≥ d/2: round the half away from zero
		q++
	}
	if q > 1<<63-1 {
		return 0, ErrOverflow
	}
	if neg {
		return -int64(q), nil
	}
	return int64(q), nil
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// Times returns quantity × price rounded half away from zero to the ten-thousandth: the one
// rounding of a line, made once when the line is written, so totals are sums of stored amounts.
func (m Money) Times(q Quantity) (Money, error) {
	v, err := mulDiv(int64(m), int64(q), 1000)
	return Money(v), err
}

// Convert turns an amount in a document's currency into the ledger currency at rate r.
func (m Money) Convert(r Rate) (Money, error) {
	if r == OneRate {
		return m, nil
	}
	v, err := mulDiv(int64(m), int64(r), int64(OneRate))
	return Money(v), err
}

// Add returns a + b or ErrOverflow.
func (m Money) Add(b Money) (Money, error) {
	s := m + b
	if (s > m) != (b > 0) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sub returns a − b or ErrOverflow.
func (m Money) Sub(b Money) (Money, error) {
	if b == -b && b != 0 { // math.MinInt64 has no negation
		return 0, ErrOverflow
	}
	return m.Add(-b)
}

// Rat returns the amount in currency units as a big.Rat, for display arithmetic (percentages, 万元) only.
func (m Money) Rat() *big.Rat { return big.NewRat(int64(m), int64(MoneyUnit)) }

// LineAmount computes a line's net amount: quantity × unit price − discount.
func LineAmount(q Quantity, price, discount Money) (Money, error) {
	gross, err := price.Times(q)
	if err != nil {
		return 0, err
	}
	return gross.Sub(discount)
}
