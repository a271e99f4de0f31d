package kamhttp

import (
	"encoding/json"
	"fmt"
	"testing"

	"kam"
	"kam/analytics"
	"kam/locale"
)

// A portfolio over chartMaxPoints customers is sampled for the charts: about a thousand points,
// the first and last rank kept, and the whale curve's peak kept.
func TestDashboardChartsAreSampled(t *testing.T) {
	for _, n := range []int{12, chartMaxPoints, 5003} {
		var figures []kam.CustomerPeriod
		for i := 0; i < n; i++ {
			rev := kam.Money((n - i) * 10_000)
			profit := rev / 5
			if i%7 == 0 {
				profit = -rev / 3 // cost customers, so the peak is inside the curve
			}
			figures = append(figures, kam.CustomerPeriod{CustomerID: int64(i + 1), Code: fmt.Sprintf("C%06d", i), NetRevenue: rev, GrossProfit: profit})
		}
		abc := analytics.ClassifyABC(figures, analytics.DefaultABC())
		w := analytics.WhaleCurve(figures)
		ps, ws, step := chartData(locale.New(locale.EN), abc, w)
		var p paretoChart
		var wc whaleChart
		if err := json.Unmarshal([]byte(ps), &p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(ws), &wc); err != nil {
			t.Fatal(err)
		}
		if n <= chartMaxPoints {
			if step != 1 || len(p.Ranks) != n || len(wc.Ranks) != n {
				t.Errorf("%d customers: step %d, %d and %d points; want every customer", n, step, len(p.Ranks), len(wc.Ranks))
			}
		} else if step < 2 || len(p.Ranks) > chartMaxPoints/2+2 || len(wc.Ranks) > chartMaxPoints/2+3 {
			t.Errorf("%d customers: step %d, %d and %d points", n, step, len(p.Ranks), len(wc.Ranks))
		}
		if p.Ranks[0] != 1 || p.Ranks[len(p.Ranks)-1] != n || p.Cumulative[len(p.Cumulative)-1] != 100 {
			t.Errorf("%d customers: Pareto runs %d–%d to %v%%", n, p.Ranks[0], p.Ranks[len(p.Ranks)-1], p.Cumulative[len(p.Cumulative)-1])
		}
		peak := false
		for i, r := range wc.Ranks {
			if r == w.PeakRank && wc.Cumulative[i] == wc.PeakValue && wc.PeakValue > 0 {
				peak = true
			}
		}
		if !peak || wc.PeakRank != w.PeakRank {
			t.Errorf("%d customers: the peak (rank %d) is not on the sampled curve", n, w.PeakRank)
		}
		if p.Labels.Title != "Pareto chart" || wc.Labels.Mark != "Peak" {
			t.Errorf("labels %+v %+v", p.Labels, wc.Labels)
		}
	}
}
