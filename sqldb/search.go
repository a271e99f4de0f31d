package sqldb

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"kam"
)

// syllable returns the first pinyin reading of a Chinese character without tone marks ("长" →
// "zhang"), or "" for other characters. It reads the dictionary directly: the library's own
// conversion applies its styles with regular expressions, which made building the customer
// directory twice as slow.
func syllable(r rune) string {
	readings, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return ""
	}
	if i := strings.IndexByte(readings, ','); i >= 0 {
		readings = readings[:i]
	}
	return strings.Map(toneless, readings)
}

// toneless maps a pinyin letter with a tone mark to the plain letter (ü stays ü-less as v).
func toneless(r rune) rune {
	if r < 128 {
		return r
	}
	for _, g := range [...]struct {
		base  rune
		toned string
	}{{'a', "āáǎà"}, {'e', "ēéěèê"}, {'i', "īíǐì"}, {'o', "ōóǒò"}, {'u', "ūúǔù"}, {'v', "ǖǘǚǜü"}, {'n', "ńňǹ"}, {'m', "ḿ"}} {
		if strings.ContainsRune(g.toned, r) {
			return g.base
		}
	}
	return -1 // dropped
}

// nameKey is the sort key of a name: the pinyin of its Chinese characters (the order people look
// for in a Chinese list), other characters lower-cased. The key is ASCII so that both databases
// sort it the same way (code-point order, COLLATE "C" on PostgreSQL).
func nameKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if p := syllable(r); p != "" {
			b.WriteString(p)
			b.WriteByte(' ')
			continue
		}
		if r < 128 {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteString("~" + strconv.Itoa(int(r))) // after every letter; stable
		}
	}
	if b.Len() > 400 {
		return b.String()[:400]
	}
	return b.String()
}

// pinyinInitials returns the first letters of the pinyin of the Chinese characters in s
// ("华为技术" → "hwjs"), which people type to find a customer quickly.
func pinyinInitials(s string) string {
	var b strings.Builder
	for _, r := range s {
		if p := syllable(r); p != "" {
			b.WriteByte(p[0])
		}
	}
	return b.String()
}

// searchFields are the texts a customer is found by: its code, name, short name, the pinyin
// initials of both, and its contacts' names. The SQL index and the directory both use them.
func searchFields(code, name, shortName string, contactNames []string) []string {
	return append([]string{code, name, shortName, pinyinInitials(name), pinyinInitials(shortName)}, contactNames...)
}

// searchDocument renders the index tokens of a customer for the dialect: space-separated tokens
// for SQLite FTS5 (positions are their order), a tsvector literal for PostgreSQL.
func (db *DB) searchDocument(code, name, shortName string, contactNames []string) string {
	toks := kam.SearchTokens(searchFields(code, name, shortName, contactNames)...)
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if db.dialect == SQLite {
			b.WriteString(t.Text)
			continue
		}
		b.WriteByte('\'')
		b.WriteString(t.Text)
		b.WriteString("':")
		b.WriteString(strconv.Itoa(min(t.Pos+1, 16383))) // tsvector positions are 1..16383
	}
	return b.String()
}

// searchQuery renders a user's query for the dialect; ok is false when the query has nothing
// searchable (only punctuation), which matches nothing. Tokens hold only letters and digits, so
// they need no escaping in either syntax.
func (db *DB) searchQuery(q string) (string, bool) {
	terms := kam.ParseSearch(q)
	if len(terms) == 0 {
		return "", false
	}
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if db.dialect == SQLite {
			p := `"` + strings.Join(t.Tokens, " ") + `"`
			if t.Prefix {
				p += "*"
			}
			parts = append(parts, p)
			continue
		}
		quoted := make([]string, len(t.Tokens))
		for i, tok := range t.Tokens {
			quoted[i] = "'" + tok + "'"
		}
		p := strings.Join(quoted, " <-> ")
		if t.Prefix {
			p += ":*"
		}
		parts = append(parts, p)
	}
	if db.dialect == SQLite {
		return strings.Join(parts, " AND "), true
	}
	return strings.Join(parts, " & "), true
}

// searchPredicate is the WHERE fragment matching customers c against a rendered query.
func (db *DB) searchPredicate() string {
	if db.dialect == SQLite {
		return "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
	}
	return "c.search @@ ?::tsquery"
}

// reindexCustomer rewrites the search tokens of one customer from its name, short name and
// contacts' names.
func (tx *Tx) reindexCustomer(id int64) error {
	var code, name, short string
	if err := tx.QueryRow("SELECT code, name, short_name FROM customers WHERE id = ?", id).Scan(&code, &name, &short); err != nil {
		return err
	}
	rows, err := tx.Query("SELECT name FROM contacts WHERE customer_id = ? ORDER BY id", id)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return tx.writeSearch(id, tx.db.searchDocument(code, name, short, names))
}

func (tx *Tx) writeSearch(id int64, doc string) error {
	if tx.db.dialect == SQLite {
		if _, err := tx.Exec("DELETE FROM customer_search WHERE rowid = ?", id); err != nil {
			return err
		}
		_, err := tx.Exec("INSERT INTO customer_search (rowid, tokens) VALUES (?, ?)", id, doc)
		return err
	}
	_, err := tx.Exec("UPDATE customers SET search = ?::tsvector WHERE id = ?", doc, id)
	return err
}
