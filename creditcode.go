package kam

import (
	"errors"
	"strings"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18 characters from a
// 31-character alphabet (digits and capitals without I, O, Z, S, V). The last one is a check
// character: 31 − (Σ value(i) × weight(i) mod 31), mapped back through the alphabet (31 → 0).
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar returns the check character for the first 17 characters of a code.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, errors.New("needs 17 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeAlphabet, first17[i])
		if v < 0 {
			return 0, errors.New("character " + string(rune(first17[i])) + " is not allowed")
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeAlphabet[(31-sum%31)%31], nil
}

// ValidateCreditCode checks a unified social credit code: length, alphabet, the six-digit
// administrative division code (positions 3–8) and the check character.
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return errors.New("must be 18 characters (GB 32100-2015)")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCodeAlphabet, code[i]) < 0 {
			return errors.New("may hold only digits and capital letters except I, O, Z, S, V")
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return errors.New("characters 3 to 8 must be the digits of an administrative division code")
		}
	}
	want, _ := CreditCodeCheckChar(code[:17])
	if code[17] != want {
		return errors.New("check character does not match (expected " + string(rune(want)) + ")")
	}
	return nil
}
