package kamhttp

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"kam"
	"kam/importer"
)

// uploads keeps the files of imports in progress between their steps (upload, mapping, dry run,
// import) under a random id in the system's temporary directory: <tmp>/kam-imports/<id>/ holds
// the file ("data"), the state of the steps ("state.json") and the report of the last run
// ("report.csv"). Only the user who uploaded a file may use it. The file is deleted once it is
// imported; everything is deleted after uploadTTL. The directory is local to this process's
// machine: behind a load balancer the steps of an import need sticky sessions.
type uploads struct {
	dir string
	now func() time.Time
	ttl time.Duration
	// max is the largest file accepted (maxImportFileBytes; tests lower it).
	max int64

	mu      sync.Mutex
	running map[string]bool
	swept   time.Time
}

// maxImportFileBytes bounds an uploaded file.
const maxImportFileBytes = 200 << 20

// uploadTTL is how long an unfinished import stays on disk.
const uploadTTL = 24 * time.Hour

func newUploads(now func() time.Time) *uploads {
	return &uploads{dir: filepath.Join(os.TempDir(), "kam-imports"), now: now, ttl: uploadTTL, max: maxImportFileBytes, running: map[string]bool{}}
}

// importState is what the steps of one import remember.
type importState struct {
	UserID   int64     `json:"user_id"`
	Kind     string    `json:"kind"`
	FileName string    `json:"file_name"`
	Size     int64     `json:"size"`
	Created  time.Time `json:"created"`
	// Format and Encoding are what the reader found.
	Format   string `json:"format"`
	Encoding string `json:"encoding"`
	// The options chosen on the mapping step.
	ReadEncoding string            `json:"read_encoding"`
	Sheet        string            `json:"sheet"`
	DateLayout   string            `json:"date_layout"`
	NoCreate     bool              `json:"no_create"`
	SkipInvalid  bool              `json:"skip_invalid"`
	Mapping      map[string]string `json:"mapping"`
	// The last run: its summary, or the error that stopped it.
	Summary *importer.Summary `json:"summary,omitempty"`
	Error   string            `json:"error,omitempty"`
	// Done is set when the import was written; the file is then deleted.
	Done bool `json:"done"`
}

var uploadIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func (s *uploads) path(id, name string) string { return filepath.Join(s.dir, id, name) }

func (s *uploads) dataPath(id string) string   { return s.path(id, "data") }
func (s *uploads) reportPath(id string) string { return s.path(id, "report.csv") }

// errTooLarge is returned when an upload exceeds the limit.
var errTooLarge = errors.New("upload too large")

// create stores an uploaded file under a new id. It returns errTooLarge for a file over the
// limit, and the body's own error when the upload breaks off; nothing is left behind then.
func (s *uploads) create(body io.Reader) (id string, size int64, err error) {
	s.sweep()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", 0, err
	}
	dir := randomToken()
	if err := os.Mkdir(filepath.Join(s.dir, dir), 0o700); err != nil {
		return "", 0, err
	}
	f, err := os.OpenFile(s.dataPath(dir), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		s.remove(dir)
		return "", 0, err
	}
	size, err = io.Copy(f, io.LimitReader(body, s.max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && size > s.max {
		err = errTooLarge
	}
	if err != nil {
		s.remove(dir)
		return "", 0, err
	}
	return dir, size, nil
}

// load reads the state of an import of user. Another user's import, a malformed id and an
// expired one are all "not found".
func (s *uploads) load(id string, user int64) (*importState, error) {
	notFound := kam.Errorf(kam.ENotFound, "no such import")
	if !uploadIDPattern.MatchString(id) {
		return nil, notFound
	}
	b, err := os.ReadFile(s.path(id, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	var st importState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	if st.UserID != user || s.now().Sub(st.Created) > s.ttl {
		return nil, notFound
	}
	return &st, nil
}

// save writes the state atomically (a reload never reads half a file).
func (s *uploads) save(id string, st *importState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := s.path(id, "state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path(id, "state.json"))
}

func (s *uploads) remove(id string) {
	if uploadIDPattern.MatchString(id) {
		os.RemoveAll(filepath.Join(s.dir, id))
	}
}

// begin marks an import as running; false when it already is (a double click, a second tab).
func (s *uploads) begin(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[id] {
		return false
	}
	s.running[id] = true
	return true
}

func (s *uploads) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, id)
}

func (s *uploads) isRunning(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[id]
}

// sweep deletes the imports older than the TTL, at most once a minute. It compares the files'
// times with the real clock, not the server's (which tests replace).
func (s *uploads) sweep() {
	s.mu.Lock()
	now := time.Now()
	if now.Sub(s.swept) < time.Minute {
		s.mu.Unlock()
		return
	}
	s.swept = now
	s.mu.Unlock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !uploadIDPattern.MatchString(e.Name()) || s.isRunning(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > s.ttl {
			os.RemoveAll(filepath.Join(s.dir, e.Name()))
		}
	}
}
