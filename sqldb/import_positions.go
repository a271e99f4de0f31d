package sqldb

import (
	"strconv"
	"strings"
)

// An import keeps a bounded number of orders in memory (maxOpenOrders). What the file has said so
// far about a stored order it lets go (how many of its rows the file has given — the position that
// numbers a line without line_no —, the first row, the line numbers used) cannot be read back from
// the order, so it goes into a scratch table of the transaction and comes back if the order does:
// importing the same file twice must change nothing even when an order's rows are far apart.
// Orders this import created need no note: they come back as the import's own (orderAcc.ours),
// numbered on from their stored lines.

const positionsTable = "import_order_positions"

// positioned is the session's record of the orders whose positions it wrote.
type positioned struct {
	table   bool    // the scratch table exists in the transaction
	written *keySet // order numbers with a row in it
}

// savePositions writes the positions of stored orders the session lets go.
func (is *importSession) savePositions(orders []*orderAcc) error {
	var rows [][]any
	for _, o := range orders {
		if o.isNew || o.ours || (o.filePos == 0 && len(o.seen) == 0) {
			continue
		}
		rows = append(rows, []any{o.no, int64(o.filePos), int64(o.firstRow), encodeSeen(o.seen)})
	}
	if len(rows) == 0 {
		return nil
	}
	if !is.positions.table {
		// A table of the transaction: rolled back with it, dropped before it commits. Temporary
		// on PostgreSQL so that concurrent imports have one each; SQLite has one writer, and its
		// temporary tables would live in memory (temp_store).
		q := "CREATE TABLE " + positionsTable
		if is.tx.db.dialect == Postgres {
			q = "CREATE TEMP TABLE " + positionsTable
		}
		if _, err := is.tx.Exec(q + " (order_no TEXT PRIMARY KEY, file_pos BIGINT NOT NULL, first_row BIGINT NOT NULL, seen TEXT NOT NULL)"); err != nil {
			return err
		}
		is.positions = positioned{table: true, written: newKeySet()}
	}
	for _, r := range rows {
		is.positions.written.Add(r[0].(string))
	}
	// An order let go twice has a row already: the newer position replaces it.
	return is.tx.insertMany(positionsTable, []string{"order_no", "file_pos", "first_row", "seen"}, rows,
		" ON CONFLICT (order_no) DO UPDATE SET file_pos = excluded.file_pos, first_row = excluded.first_row, seen = excluded.seen", 500)
}

// restorePositions gives stored orders loaded again what the file said about them before.
func (is *importSession) restorePositions(loaded []*orderAcc) error {
	if !is.positions.table {
		return nil
	}
	byNo := map[string]*orderAcc{}
	var nos []string
	for _, o := range loaded {
		if !o.ours && is.positions.written.MayHold(o.no) {
			byNo[o.no] = o
			nos = append(nos, o.no)
		}
	}
	return inChunks(nos, func(part []string) error {
		rows, err := is.tx.Query("SELECT order_no, file_pos, first_row, seen FROM "+positionsTable+" WHERE order_no IN ("+placeholders(len(part))+")", anySlice(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var no, seen string
			var pos, first int
			if err := rows.Scan(&no, &pos, &first, &seen); err != nil {
				return err
			}
			o := byNo[no]
			// The header was compared with (and written over) the stored one when the file first
			// met the order.
			o.headDone, o.filePos, o.firstRow, o.seen = true, pos, first, decodeSeen(seen)
		}
		return rows.Err()
	})
}

// dropPositions removes the scratch table before the import commits.
func (is *importSession) dropPositions() error {
	if !is.positions.table {
		return nil
	}
	_, err := is.tx.Exec("DROP TABLE " + positionsTable)
	is.positions = positioned{}
	return err
}

// encodeSeen writes line number:row pairs as "1:17,2:18".
func encodeSeen(seen []seenLine) string {
	var b strings.Builder
	for i, s := range seen {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(s.lineNo))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(s.row))
	}
	return b.String()
}

func decodeSeen(s string) []seenLine {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]seenLine, 0, len(parts))
	for _, p := range parts {
		l, r, _ := strings.Cut(p, ":")
		ln, _ := strconv.Atoi(l)
		rn, _ := strconv.Atoi(r)
		out = append(out, seenLine{ln, rn})
	}
	return out
}
