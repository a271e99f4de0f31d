package kam

import (
	"unicode"
)

// Chinese search without word spaces.
//
// Chinese text has no spaces between words and most words are two characters long, so a
// trigram index (SQLite FTS5 trigram, pg_trgm) cannot answer the most common searches
// ("科技", "张伟"): it needs three characters. KAM indexes every CJK run as its overlapping
// bigrams followed by the run's last character, in order:
//
//	"华为技术" → 华为 为技 技术 术
//
// A query of two or more CJK characters becomes the phrase of its bigrams (adjacent positions:
// "为技术" → 为技 技术), a single character becomes a prefix query (为*), which matches the
// bigram starting with it or the last character of a run. Latin letters and digits are indexed as
// lower-cased words and matched by prefix. The same tokens feed SQLite FTS5 and PostgreSQL
// tsvector, so both databases find exactly the same customers.

// SearchToken is one indexed token and its position.
type SearchToken struct {
	Text string
	Pos  int
}

// SearchTerm is one part of a query: a phrase of tokens at adjacent positions, or a prefix.
type SearchTerm struct {
	Tokens []string
	Prefix bool
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isWordRune(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || (r >= 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r))
}

// runs splits text into CJK runs and word runs (lower-cased); everything else separates.
func runs(text string) (out []struct {
	cjk bool
	r   []rune
}) {
	var cur []rune
	curCJK := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, struct {
				cjk bool
				r   []rune
			}{curCJK, cur})
			cur = nil
		}
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			if !curCJK {
				flush()
			}
			curCJK = true
			cur = append(cur, r)
		case isWordRune(r):
			if curCJK {
				flush()
			}
			curCJK = false
			cur = append(cur, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// MaxSearchTokens bounds the tokens of one document so that a huge field cannot blow up the index.
const MaxSearchTokens = 4000

// SearchTokens returns the index tokens of the given fields, positions counting across fields.
func SearchTokens(fields ...string) []SearchToken {
	var toks []SearchToken
	pos := 0
	add := func(s string) {
		toks = append(toks, SearchToken{s, pos})
		pos++
	}
	for _, f := range fields {
		for _, run := range runs(f) {
			if !run.cjk {
				add(string(run.r))
				continue
			}
			for i := 0; i+1 < len(run.r); i++ {
				add(string(run.r[i : i+2]))
			}
			add(string(run.r[len(run.r)-1:]))
		}
		pos++ // a gap between fields, so no phrase spans two of them
		if len(toks) >= MaxSearchTokens {
			return toks[:MaxSearchTokens]
		}
	}
	return toks
}

// ParseSearch turns a user's query into terms that must all match. Empty when the query has
// nothing searchable.
func ParseSearch(q string) []SearchTerm {
	var terms []SearchTerm
	for _, run := range runs(q) {
		if len(terms) >= 16 {
			break
		}
		if !run.cjk {
			terms = append(terms, SearchTerm{Tokens: []string{string(run.r)}, Prefix: true})
			continue
		}
		if len(run.r) == 1 {
			terms = append(terms, SearchTerm{Tokens: []string{string(run.r)}, Prefix: true})
			continue
		}
		var t SearchTerm
		for i := 0; i+1 < len(run.r) && i < 64; i++ {
			t.Tokens = append(t.Tokens, string(run.r[i:i+2]))
		}
		terms = append(terms, t)
	}
	return terms
}
