package analytics

import (
	"testing"
	"time"

	"kam"
)

func TestMigrationMatrix(t *testing.T) {
	before := []kam.CustomerClass{{CustomerID: 1, ABC: "A"}, {CustomerID: 2, ABC: "B"}, {CustomerID: 3, ABC: "C"}, {CustomerID: 4, ABC: "C"}}
	after := []kam.CustomerClass{{CustomerID: 1, ABC: "A", NetRevenue: 100}, {CustomerID: 2, ABC: "A", NetRevenue: 50},
		{CustomerID: 3, ABC: "C", NetRevenue: 1}, {CustomerID: 5, ABC: "B", NetRevenue: 7}}
	m := MigrationMatrix(before, after)
	want := []struct {
		from, to  string
		customers int
		revenue   kam.Money
	}{{"A", "A", 1, 100}, {"B", "A", 1, 50}, {"C", "C", 1, 1}, {"-", "B", 1, 7}, {"C", "-", 1, 0}, {"A", "B", 0, 0}}
	for _, w := range want {
		c := m.Cells[w.from][w.to]
		if c.Customers != w.customers || c.Revenue != w.revenue {
			t.Errorf("%s→%s: %+v, want %d customers, %s", w.from, w.to, c, w.customers, w.revenue)
		}
	}
	total := 0
	for _, row := range m.Cells {
		for _, c := range row {
			total += c.Customers
		}
	}
	if total != 5 { // 4 in the later run and one that left
		t.Errorf("the matrix holds %d customers", total)
	}
}

// TestLastTwelveMonths: counted from the first of the month, so the 31st of a month after a short
// one does not shift the period.
func TestLastTwelveMonths(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for _, c := range []struct{ now, from, to string }{
		{"2026-03-31T12:00:00+08:00", "2025-03", "2026-02"},
		{"2026-01-01T00:30:00+08:00", "2025-01", "2025-12"},
		{"2025-12-31T17:00:00Z", "2025-01", "2025-12"}, // already 2026-01-01 in Shanghai
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if from, to := LastTwelveMonths(now, loc); from != c.from || to != c.to {
			t.Errorf("%s: %s … %s, want %s … %s", c.now, from, to, c.from, c.to)
		}
	}
}
