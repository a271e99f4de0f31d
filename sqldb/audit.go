package sqldb

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kam"
)

// AuditLog is the append-only audit log (kam.AuditLog) with a hash chain and group commit.
//
// Record hands its entry to one writer goroutine and waits. The writer takes every entry that is
// waiting, appends them in one transaction and answers each caller only after the commit: so an
// entry is durable when Record returns, and concurrent requests share one commit instead of
// queueing for one each.
//
// The chain is in id order. The writer assigns ids itself (the head's id + 1, no sequence), under
// the lock on the chain head row audit_head: on PostgreSQL one statement moves the head only from
// where the writer last saw it and inserts the batch (see writeOne), on SQLite the exclusive write
// transaction. Several KAM processes on one database therefore append to one chain,
// one batch after another, with ids in commit order and no gaps.
type AuditLog struct {
	db    *DB
	queue chan *auditReq
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	// commits counts the batches written (tests check that concurrent records share them).
	commits atomic.Int64
	// linger is how long the writer waits for more entries before a commit, while entries come
	// from several requests at once (see run).
	linger time.Duration
	// head is the chain head as the writer last wrote or read it (PostgreSQL, see writeOne).
	head struct {
		known bool
		id    int64
		hash  string
	}
}

// sqliteAuditLinger: on SQLite a commit costs the writer the most (the WAL frames of every page
// the batch touched, and now and then a checkpoint), and each reader of the audit file its page
// cache. Waiting this long for more entries under concurrent load makes batches several times
// larger, hence fewer commits, for at most this much more latency. A lone request does not wait.
const sqliteAuditLinger = time.Millisecond

type auditReq struct {
	entry  kam.AuditEntry
	detail string // the canonical JSON text of entry.Detail, stored and hashed as is
	done   chan error
}

// maxAuditBatch bounds one commit: 12 parameters an entry stays far below the drivers' limits.
const maxAuditBatch = 500

// NewAuditLog starts the log's writer; Close stops it.
func NewAuditLog(db *DB) *AuditLog {
	l := &AuditLog{db: db.auditStore(), queue: make(chan *auditReq, 4*maxAuditBatch), stop: make(chan struct{}), done: make(chan struct{})}
	if db.dialect == SQLite {
		l.linger = sqliteAuditLinger
	}
	go l.run()
	return l
}

// Close stops the writer after the batch it is writing. Records after Close fail.
func (l *AuditLog) Close() error {
	l.once.Do(func() { close(l.stop) })
	<-l.done
	return nil
}

// Commits returns how many batches the writer committed.
func (l *AuditLog) Commits() int64 { return l.commits.Load() }

var errAuditClosed = errors.New("audit log: closed")

// Record appends e and returns when it is committed. It sets e's ID, At, PrevHash and Hash.
func (l *AuditLog) Record(ctx context.Context, e *kam.AuditEntry) error {
	if e.Action == "" || e.ObjectType == "" {
		return fmt.Errorf("audit log: an entry needs an action and an object type")
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("audit log: detail of %s: %w", e.Action, err)
		}
	}
	req := &auditReq{entry: *e, detail: string(detail), done: make(chan error, 1)}
	// Microseconds: what PostgreSQL keeps, so the hash is over the value read back.
	req.entry.At = l.db.Now().UTC().Truncate(time.Microsecond)
	req.entry.Detail = nil
	select {
	case l.queue <- req:
	case <-l.stop:
		return errAuditClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		if err != nil {
			return err
		}
		e.ID, e.At, e.PrevHash, e.Hash = req.entry.ID, req.entry.At, req.entry.PrevHash, req.entry.Hash
		return nil
	case <-l.done:
		// The writer stopped; it may have answered just before.
		select {
		case err := <-req.done:
			if err == nil {
				e.ID, e.At, e.PrevHash, e.Hash = req.entry.ID, req.entry.At, req.entry.PrevHash, req.entry.Hash
			}
			return err
		default:
			return errAuditClosed
		}
	case <-ctx.Done():
		// The entry may still be committed; the caller must treat its action as failed.
		return ctx.Err()
	}
}

func (l *AuditLog) run() {
	defer close(l.done)
	batch := make([]*auditReq, 0, maxAuditBatch)
	last := 0 // entries of the previous batch: more than one means concurrent requests
	for {
		select {
		case <-l.stop:
			for {
				select {
				case r := <-l.queue:
					r.done <- errAuditClosed
				default:
					return
				}
			}
		case r := <-l.queue:
			batch = append(batch[:0], r)
		}
	fill:
		for len(batch) < maxAuditBatch {
			select {
			case r := <-l.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		if l.linger > 0 && (len(batch) > 1 || last > 1) {
			batch = l.gather(batch)
		}
		last = len(batch)
		err := l.write(batch)
		if err == nil {
			l.commits.Add(1)
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// gather adds the entries that arrive within the linger time, up to a full batch.
func (l *AuditLog) gather(batch []*auditReq) []*auditReq {
	t := time.NewTimer(l.linger)
	defer t.Stop()
	for len(batch) < maxAuditBatch {
		select {
		case r := <-l.queue:
			batch = append(batch, r)
		case <-t.C:
			return batch
		case <-l.stop:
			return batch
		}
	}
	return batch
}

var auditCols = []string{"id", "at", "actor_id", "actor_email", "action", "object_type", "object_id", "customer_id",
	"detail", "remote_addr", "prev_hash", "hash"}

// write appends a batch in one transaction, chained after the head.
func (l *AuditLog) write(batch []*auditReq) error {
	// Not a caller's context: the batch is many callers' and must not die with one of them.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if l.db.dialect == Postgres {
		return l.writeOne(ctx, batch)
	}
	tx, err := l.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer tx.Rollback()
	var lastID int64
	var lastHash string
	if err := tx.QueryRow("SELECT last_id, last_hash FROM audit_head WHERE one = 1").Scan(&lastID, &lastHash); err != nil {
		return fmt.Errorf("audit log: read the chain head: %w", err)
	}
	args, lastID, lastHash := l.chain(batch, lastID, lastHash, nil)
	if _, err := tx.Exec(insertSQL("audit_log", auditCols, len(batch)), args...); err != nil {
		return fmt.Errorf("audit log: append: %w", err)
	}
	if _, err := tx.Exec("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE one = 1", lastID, lastHash); err != nil {
		return fmt.Errorf("audit log: move the chain head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit log: commit: %w", err)
	}
	return nil
}

// chain gives the batch's entries their ids and hashes after the head (id, hash) and appends
// their column values to args.
func (l *AuditLog) chain(batch []*auditReq, id int64, hash string, args []any) ([]any, int64, string) {
	for _, r := range batch {
		e := &r.entry
		id++
		e.ID, e.PrevHash = id, hash
		e.Hash = auditHash(e, r.detail)
		hash = e.Hash
		args = append(args, e.ID, l.db.timeArg(e.At), e.ActorID, e.ActorEmail, string(e.Action), e.ObjectType, e.ObjectID,
			idArg(e.CustomerID), r.detail, e.RemoteAddr, e.PrevHash, e.Hash)
	}
	return args, id, hash
}

// auditPGTypes are the PostgreSQL types of auditCols, for the parameters of writeOne's VALUES.
var auditPGTypes = []string{"bigint", "timestamptz", "bigint", "text", "text", "text", "bigint", "bigint", "text", "text", "text", "text"}

// writeOne appends a batch on PostgreSQL in one statement, which is one transaction: one round
// trip instead of five (begin, lock the head, insert, move the head, commit), so the server does
// less for each view it records. The head moves only from where this writer last saw it; when
// another process appended in between, the statement writes nothing (the row lock orders the two
// updates, and the second finds the head moved), and the writer reads the head and chains the
// batch again.
func (l *AuditLog) writeOne(ctx context.Context, batch []*auditReq) error {
	var q strings.Builder
	q.WriteString("WITH h AS (UPDATE audit_head SET last_id = ?, last_hash = ? WHERE one = 1 AND last_id = ? AND last_hash = ? RETURNING 1) INSERT INTO audit_log (")
	q.WriteString(strings.Join(auditCols, ", "))
	q.WriteString(") SELECT * FROM (VALUES ")
	for i := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j, t := range auditPGTypes {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("?::" + t)
		}
		q.WriteByte(')')
	}
	q.WriteString(") AS v WHERE EXISTS (SELECT 1 FROM h)")
	stmt := l.db.rebind(q.String())
	for attempt := 0; attempt < 1000; attempt++ {
		if !l.head.known {
			if err := l.db.write.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE one = 1").Scan(&l.head.id, &l.head.hash); err != nil {
				return fmt.Errorf("audit log: read the chain head: %w", err)
			}
			l.head.known = true
		}
		args, lastID, lastHash := l.chain(batch, l.head.id, l.head.hash, make([]any, 4, 4+len(batch)*len(auditCols)))
		args[2], args[3] = l.head.id, l.head.hash
		args[0], args[1] = lastID, lastHash
		res, err := l.db.write.ExecContext(ctx, stmt, args...)
		if err != nil {
			l.head.known = false
			return fmt.Errorf("audit log: append: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("audit log: append: %w", err)
		}
		if n == int64(len(batch)) {
			l.head.id, l.head.hash = lastID, lastHash
			return nil
		}
		if n != 0 {
			return fmt.Errorf("audit log: append wrote %d of %d entries", n, len(batch))
		}
		l.head.known = false // another process appended: chain after its entries
	}
	return errors.New("audit log: the chain head kept moving; giving up")
}

// auditTime is the entry time as hashed: UTC, fixed width, microseconds.
const auditTime = "2006-01-02T15:04:05.000000Z"

// auditHash is the entry's hash: SHA-256 over its fields in a fixed order, each written as its
// length in bytes, a colon, the bytes and a comma (so no two different entries encode alike),
// ending with the previous entry's hash. The detail is hashed as the JSON text stored.
func auditHash(e *kam.AuditEntry, detail string) string {
	var b bytes.Buffer
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte(',')
	}
	customer := ""
	if e.CustomerID != nil {
		customer = strconv.FormatInt(*e.CustomerID, 10)
	}
	field("kam-audit-v1")
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(auditTime))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.ActorEmail)
	field(string(e.Action))
	field(e.ObjectType)
	field(strconv.FormatInt(e.ObjectID, 10))
	field(customer)
	field(detail)
	field(e.RemoteAddr)
	field(e.PrevHash)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

const auditSelect = "SELECT id, at, actor_id, actor_email, action, object_type, object_id, customer_id, detail, remote_addr, prev_hash, hash FROM audit_log"

// scanAudit reads one row; detail is the stored JSON text.
func scanAudit(sc interface{ Scan(...any) error }, e *kam.AuditEntry, detail *string) error {
	var action string
	if err := sc.Scan(&e.ID, timeScan{&e.At}, &e.ActorID, &e.ActorEmail, &action, &e.ObjectType, &e.ObjectID,
		nullID{&e.CustomerID}, detail, &e.RemoteAddr, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.Action = kam.AuditAction(action)
	return nil
}

// FindAudit returns the entries that f selects, newest first, and how many there are.
func (l *AuditLog) FindAudit(ctx context.Context, f kam.AuditFilter) ([]*kam.AuditEntry, int, error) {
	if f.Action != "" && !f.Action.Valid() {
		return nil, 0, &kam.Error{Code: kam.EInvalid, Message: "unknown audit action",
			Fields: []kam.FieldError{{Field: "action", Code: "invalid", Message: "is not an audited action"}}}
	}
	var where []string
	var args []any
	if f.CustomerID != 0 {
		where, args = append(where, "customer_id = ?"), append(args, f.CustomerID)
	}
	if u := strings.TrimSpace(f.User); u != "" {
		if id, err := strconv.ParseInt(u, 10, 64); err == nil {
			where, args = append(where, "actor_id = ?"), append(args, id)
		} else {
			where, args = append(where, "lower(actor_email) = lower(?)"), append(args, u)
		}
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, string(f.Action))
	}
	if f.From != nil {
		where, args = append(where, "at >= ?"), append(args, l.db.timeArg(*f.From))
	}
	if f.To != nil {
		where, args = append(where, "at <= ?"), append(args, l.db.timeArg(*f.To))
	}
	if f.BeforeID > 0 {
		where, args = append(where, "id < ?"), append(args, f.BeforeID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	r := l.db.reader()
	var total int
	if err := r.queryRow(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit entries: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := r.query(ctx, auditSelect+cond+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	var out []*kam.AuditEntry
	for rows.Next() {
		e := &kam.AuditEntry{}
		var detail string
		if err := scanAudit(rows, e, &detail); err != nil {
			return nil, 0, err
		}
		if detail != "{}" && detail != "" {
			dec := json.NewDecoder(strings.NewReader(detail))
			dec.UseNumber() // ids and counts stay exact
			if err := dec.Decode(&e.Detail); err != nil {
				return nil, 0, fmt.Errorf("audit entry %d: detail: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// AuditProblem is one finding of Verify.
type AuditProblem struct {
	ID int64 `json:"id"`
	// Kind is edited (the content does not match its hash), moved (the content is another
	// position's), missing (ids absent: entries removed), broken_link (the entry does not follow
	// the one before it), truncated (entries removed from the end) or head (the chain head does
	// not match the last entry).
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func (p AuditProblem) String() string {
	return fmt.Sprintf("entry %d: %s: %s", p.ID, p.Kind, p.Message)
}

// AuditReport is the result of Verify.
type AuditReport struct {
	Entries  int64          `json:"entries"`
	LastID   int64          `json:"last_id"`
	HeadID   int64          `json:"head_id"`
	HeadHash string         `json:"head_hash"`
	Problems []AuditProblem `json:"problems"`
}

// maxAuditProblems bounds a report: beyond it the chain is broken enough to say so.
const maxAuditProblems = 1000

// Verify walks the chain in id order and reports every entry that was edited, removed or moved.
//
// What it detects: a changed field of an entry (its hash no longer matches), an entry removed
// from the middle (a hole in the ids, and the next entry no longer links), two entries' contents
// swapped or moved (the hash covers the id; it names the position the content came from), an
// entry edited and rehashed (the next one no longer links), and entries removed from the end
// (the chain head, updated in the same transaction as every append, names a later entry).
// What it cannot detect: someone who rewrites the tail (or the whole chain) and the head
// consistently, recomputing every hash — the chain has no secret. Keep the head's id and hash
// that verify prints somewhere else (a ticket, a mail) to catch that too.
func (l *AuditLog) Verify(ctx context.Context) (*AuditReport, error) {
	rep := &AuditReport{}
	r := l.db.reader()
	if err := r.queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE one = 1").Scan(&rep.HeadID, &rep.HeadHash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			rep.Problems = append(rep.Problems, AuditProblem{Kind: "head", Message: "the chain head row is missing"})
			rep.HeadID = -1
		} else {
			return nil, fmt.Errorf("read the audit chain head: %w", err)
		}
	}
	rows, err := r.query(ctx, auditSelect+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	add := func(p AuditProblem) {
		if len(rep.Problems) < maxAuditProblems {
			rep.Problems = append(rep.Problems, p)
		}
	}
	var moved []*kam.AuditEntry // entries whose content fails: checked for a move after the walk
	var movedDetail []string
	var prevID int64
	var prevHash string
	for rows.Next() {
		e := &kam.AuditEntry{}
		var detail string
		if err := scanAudit(rows, e, &detail); err != nil {
			return nil, err
		}
		rep.Entries++
		gap := e.ID != prevID+1
		if gap {
			if e.ID == prevID+2 {
				add(AuditProblem{ID: prevID + 1, Kind: "missing", Message: "the entry is missing (removed)"})
			} else {
				add(AuditProblem{ID: prevID + 1, Kind: "missing", Message: fmt.Sprintf("entries %d to %d are missing (removed)", prevID+1, e.ID-1)})
			}
		}
		switch {
		case auditHash(e, detail) != e.Hash:
			moved, movedDetail = append(moved, e), append(movedDetail, detail)
		case e.PrevHash != prevHash && gap:
			add(AuditProblem{ID: e.ID, Kind: "broken_link", Message: fmt.Sprintf("does not follow entry %d (the entries between were removed)", prevID)})
		case e.PrevHash != prevHash:
			add(AuditProblem{ID: e.ID, Kind: "broken_link",
				Message: fmt.Sprintf("does not follow entry %d: its previous hash is not that entry's hash (entry %d was edited and rehashed, or entries were reordered)", prevID, prevID)})
		}
		prevID, prevHash = e.ID, e.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rep.LastID = prevID
	for i, e := range moved {
		if from := l.originalPosition(ctx, e, movedDetail[i]); from != 0 {
			add(AuditProblem{ID: e.ID, Kind: "moved", Message: fmt.Sprintf("holds the content of entry %d (entries reordered)", from)})
		} else {
			add(AuditProblem{ID: e.ID, Kind: "edited", Message: "its content does not match its hash (edited)"})
		}
	}
	switch {
	case rep.HeadID < 0:
	case rep.HeadID > prevID:
		add(AuditProblem{ID: prevID + 1, Kind: "truncated", Message: fmt.Sprintf("entries %d to %d were removed from the end (the chain head names entry %d)", prevID+1, rep.HeadID, rep.HeadID)})
	case rep.HeadID < prevID:
		add(AuditProblem{ID: rep.HeadID + 1, Kind: "head", Message: fmt.Sprintf("entries after %d were added outside KAM (the chain head names entry %d)", rep.HeadID, rep.HeadID)})
	case rep.HeadHash != prevHash:
		add(AuditProblem{ID: prevID, Kind: "head", Message: "the last entry's hash is not the chain head's (the last entry was replaced)"})
	}
	slices.SortStableFunc(rep.Problems, func(a, b AuditProblem) int { return cmp.Compare(a.ID, b.ID) })
	return rep, nil
}

// originalPosition finds where a moved entry's content belongs: its previous hash names the
// entry it followed, and its hash holds when computed with the id after that one (or, failing
// that, with an id close by). 0 when the content is edited.
func (l *AuditLog) originalPosition(ctx context.Context, e *kam.AuditEntry, detail string) int64 {
	var pred int64
	if e.PrevHash != "" {
		if err := l.db.reader().queryRow(ctx, "SELECT id FROM audit_log WHERE hash = ? ORDER BY id LIMIT 1", e.PrevHash).Scan(&pred); err != nil {
			return 0
		}
	}
	c := *e
	c.ID = pred + 1
	if c.ID != e.ID && auditHash(&c, detail) == e.Hash {
		return c.ID
	}
	// Neighbours moved together (two adjacent entries swapped): try the positions nearby.
	for d := int64(1); d <= 64; d++ {
		for _, id := range []int64{e.ID - d, e.ID + d} {
			if c.ID = id; id > 0 && auditHash(&c, detail) == e.Hash {
				return id
			}
		}
	}
	return 0
}
