package analytics

import "testing"

func TestScoreRFM(t *testing.T) {
	var fs []CustomerFigures
	// Ten customers: recency 0–9 months, frequency 1–10, revenue 10–100.
	for i := 0; i < 10; i++ {
		fs = append(fs, CustomerFigures{CustomerID: int64(i + 1), Code: string(rune('A' + i)), Orders: int64(i + 1), NetRevenue: yuan(int64(10 * (i + 1))),
			LastMonth: []string{"2025-12", "2025-11", "2025-10", "2025-09", "2025-08", "2025-07", "2025-06", "2025-05", "2025-04", "2025-03"}[i]})
	}
	fs = append(fs, CustomerFigures{CustomerID: 99, Code: "Z"}) // no orders
	got := ScoreRFM(fs, "2025-12")
	want := map[string]string{"A": "511", "B": "511", "C": "422", "D": "422", "E": "333", "F": "333", "G": "244", "H": "244", "I": "155", "J": "155", "Z": ""}
	for _, r := range got {
		if r.Score != want[r.Code] {
			t.Errorf("%s: score %q (R%d F%d M%d, recency %d), want %q", r.Code, r.Score, r.R, r.F, r.M, r.Recency, want[r.Code])
		}
	}
	// Ties share a score: every customer equal on every measure gets 1s.
	tied := []CustomerFigures{{CustomerID: 1, Code: "A", Orders: 2, NetRevenue: 5, LastMonth: "2025-01"}, {CustomerID: 2, Code: "B", Orders: 2, NetRevenue: 5, LastMonth: "2025-01"}}
	for _, r := range ScoreRFM(tied, "2025-12") {
		if r.Score != "111" || r.Recency != 11 {
			t.Errorf("tied %s: %q recency %d", r.Code, r.Score, r.Recency)
		}
	}
	if len(ScoreRFM(nil, "2025-12")) != 0 {
		t.Error("an empty portfolio has scores")
	}
}
