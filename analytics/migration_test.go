package analytics

import (
	"testing"

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
