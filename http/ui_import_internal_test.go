package kamhttp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kam"
	"kam/locale"
)

func testUploads(t *testing.T, now func() time.Time) *uploads {
	t.Helper()
	s := newUploads(now)
	s.dir = t.TempDir()
	return s
}

func TestUploadsKeepFilesPerUser(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s := testUploads(t, func() time.Time { return now })
	s.max = 10

	id, size, err := s.create(strings.NewReader("0123456789"))
	if err != nil || size != 10 || !uploadIDPattern.MatchString(id) {
		t.Fatalf("create: %q %d %v", id, size, err)
	}
	if err := s.save(id, &importState{UserID: 7, Kind: "orders", Created: now}); err != nil {
		t.Fatal(err)
	}
	if st, err := s.load(id, 7); err != nil || st.Kind != "orders" {
		t.Fatalf("load by its user: %+v %v", st, err)
	}
	for name, tc := range map[string]struct {
		id   string
		user int64
	}{
		"another user":  {id, 8},
		"malformed id":  {"../" + id, 7},
		"unknown id":    {strings.Repeat("x", 43), 7},
		"path in an id": {"..%2F..%2Fetc%2Fpasswd", 7},
	} {
		if _, err := s.load(tc.id, tc.user); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	now = now.Add(uploadTTL + time.Minute)
	if _, err := s.load(id, 7); kam.ErrorCodeOf(err) != kam.ENotFound {
		t.Errorf("expired import: %v, want not found", err)
	}

	// A file over the limit is refused and leaves nothing behind.
	_, _, err = s.create(strings.NewReader("01234567890"))
	if !errors.Is(err, errTooLarge) {
		t.Errorf("create over the limit: %v", err)
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 1 {
		t.Errorf("%d upload directories, want only the first", len(entries))
	}

	if !s.begin(id) || s.begin(id) || !s.isRunning(id) {
		t.Error("an import can run twice at once")
	}
	s.end(id)
	if s.isRunning(id) {
		t.Error("the import still runs after end")
	}
}

func TestUploadsSweepOldFiles(t *testing.T) {
	s := testUploads(t, time.Now)
	old, _, err := s.create(strings.NewReader("a"))
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-uploadTTL - time.Hour)
	if err := os.Chtimes(filepath.Join(s.dir, old), past, past); err != nil {
		t.Fatal(err)
	}
	s.swept = time.Time{}
	fresh, _, err := s.create(strings.NewReader("b")) // create sweeps first
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.dir, old)); !os.IsNotExist(err) {
		t.Errorf("the old upload is still there: %v", err)
	}
	if _, err := os.Stat(s.dataPath(fresh)); err != nil {
		t.Errorf("the new upload is gone: %v", err)
	}
}

func TestLazyWriterHoldsTheStart(t *testing.T) {
	rec := httptest.NewRecorder()
	w := &lazyWriter{w: rec, start: func(h http.Header) { h.Set("Content-Type", "text/csv") }}
	w.Write([]byte("header\r\n"))
	if w.started || rec.Body.Len() != 0 {
		t.Fatal("a small start was sent at once: an error could no longer show as a page")
	}
	w.Write(make([]byte, lazyHold))
	if !w.started || rec.Body.Len() != lazyHold+8 || rec.Header().Get("Content-Type") != "text/csv" {
		t.Fatalf("started %v, %d bytes sent", w.started, rec.Body.Len())
	}
	w.Write([]byte("more"))
	if rec.Body.Len() != lazyHold+12 {
		t.Errorf("%d bytes sent", rec.Body.Len())
	}
}

func TestLedgerQueryRoundTrip(t *testing.T) {
	for _, raw := range []string{
		"",
		"q=SO2026&from=2026-01-01&to=2026-03-31",
		"status=overdue&customer=42&sort=due_date&per=50&page=3",
		"sort=-amount",
	} {
		v, _ := url.ParseQuery(raw)
		q := parseLedgerQuery(ledgerInvoices, v, invoiceStatuses)
		u, _ := url.Parse(q.url())
		again := parseLedgerQuery(ledgerInvoices, u.Query(), invoiceStatuses)
		if again != q {
			t.Errorf("%q: %+v → %s → %+v", raw, q, q.url(), again)
		}
	}
	v, _ := url.ParseQuery("status=secret&sort=password&from=2026-02-30&per=13&page=-1&customer=x")
	q := parseLedgerQuery(ledgerInvoices, v, invoiceStatuses)
	if q.url() != "/invoices" {
		t.Errorf("malformed parameters: %s, want the plain list", q.url())
	}
	f := parseLedgerQuery(ledgerOrders, url.Values{"sort": {"-order_no"}, "page": {"2"}}, nil).filter("2026-11-23")
	if f.Sort != "order_no" || !f.Desc || f.Offset != 20 || f.Limit != 20 || f.Today != "2026-11-23" {
		t.Errorf("filter = %+v", f)
	}
	if q := parseLedgerQuery(ledgerProducts, url.Values{"customer": {"3"}}, nil); q.Customer != 0 {
		t.Error("products filtered by customer")
	}
}

func TestLedgerFormats(t *testing.T) {
	L := locale.New(locale.ZH)
	for _, tt := range []struct{ got, want string }{
		{moneyIn(L, 12345600, "CNY"), "¥1,234.56"},
		{moneyIn(L, 12345600, ""), "¥1,234.56"},
		{moneyIn(L, -12345600, "USD"), "-USD 1,234.56"},
		{margin(250000, 1000000), "25.0%"},
		{margin(-1, 3), "-33.3%"},
		{margin(5, 0), "—"},
		{(moneyTotals{"CNY": 1_000_000 * 10_000 * 2, "USD": 50000}).text(L), "200.00万元 · USD 5.00"},
		{(moneyTotals{}).text(L), "¥0.00"},
		{strconv.Itoa(daysBetween("2026-10-25", "2026-11-08")), "14"},
		{strconv.Itoa(daysBetween("bad", "2026-11-08")), "0"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
