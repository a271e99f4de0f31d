package kamhttp_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	kamhttp "kam/http"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// Every route, UI and API, declares the permission it needs; an API operation registered with
// huma.Register instead of register has none and is named here.
func TestEveryRouteDeclaresItsPermission(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	customers := sqldb.NewCustomerService(db)
	ledger := sqldb.NewLedgerService(db, customers)
	audit := sqldb.NewAuditLog(db)
	defer audit.Close()
	s := &kamhttp.Server{Customers: customers, Ledger: ledger, Exporter: ledger, Imports: ledger, Users: sqldb.NewUserService(db),
		Audit: audit, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	routes := s.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	ops := 0
	for _, r := range routes {
		if !r.Declared() {
			how := "register it with u.handle(rt, pattern, need(kam.Act…, kam.Res…), handler) (or public/anyUser)"
			if strings.Contains(r.Pattern, "/api/") {
				how = "register the operation with register(api, need(kam.Act…, kam.Res…), huma.Operation{…}, handler) instead of huma.Register"
			}
			t.Errorf("route %q (operation %q) declares no permission: %s", r.Pattern, r.OperationID, how)
		}
		if r.OperationID != "" {
			ops++
		}
	}
	if ops < 30 {
		t.Errorf("only %d API operations in the registry", ops)
	}
}
