package kam

import (
	"strings"
	"testing"
)

func TestSearchTokens(t *testing.T) {
	got := SearchTokens("华为技术", "ABC科技")
	var texts []string
	for _, tk := range got {
		texts = append(texts, tk.Text)
	}
	want := "华为 为技 技术 术 abc 科技 技"
	if strings.Join(texts, " ") != want {
		t.Errorf("tokens %q, want %q", strings.Join(texts, " "), want)
	}
	// Fields are separated by a position gap so that no phrase spans two fields.
	if got[3].Pos+1 == got[4].Pos {
		t.Errorf("no gap between fields: %+v", got)
	}
}

func TestParseSearch(t *testing.T) {
	cases := []struct {
		q    string
		want []SearchTerm
	}{
		{"科技", []SearchTerm{{Tokens: []string{"科技"}}}},
		{"为技术", []SearchTerm{{Tokens: []string{"为技", "技术"}}}},
		{"恒", []SearchTerm{{Tokens: []string{"恒"}, Prefix: true}}},
		{"HW 集团", []SearchTerm{{Tokens: []string{"hw"}, Prefix: true}, {Tokens: []string{"集团"}}}},
		{"\"*()", nil},
	}
	for _, tc := range cases {
		got := ParseSearch(tc.q)
		if len(got) != len(tc.want) {
			t.Fatalf("%q: %+v", tc.q, got)
		}
		for i := range got {
			if strings.Join(got[i].Tokens, ",") != strings.Join(tc.want[i].Tokens, ",") || got[i].Prefix != tc.want[i].Prefix {
				t.Errorf("%q: term %d %+v, want %+v", tc.q, i, got[i], tc.want[i])
			}
		}
	}
}

// FuzzSearch checks that every query parses into tokens made only of letters and digits (they
// are pasted into FTS5 and tsquery syntax unescaped) and that a substring of an indexed text is
// found by the token rule (for CJK text): every term's tokens appear at consecutive positions.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"深圳华拓电子科技有限公司", "ABC科技 (集团)", "'; DROP TABLE", "\"a\" OR b*", "娜"} {
		f.Add(s, 1, 3)
	}
	f.Fuzz(func(t *testing.T, text string, from, to int) {
		for _, term := range ParseSearch(text) {
			for _, tok := range term.Tokens {
				for _, r := range tok {
					if !isCJK(r) && !isWordRune(r) {
						t.Fatalf("token %q of %q holds %q", tok, text, r)
					}
				}
			}
		}
		r := []rune(text)
		if from < 0 || to > len(r) || from >= to {
			return
		}
		sub := string(r[from:to])
		toks := SearchTokens(text)
		for _, term := range ParseSearch(sub) {
			// Latin and digit words match by prefix only (documented), so only CJK terms must
			// be found wherever the substring was cut.
			if !isCJK([]rune(term.Tokens[0])[0]) {
				continue
			}
			if !matches(toks, term) {
				t.Fatalf("%q is in %q but term %+v does not match %+v", sub, text, term, toks)
			}
		}
	})
}

func matches(toks []SearchToken, term SearchTerm) bool {
	for i := range toks {
		ok := true
		for j, want := range term.Tokens {
			k := i + j
			if k >= len(toks) || toks[k].Pos != toks[i].Pos+j {
				ok = false
				break
			}
			if term.Prefix && j == len(term.Tokens)-1 {
				ok = ok && strings.HasPrefix(toks[k].Text, want)
			} else {
				ok = ok && toks[k].Text == want
			}
		}
		if ok {
			return true
		}
	}
	return false
}
