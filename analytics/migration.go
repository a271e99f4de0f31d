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
	return MigrationOfMoves(Moves(before, after))
}

// MigrationOfMoves counts the customers moving from each class to each other, with their revenue
// in the later run (none for a customer absent from it).
func MigrationOfMoves(moves []Move) Migration {
	m := Migration{Cells: map[string]map[string]*MigrationCell{}}
	for _, f := range []string{"A", "B", "C", Absent} {
		m.Cells[f] = map[string]*MigrationCell{}
		for _, t := range []string{"A", "B", "C", Absent} {
			m.Cells[f][t] = &MigrationCell{}
		}
	}
	for _, mv := range moves {
		c := m.Cells[mv.FromClass][mv.ToClass]
		c.Customers++
		c.Revenue += mv.ToRevenue
	}
	return m
}
