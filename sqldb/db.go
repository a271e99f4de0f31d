// Package sqldb implements KAM's services over database/sql, on SQLite (embedded, the default)
// and PostgreSQL, from one codebase.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kam"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the database kind.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds the connection pools. SQLite gets one write connection (SQLite allows one writer;
// queuing writers in the pool instead of in busy-retry loops keeps latency predictable) and a
// pool of read connections (WAL lets readers run beside the writer). PostgreSQL uses one pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// Now is the clock for stored timestamps; tests replace it.
	Now func() time.Time

	rebindCache sync.Map
	// stmts caches prepared read statements: preparing (parsing) SQL costs as much as running
	// a simple query on SQLite. database/sql prepares each on a connection at first use there.
	stmts     sync.Map
	stmtCount atomic.Int64

	// commits counts the write transactions this process committed: the customer directory
	// looks at the change log after each of them, and otherwise at most every DirectoryPoll.
	commits atomic.Int64
	// DirectoryPoll bounds how long a write by another process can stay out of this process's
	// customer lists (writes of this process show at once).
	DirectoryPoll time.Duration
	// audit is the audit log's own database file on SQLite (see audit_file.go); nil on
	// PostgreSQL, where the log is in the database itself.
	audit *DB
	// checkpoints counts the checkpoints running behind (see checkpointBehind).
	checkpoints sync.WaitGroup
}

// maxCachedStmts bounds the statement cache; queries with generated IN lists vary in text.
const maxCachedStmts = 512

// readStmt returns a cached prepared statement on the read pool, or nil when the cache is full.
func (db *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	if v, ok := db.stmts.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if db.stmtCount.Load() >= maxCachedStmts {
		return nil
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil // the plain query reports the error
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	db.stmtCount.Add(1)
	return st
}

// ParseDSN splits KAM_DB into a dialect and a driver DSN: "sqlite:PATH" (or a bare path) or
// a "postgres://…" / "postgresql://…" URL.
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite://"):
		return SQLite, strings.TrimPrefix(dsn, "sqlite://"), nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return SQLite, strings.TrimPrefix(dsn, "sqlite:"), nil
	case dsn == "":
		return "", "", errors.New("empty database address: use sqlite:PATH or postgres://…")
	case strings.Contains(dsn, "://"):
		return "", "", fmt.Errorf("unsupported database address %q: use sqlite:PATH or postgres://…", redact(dsn))
	}
	return SQLite, dsn, nil
}

// redact hides a password in a database URL before it is shown or logged.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// An Option changes how Open opens a database.
type Option func(*openOptions)

type openOptions struct {
	readMmap  int64
	readCache int64
}

// ReadOnce is for a process that reads most pages it needs once (a classification of the
// portfolio): SQLite's readers read through their page cache instead of mapping up to 256 MB of
// the file, whose mapped pages count as the process's memory and save such a reader nothing.
func ReadOnce() Option { return func(o *openOptions) { o.readMmap, o.readCache = 0, -2000 } }

// Open connects to the database named by dsn (see ParseDSN). It does not migrate the database;
// on SQLite it creates and migrates the audit log's own file beside it (see audit_file.go).
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	dialect, driverDSN, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		if driverDSN == "" {
			return nil, errors.New("sqlite: empty file path")
		}
		db, err := openSQLite(ctx, driverDSN, opts...)
		if err != nil {
			return nil, err
		}
		if err := db.openAuditFile(ctx, driverDSN); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	db := &DB{dialect: dialect, Now: time.Now, DirectoryPoll: 100 * time.Millisecond}
	if db.write, err = sql.Open("pgx", driverDSN); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(32)
	db.write.SetMaxIdleConns(32)
	db.write.SetConnMaxIdleTime(5 * time.Minute)
	db.read = db.write
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open postgres %s: %w", redact(driverDSN), err)
	}
	return db, nil
}

// openSQLite opens the pools of a SQLite file: one writer, several readers.
func openSQLite(ctx context.Context, driverDSN string, opts ...Option) (*DB, error) {
	o := openOptions{readMmap: 256 << 20, readCache: -32000}
	for _, opt := range opts {
		opt(&o)
	}
	var err error
	db := &DB{dialect: SQLite, Now: time.Now, DirectoryPoll: 100 * time.Millisecond}
	{
		pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)"
		base := "file:" + driverDSN
		sep := "?"
		if strings.Contains(driverDSN, "?") {
			sep = "&"
		}
		// Readers map the file (fast random reads); the writer does not, so that a bulk import's
		// memory stays the page cache's, not the whole file's.
		if db.write, err = sql.Open("sqlite", base+sep+pragmas+"&_pragma=cache_size(-32000)&_pragma=mmap_size(0)&_txlock=immediate"); err != nil {
			return nil, err
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		db.write.SetConnMaxLifetime(0)
		// The write connection creates the file and switches it to WAL before readers open it.
		if err := db.write.PingContext(ctx); err != nil {
			db.write.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", driverDSN, err)
		}
		if db.read, err = sql.Open("sqlite", base+sep+pragmas+fmt.Sprintf("&_pragma=cache_size(%d)&_pragma=mmap_size(%d)&_pragma=query_only(1)", o.readCache, o.readMmap)); err != nil {
			db.write.Close()
			return nil, err
		}
		n := max(4, 2*runtime.NumCPU())
		db.read.SetMaxOpenConns(n)
		db.read.SetMaxIdleConns(n)
		db.read.SetConnMaxLifetime(0)
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	db.checkpoints.Wait()
	db.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.audit != nil {
		err = errors.Join(err, db.audit.Close())
	}
	return err
}

// Dialect returns the database kind.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if db.dialect == Postgres {
		d = goose.DialectPostgres
	}
	return goose.NewProvider(d, db.write, sub)
}

// Migrate brings the schema up to date. Each migration runs in a transaction.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the schema's version and the version this program expects.
func (db *DB) SchemaVersion(ctx context.Context) (current, target int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// MigrationNames lists the embedded migration files of a dialect (a test checks both agree).
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Queries are written once with ?;
// question marks inside quoted strings are left alone.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebindCache.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	db.rebindCache.Store(q, out)
	return out
}

// queryer is what read helpers need: the read pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// conn runs rebound queries on a pool or a transaction.
type conn struct {
	db *DB
	q  queryer
	// snap is the read transaction of a snapshot (see DB.snapshot), whose queries use the read
	// pool's prepared statements on the transaction's connection.
	snap *sql.Tx
}

// prepared is the read pool's prepared statement for q in this conn, or nil.
func (c conn) prepared(ctx context.Context, q string) *sql.Stmt {
	if c.q != c.db.read && c.snap == nil {
		return nil
	}
	st := c.db.readStmt(ctx, q)
	if st != nil && c.snap != nil {
		st = c.snap.StmtContext(ctx, st)
	}
	return st
}

func (c conn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = c.db.rebind(q)
	if st := c.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.q.QueryContext(ctx, q, args...)
}

func (c conn) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = c.db.rebind(q)
	if st := c.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.q.QueryRowContext(ctx, q, args...)
}

func (c conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.db.rebind(q), args...)
}

// reader returns a conn on the read pool.
func (db *DB) reader() conn { return conn{db: db, q: db.read} }

// snapshot runs fn with a conn whose queries share one read transaction on one connection of
// the read pool: they see one state of the database. On SQLite it also saves work: the first
// read transaction after any commit (an audit entry's too) resets the connection's page cache
// and file mapping, once per transaction rather than once per query.
func (db *DB) snapshot(ctx context.Context, fn func(conn) error) error {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(conn{db: db, q: tx, snap: tx})
}

// Tx is a write transaction. It carries the moment of the change, so that every row written in
// one transaction has the same timestamp.
type Tx struct {
	conn
	tx  *sql.Tx
	ctx context.Context
	now time.Time
	// stmts holds statements a bulk write runs many times; they close with the transaction.
	stmts map[string]*sql.Stmt
	// sqlConn is the connection of a transaction begun with beginConn (PostgreSQL bulk writes
	// reach the driver through it for COPY).
	sqlConn *sql.Conn
	// rollupsChanged marks a transaction that changed the rollups: its commit raises the
	// ledger's generation (see AnalyticsGeneration).
	rollupsChanged bool
	// behind runs the transaction's queued writes (see writeBehind); nil when it writes at once.
	behind *writeBehind
	// running is, in the write-behind goroutine's transaction, held for each statement (see
	// Tx.between).
	running *writeBehind
}

// beginConn starts a write transaction on a connection of its own, for bulk writes.
func (db *DB) beginConn(ctx context.Context) (*Tx, error) {
	if db.dialect != Postgres {
		return db.Begin(ctx)
	}
	c, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{conn: conn{db: db, q: tx}, tx: tx, ctx: ctx, now: db.Now().UTC(), sqlConn: c}, nil
}

// copyRows writes rows into table: with COPY on PostgreSQL (several times faster than INSERT),
// in multi-row INSERTs elsewhere. Values must be of the column's Go type (time.Time for times).
func (tx *Tx) copyRows(table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.settle(); err != nil {
		return err
	}
	if tx.sqlConn == nil {
		return tx.insertMany(table, cols, rows, "", max(1, min(500, 30000/len(cols))))
	}
	for len(rows) > 0 {
		// A few thousand rows per COPY: a read between queued writes waits for one at most.
		part := rows[:min(len(rows), copyRowsPer)]
		rows = rows[len(part):]
		done := tx.statement()
		err := tx.sqlConn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy into %s: unexpected driver connection %T", table, dc)
			}
			_, err := c.Conn().CopyFrom(tx.ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(part))
			return err
		})
		done()
		if err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
	}
	return nil
}

const copyRowsPer = 2500

// prepared returns a statement prepared once per transaction: bulk writes repeat the same
// multi-row statements, and parsing them each time costs as much as running them on SQLite.
func (tx *Tx) prepared(q string) (*sql.Stmt, error) {
	if err := tx.settle(); err != nil {
		return nil, err
	}
	if st := tx.stmts[q]; st != nil {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, tx.db.rebind(q))
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st, nil
}

func (tx *Tx) execPrepared(q string, args ...any) (sql.Result, error) {
	defer tx.statement()()
	st, err := tx.prepared(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(tx.ctx, args...)
}

// Begin starts a write transaction.
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{conn: conn{db: db, q: tx}, tx: tx, ctx: ctx, now: db.Now().UTC()}, nil
}

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if err := tx.stopWriteBehind(); err != nil {
		tx.Rollback()
		return err
	}
	if tx.rollupsChanged {
		// Raised last, so that on PostgreSQL concurrent writers hold the row's lock only for
		// the moment of their commits.
		if _, err := tx.Exec("UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1"); err != nil {
			tx.Rollback()
			return fmt.Errorf("raise the ledger generation: %w", err)
		}
	}
	err := tx.tx.Commit()
	if tx.sqlConn != nil {
		tx.sqlConn.Close()
		tx.sqlConn = nil
	}
	if err != nil {
		return err
	}
	tx.db.commits.Add(1)
	return nil
}

// Rollback aborts the transaction; after Commit it is a no-op.
func (tx *Tx) Rollback() error {
	tx.stopWriteBehind() // a failed queued write changes nothing: all of it is rolled back
	err := tx.tx.Rollback()
	if tx.sqlConn != nil {
		tx.sqlConn.Close()
		tx.sqlConn = nil
	}
	return err
}

func (tx *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	if err := tx.settle(); err != nil {
		return nil, err
	}
	return tx.query(tx.ctx, q, args...)
}

// QueryRow waits for the queued writes too; an error of theirs comes with the next statement or
// the commit (a Row cannot carry it).
func (tx *Tx) QueryRow(q string, args ...any) *sql.Row {
	tx.settle()
	return tx.queryRow(tx.ctx, q, args...)
}

func (tx *Tx) Exec(q string, args ...any) (sql.Result, error) {
	if err := tx.settle(); err != nil {
		return nil, err
	}
	defer tx.statement()()
	return tx.exec(tx.ctx, q, args...)
}

// timeArg converts a time for storage: fixed-width RFC 3339 text in UTC for SQLite (so text
// order is time order), timestamptz for PostgreSQL.
func (db *DB) timeArg(t time.Time) any {
	if db.dialect == SQLite {
		return t.UTC().Format(sqliteTime)
	}
	return t.UTC()
}

const sqliteTime = "2006-01-02T15:04:05.000000000Z"

// timeScan reads a stored time from either dialect.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	case nil:
		*s.t = time.Time{}
	default:
		return fmt.Errorf("cannot read %T as a time", src)
	}
	return nil
}

func (s timeScan) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", v, err)
	}
	*s.t = t.UTC()
	return nil
}

// nullID reads a nullable id into a pointer.
type nullID struct{ p **int64 }

func (s nullID) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	if n.Valid {
		v := n.Int64
		*s.p = &v
	} else {
		*s.p = nil
	}
	return nil
}

func idArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// isUniqueViolation reports whether err is a unique-constraint violation, by error code.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// actorOf returns the actor of ctx or an EUnauthorized error: services never act for nobody.
func actorOf(ctx context.Context) (*kam.Actor, error) {
	a := kam.ActorFrom(ctx)
	if a == nil {
		return nil, kam.Errorf(kam.EUnauthorized, "not logged in")
	}
	return a, nil
}
