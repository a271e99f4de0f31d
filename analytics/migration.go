package analytics

import "kam"

// MigrationCell is what moved from one class to another between two runs.
type MigrationCell struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"` // net revenue in the later run
}

// Migration is the matrix of customers moving between ABC classes from one run to another.
// "-" stands for a customer absent from a run (new, or gone).
type Migration struct {
	Cells map[string]map[string]*MigrationCell `json:"cells"` // from class → to class
}

// MigrationMatrix compares two runs' results.
func MigrationMatrix(before, after []kam.CustomerClass) Migration {
	m := Migration{Cells: map[string]map[string]*MigrationCell{}}
	for _, f := range []string{"A", "B", "C", "-"} {
		m.Cells[f] = map[string]*MigrationCell{}
		for _, t := range []string{"A", "B", "C", "-"} {
			m.Cells[f][t] = &MigrationCell{}
		}
	}
	was := make(map[int64]string, len(before))
	for _, r := range before {
		was[r.CustomerID] = r.ABC
	}
	seen := make(map[int64]bool, len(after))
	for _, r := range after {
		from, ok := was[r.CustomerID]
		if !ok {
			from = "-"
		}
		c := m.Cells[from][r.ABC]
		c.Customers++
		c.Revenue += r.NetRevenue
		seen[r.CustomerID] = true
	}
	for _, r := range before {
		if !seen[r.CustomerID] {
			m.Cells[r.ABC]["-"].Customers++
		}
	}
	return m
}
