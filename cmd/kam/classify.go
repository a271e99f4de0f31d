package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/sqldb"
)

var (
	yearPattern  = regexp.MustCompile(`^\d{4}$`)
	monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
)

// decimalFloat reads a share written with 4 decimals, for JSON numbers; "" is 0.
func decimalFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func (a *app) classifyCmd() *cobra.Command {
	var period, from, to, as string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Classify the portfolio over a period: ABC by net revenue, profitability and the whale curve",
		Long: `Computes, from the monthly rollups, the ABC classification by net revenue (sales minus returns;
A while the running total before a customer is below 80% of the total of positive revenues, B below
95%, C the rest and every customer without positive revenue; ties by customer code) and the
profitability after cost-to-serve (cost customers, the whale curve's peak and where it peaks).

--period 2025 is the calendar year; --from 2025-01 --to 2025-12 any months. Default: the last 12
complete months. The result is stored as a run (each customer's class history); --as limits the
portfolio to what a user may see and stores nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case period != "" && (from != "" || to != ""):
				return fmt.Errorf("give --period or --from/--to, not both")
			case period != "":
				if !yearPattern.MatchString(period) {
					return fmt.Errorf("--period %q: a year such as 2025", period)
				}
				from, to = period+"-01", period+"-12"
			case from == "" && to == "":
				from, to = analytics.LastTwelveMonths(time.Now(), locale.Shanghai)
			}
			if !monthPattern.MatchString(from) || !monthPattern.MatchString(to) || from > to {
				return fmt.Errorf("--from %q --to %q: months YYYY-MM, from not after to", from, to)
			}
			// A classification reads each page of the rollups once: no map of the file.
			ctx, db, err := a.openAs(cmd.Context(), as, sqldb.ReadOnce())
			if err != nil {
				return err
			}
			defer db.Close()
			ledger := sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))
			// The company's classification is stored; a user's view of their own customers is not.
			run, err := analytics.ClassifyPeriod(ctx, ledger, from, to, "manual")
			if err != nil {
				return err
			}
			if as == "" {
				if err := ledger.SaveClassification(ctx, run); err != nil {
					return err
				}
			}
			// The run's summary holds every figure printed: the models run once.
			sum := run.Summary.(analytics.Summary)
			type classOut struct {
				Customers int       `json:"customers"`
				Revenue   kam.Money `json:"revenue"`
				Share     float64   `json:"share"`
			}
			out := struct {
				Run           int64               `json:"run,omitempty"`
				Period        map[string]string   `json:"period"`
				Customers     int                 `json:"customers"`
				Revenue       kam.Money           `json:"revenue"`
				ABC           map[string]classOut `json:"abc"`
				Profitability map[string]any      `json:"profitability"`
				LAMP          map[string]int      `json:"lamp"`
				Loyalty       map[string]int      `json:"loyalty"`
			}{LAMP: sum.LAMP, Loyalty: sum.Loyalty, Run: run.ID, Period: map[string]string{"from": from, "to": to}, Customers: sum.Customers, Revenue: sum.Revenue, ABC: map[string]classOut{}}
			for k, c := range sum.Classes {
				out.ABC[k] = classOut{Customers: c.Customers, Revenue: c.Revenue, Share: decimalFloat(c.Share)}
			}
			out.Profitability = map[string]any{"total_profit": sum.TotalProfit, "cost_customers": sum.CostCustomers,
				"profit_customers": sum.ProfitCustomers, "whale_peak_share": decimalFloat(sum.WhalePeakShare), "whale_peak_rank": sum.WhalePeakRank}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			fmt.Fprintf(a.stdout, "portfolio %s … %s: %d customers, net revenue %s\n", from, to, sum.Customers, sum.Revenue)
			for _, k := range []string{"A", "B", "C"} {
				c := out.ABC[k]
				fmt.Fprintf(a.stdout, "  %s  %6d customers  %20s  %6.2f%%\n", k, c.Customers, c.Revenue, c.Share*100)
			}
			fmt.Fprintf(a.stdout, "profit after cost-to-serve %s: %d cost customers, %d profit customers", sum.TotalProfit, sum.CostCustomers, sum.ProfitCustomers)
			if sum.WhalePeakShare != "" {
				fmt.Fprintf(a.stdout, "; the whale curve peaks at %.2f%% of the profit with the first %d customers", decimalFloat(sum.WhalePeakShare)*100, sum.WhalePeakRank)
			}
			fmt.Fprintln(a.stdout)
			if run.ID != 0 {
				fmt.Fprintf(a.stdout, "stored as classification run %d\n", run.ID)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "a calendar year, e.g. 2025")
	cmd.Flags().StringVar(&from, "from", "", "first month, YYYY-MM")
	cmd.Flags().StringVar(&to, "to", "", "last month, YYYY-MM")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().StringVar(&as, "as", "", "classify as this user (e-mail): only their customers")
	return cmd
}
