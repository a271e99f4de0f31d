package sqldb

import (
	"cmp"
	"context"
	"encoding/json"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kam"
)

// The customer directory answers customer lists — scope, filters, search, sort, page and the
// total — from memory, and reads only the rows of the page from the database.
//
// Why: a list with its total must count every matching customer. For a common search term ("有限",
// "科技") or a director's unfiltered list that is tens of thousands of rows per request; SQL
// answers that in tens of milliseconds on a 100,000-customer portfolio, and 32 users at once make
// it seconds. In memory the same count is a walk over a posting list.
//
// Freshness: every write of a customer file records a row in changes (a customer, unit or contact
// change), in the same transaction. Before answering, the directory reads the highest change id
// (one indexed lookup) and reloads the customers changed since it last looked — after every
// commit of this process, and otherwise at most every DB.DirectoryPoll (100 ms) — so a list
// reflects every write of this process at once and those of other KAM processes on the same
// database within DirectoryPoll. On PostgreSQL, ids are drawn before commit, so a transaction may commit a lower id
// after a higher one was seen: the directory re-reads a window of the last changeWindow ids to
// catch those, and rebuilds itself from scratch every fullRefresh in case one fell further behind.
const (
	changeWindow   = 1000
	fullRefresh    = 5 * time.Minute
	rebuildChanges = 5000 // more changed customers than this at once: rebuild instead
	sortInMemory   = 4096 // fewer matches than this: sort them; more: walk a cached global order
)

type dirEntry struct {
	id, owner, parent int64
	status, stage     string
	province          string
	industry          string
	code, nameKey     string
	tags              []string
	team              []int64
	created, updated  int64
	// text holds the searchable fields, separated by NUL so that no match spans two of them.
	text   string
	tokens []string // distinct index tokens, to update the posting lists
}

// dirState is one consistent copy of the directory.
type dirState struct {
	slots    map[int64]int32 // customer id → slot
	entries  []*dirEntry     // by slot; nil once deleted
	postings map[string][]int32
	seen     int64              // every change up to this id is applied …
	applied  map[int64]struct{} // … and these above seen-changeWindow
	built    time.Time

	omu    sync.Mutex
	orders map[string][]int32 // sort field → live slots in ascending order, built on demand
}

type directory struct {
	db *DB
	mu sync.RWMutex
	st *dirState

	rebuilding sync.Mutex
	// polled is when the change log was last read (unix nanos) and commits the process's commit
	// count then: with no commit since and a recent look, a list needs no database round trip.
	polled  atomic.Int64
	commits atomic.Int64
}

func newDirectory(db *DB) *directory { return &directory{db: db} }

// ready reports whether the directory has been built.
func (d *directory) ready() bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.st != nil
}

func (s *dirState) add(e *dirEntry) {
	slot := int32(len(s.entries))
	s.entries = append(s.entries, e)
	s.slots[e.id] = slot
	for _, t := range e.tokens {
		s.postings[t] = insertSlot(s.postings[t], slot)
	}
	s.orders = nil
}

func (s *dirState) remove(id int64) {
	slot, ok := s.slots[id]
	if !ok {
		return
	}
	e := s.entries[slot]
	for _, t := range e.tokens {
		p := removeSlot(s.postings[t], slot)
		if len(p) == 0 {
			delete(s.postings, t)
		} else {
			s.postings[t] = p
		}
	}
	s.entries[slot] = nil
	delete(s.slots, id)
	s.orders = nil
}

func insertSlot(p []int32, slot int32) []int32 {
	i := sort.Search(len(p), func(i int) bool { return p[i] >= slot })
	if i < len(p) && p[i] == slot {
		return p
	}
	p = append(p, 0)
	copy(p[i+1:], p[i:])
	p[i] = slot
	return p
}

func removeSlot(p []int32, slot int32) []int32 {
	i := sort.Search(len(p), func(i int) bool { return p[i] >= slot })
	if i < len(p) && p[i] == slot {
		return append(p[:i], p[i+1:]...)
	}
	return p
}

// entryText is what search matches (searchFields) and its distinct index tokens.
func entryText(code, name, short string, contacts []string) (string, []string) {
	fields := searchFields(code, name, short, contacts)
	seen := map[string]bool{}
	var toks []string
	for _, t := range kam.SearchTokens(fields...) {
		if !seen[t.Text] {
			seen[t.Text] = true
			toks = append(toks, t.Text)
		}
	}
	for i, f := range fields {
		fields[i] = strings.ToLower(f)
	}
	return strings.Join(fields, "\x00"), toks
}

const dirColumns = `c.id, c.owner_id, c.parent_id, c.status, c.stage, c.province, c.industry, c.code, c.name_key, c.tags, c.team,
	c.created_at, c.updated_at, c.name, c.short_name`

// loadEntries reads directory entries: all customers, or those with the given ids.
func (d *directory) loadEntries(ctx context.Context, ids []int64) ([]*dirEntry, error) {
	c := d.db.reader()
	where, cwhere := "1=1", "1=1"
	var args []any
	if ids != nil {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
		where, cwhere = "c.id IN ("+ph+")", "customer_id IN ("+ph+")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	contacts := map[int64][]string{}
	rows, err := c.q.QueryContext(ctx, d.db.rebind("SELECT customer_id, name FROM contacts WHERE "+cwhere+" ORDER BY id"), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		contacts[id] = append(contacts[id], name)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = c.q.QueryContext(ctx, d.db.rebind("SELECT "+dirColumns+" FROM customers c WHERE "+where+" ORDER BY c.id"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dirEntry
	for rows.Next() {
		e := &dirEntry{}
		var parent *int64
		var tags, team, name, short string
		var created, updated time.Time
		if err := rows.Scan(&e.id, &e.owner, nullID{&parent}, &e.status, &e.stage, &e.province, &e.industry, &e.code, &e.nameKey,
			&tags, &team, timeScan{&created}, timeScan{&updated}, &name, &short); err != nil {
			return nil, err
		}
		if parent != nil {
			e.parent = *parent
		}
		json.Unmarshal([]byte(tags), &e.tags)
		var members []kam.TeamMember
		json.Unmarshal([]byte(team), &members)
		for _, m := range members {
			e.team = append(e.team, m.UserID)
		}
		e.created, e.updated = created.UnixNano(), updated.UnixNano()
		e.text = name + "\x00" + short // replaced below by the full search text
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Tokenising is most of the work of a build: spread it over the processors.
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(out); i += workers {
				e := out[i]
				name, short, _ := strings.Cut(e.text, "\x00")
				e.text, e.tokens = entryText(e.code, name, short, contacts[e.id])
			}
		}(w)
	}
	wg.Wait()
	return out, nil
}

func (d *directory) maxChange(ctx context.Context) (int64, error) {
	var n int64
	err := d.db.reader().queryRow(ctx, "SELECT COALESCE(max(id), 0) FROM changes").Scan(&n)
	return n, err
}

// build reads the whole directory from the database.
func (d *directory) build(ctx context.Context) (*dirState, error) {
	// The change id is read first: whatever commits while the customers are read is applied
	// again by the next sync, which is harmless.
	seen, err := d.maxChange(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := d.loadEntries(ctx, nil)
	if err != nil {
		return nil, err
	}
	st := &dirState{slots: make(map[int64]int32, len(entries)), postings: map[string][]int32{},
		seen: seen, applied: map[int64]struct{}{}, built: time.Now()}
	for _, e := range entries {
		st.add(e)
	}
	return st, nil
}

// sync brings the directory up to date with the change log and returns the state to read.
// The caller holds no lock.
func (d *directory) sync(ctx context.Context) (err error) {
	d.mu.RLock()
	st := d.st
	d.mu.RUnlock()
	if st == nil {
		d.rebuilding.Lock()
		defer d.rebuilding.Unlock()
		if d.st != nil {
			return d.sync(ctx)
		}
		st, err := d.build(ctx)
		if err != nil {
			return err
		}
		d.mu.Lock()
		d.st = st
		d.mu.Unlock()
		return nil
	}
	if d.db.dialect == Postgres && time.Since(st.built) > fullRefresh && d.rebuilding.TryLock() {
		go func() {
			defer d.rebuilding.Unlock()
			if fresh, err := d.build(context.Background()); err == nil {
				d.mu.Lock()
				d.st = fresh
				d.mu.Unlock()
			}
		}()
	}
	commits := d.db.commits.Load()
	now := time.Now().UnixNano()
	if commits == d.commits.Load() && now-d.polled.Load() < int64(d.db.DirectoryPoll) {
		return nil
	}
	top, err := d.maxChange(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			d.polled.Store(now)
			d.commits.Store(commits)
		}
	}()
	if top <= st.seen {
		return nil
	}
	// Changes in the window below seen may have committed late; read the window and apply what
	// was not applied yet.
	from := max(0, st.seen-changeWindow)
	rows, err := d.db.reader().query(ctx, "SELECT id, customer_id FROM changes WHERE id > ? ORDER BY id", from)
	if err != nil {
		return err
	}
	var ids []int64
	var changeIDs []int64
	pending := map[int64]bool{}
	for rows.Next() {
		var id, cid int64
		if err := rows.Scan(&id, &cid); err != nil {
			rows.Close()
			return err
		}
		if _, done := st.applied[id]; done || id <= st.seen && d.db.dialect == SQLite {
			continue
		}
		changeIDs = append(changeIDs, id)
		if !pending[cid] {
			pending[cid] = true
			ids = append(ids, cid)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(ids) > rebuildChanges {
		fresh, err := d.build(ctx)
		if err != nil {
			return err
		}
		d.mu.Lock()
		d.st = fresh
		d.mu.Unlock()
		return nil
	}
	var entries []*dirEntry
	for start := 0; start < len(ids); start += 500 {
		part, err := d.loadEntries(ctx, ids[start:min(start+500, len(ids))])
		if err != nil {
			return err
		}
		entries = append(entries, part...)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.st != st {
		return nil // rebuilt meanwhile; the next sync looks again
	}
	for _, id := range ids {
		st.remove(id)
	}
	for _, e := range entries {
		st.add(e)
	}
	for _, id := range changeIDs {
		st.applied[id] = struct{}{}
	}
	if top > st.seen {
		st.seen = top
	}
	for id := range st.applied {
		if id <= st.seen-changeWindow {
			delete(st.applied, id)
		}
	}
	return nil
}

// dirQuery is a customer list request resolved for the directory.
type dirQuery struct {
	f     kam.CustomerFilter
	scope kam.Scope
	users map[int64]bool // the actor, or the supervisor and their team
	// borrowed holds the customers the actor sees through a live borrowing grant.
	borrowed map[int64]bool
}

// unfiltered reports whether every live entry is visible (all customers, no filter), so that
// counting needs no walk.
func (q *dirQuery) unfiltered() bool {
	f := q.f
	return q.scope == kam.ScopeAll && f.OwnerID == 0 && f.ParentID == 0 && f.Status == "" && f.Stage == "" &&
		f.Industry == "" && f.Province == "" && f.Tag == "" && f.Within == nil
}

func (q *dirQuery) visible(e *dirEntry) bool {
	switch q.scope {
	case kam.ScopeAll:
	case kam.ScopeOwn:
		if !q.users[e.owner] {
			return false
		}
	default:
		ok := q.users[e.owner] || q.borrowed[e.id]
		for _, u := range e.team {
			ok = ok || q.users[u]
		}
		if !ok {
			return false
		}
	}
	f := q.f
	if f.Within != nil && !f.Within[e.id] {
		return false
	}
	if f.OwnerID != 0 && e.owner != f.OwnerID || f.ParentID != 0 && e.parent != f.ParentID ||
		f.Status != "" && e.status != f.Status || f.Stage != "" && e.stage != f.Stage ||
		f.Industry != "" && e.industry != f.Industry || f.Province != "" && e.province != f.Province {
		return false
	}
	if f.Tag != "" {
		for _, t := range e.tags {
			if t == f.Tag {
				return true
			}
		}
		return false
	}
	return true
}

// termSlots returns the slots matching one search term, ascending.
func (s *dirState) termSlots(t kam.SearchTerm) []int32 {
	if t.Prefix {
		var lists [][]int32
		for tok, p := range s.postings {
			if strings.HasPrefix(tok, t.Tokens[0]) {
				lists = append(lists, p)
			}
		}
		return unionSlots(lists)
	}
	lists := make([][]int32, 0, len(t.Tokens))
	for _, tok := range t.Tokens {
		p, ok := s.postings[tok]
		if !ok {
			return nil
		}
		lists = append(lists, p)
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	// The result must not alias a posting list (intersections write in place).
	out := lists[0]
	if len(lists) > 1 {
		out = append([]int32(nil), lists[0]...)
	}
	for _, l := range lists[1:] {
		out = intersectSlots(out, l)
	}
	if len(t.Tokens) > 1 {
		// Several bigrams: they must stand next to each other, i.e. the phrase is a substring.
		phrase := t.Tokens[0]
		for _, tok := range t.Tokens[1:] {
			_, size := firstRuneLen(tok)
			phrase += tok[size:]
		}
		kept := out[:0]
		for _, slot := range out {
			if strings.Contains(s.entries[slot].text, phrase) {
				kept = append(kept, slot)
			}
		}
		out = kept
	}
	return out
}

func firstRuneLen(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

func intersectSlots(a, b []int32) []int32 {
	out := a[:0]
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			out = append(out, x)
		}
	}
	return out
}

func unionSlots(lists [][]int32) []int32 {
	if len(lists) == 1 {
		return lists[0]
	}
	seen := map[int32]bool{}
	var out []int32
	for _, l := range lists {
		for _, x := range l {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// sortKeys compare two entries by each sort field; less breaks ties by id, as the SQL ORDER BY does.
var sortKeys = map[string]func(a, b *dirEntry) int{
	"code":       func(a, b *dirEntry) int { return strings.Compare(a.code, b.code) },
	"name":       func(a, b *dirEntry) int { return strings.Compare(a.nameKey, b.nameKey) },
	"created_at": func(a, b *dirEntry) int { return cmp.Compare(a.created, b.created) },
	"updated_at": func(a, b *dirEntry) int { return cmp.Compare(a.updated, b.updated) },
	"province":   func(a, b *dirEntry) int { return strings.Compare(a.province, b.province) },
	"industry":   func(a, b *dirEntry) int { return strings.Compare(a.industry, b.industry) },
	"status":     func(a, b *dirEntry) int { return strings.Compare(a.status, b.status) },
	"stage":      func(a, b *dirEntry) int { return strings.Compare(a.stage, b.stage) },
}

func less(field string, a, b *dirEntry) bool {
	if c := sortKeys[field](a, b); c != 0 {
		return c < 0
	}
	return a.id < b.id
}

// order returns every live slot sorted by field, ascending; built once per state and field.
func (s *dirState) order(field string) []int32 {
	s.omu.Lock()
	defer s.omu.Unlock()
	if o, ok := s.orders[field]; ok {
		return o
	}
	o := make([]int32, 0, len(s.slots))
	for slot, e := range s.entries {
		if e != nil {
			o = append(o, int32(slot))
		}
	}
	sort.Slice(o, func(i, j int) bool { return less(field, s.entries[o[i]], s.entries[o[j]]) })
	if s.orders == nil {
		s.orders = map[string][]int32{}
	}
	s.orders[field] = o
	return o
}

// find returns the ids of one page of customers and the total.
func (d *directory) find(ctx context.Context, q *dirQuery) ([]int64, int, error) {
	if err := d.sync(ctx); err != nil {
		return nil, 0, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	st := d.st
	var cand []int32
	all := true
	if strings.TrimSpace(q.f.Q) != "" {
		terms := kam.ParseSearch(q.f.Q)
		if len(terms) == 0 {
			return []int64{}, 0, nil
		}
		all = false
		for i, t := range terms {
			ts := st.termSlots(t)
			if i == 0 {
				cand = ts
			} else {
				cand = intersectSlots(append([]int32(nil), cand...), ts)
			}
			if len(cand) == 0 {
				return []int64{}, 0, nil
			}
		}
	}
	// Count without collecting: a director's list or a common search matches most of the
	// portfolio, and allocating that per request would cost more than the count itself.
	total := 0
	plain := q.unfiltered()
	switch {
	case all && plain:
		total = len(st.slots)
	case plain:
		for _, slot := range cand {
			if st.entries[slot] != nil {
				total++
			}
		}
	case all:
		for _, e := range st.entries {
			if e != nil && q.visible(e) {
				total++
			}
		}
	default:
		for _, slot := range cand {
			if e := st.entries[slot]; e != nil && q.visible(e) {
				total++
			}
		}
	}
	limit, offset := pageBounds(q.f.Limit, q.f.Offset)
	if offset >= total {
		return []int64{}, total, nil
	}
	field := strings.TrimPrefix(q.f.Sort, "-")
	if field == "" {
		field = "code"
	}
	desc := strings.HasPrefix(q.f.Sort, "-")
	var page []int32
	if total <= sortInMemory {
		match := make([]int32, 0, total)
		add := func(slot int32) {
			if e := st.entries[slot]; e != nil && q.visible(e) {
				match = append(match, slot)
			}
		}
		if all {
			for slot := range st.entries {
				add(int32(slot))
			}
		} else {
			for _, slot := range cand {
				add(slot)
			}
		}
		sort.Slice(match, func(i, j int) bool {
			if desc {
				return less(field, st.entries[match[j]], st.entries[match[i]])
			}
			return less(field, st.entries[match[i]], st.entries[match[j]])
		})
		page = match[offset:min(offset+limit, total)]
	} else {
		// Many matches: walk the cached global order and keep the matching ones.
		var in []uint64
		if !all {
			in = make([]uint64, (len(st.entries)+63)/64)
			for _, slot := range cand {
				in[slot/64] |= 1 << (slot % 64)
			}
		}
		o := st.order(field)
		skip := offset
		for i := range o {
			slot := o[i]
			if desc {
				slot = o[len(o)-1-i]
			}
			if in != nil && in[slot/64]&(1<<(slot%64)) == 0 {
				continue
			}
			if e := st.entries[slot]; e == nil || !plain && !q.visible(e) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			page = append(page, slot)
			if len(page) == limit {
				break
			}
		}
	}
	ids := make([]int64, len(page))
	for i, slot := range page {
		ids[i] = st.entries[slot].id
	}
	return ids, total, nil
}
