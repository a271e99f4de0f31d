package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
)

func wantCode(t *testing.T, what string, err error, code kam.ErrorCode, field string) {
	t.Helper()
	if kam.ErrorCodeOf(err) != code {
		t.Fatalf("%s: got %v (%s), want %s", what, err, kam.ErrorCodeOf(err), code)
	}
	if field == "" {
		return
	}
	for _, f := range kam.FieldErrors(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("%s: %v names no field %q", what, err, field)
}

// listed returns the total of a's customer list with search q, and whether id is on its page.
func (f *fixture) listed(t *testing.T, u *kam.User, q string, id int64) (int, bool) {
	t.Helper()
	cs, total, err := f.customers.FindCustomers(as(u), kam.CustomerFilter{Q: q, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return total, true
		}
	}
	return total, false
}

func exportedCodes(t *testing.T, ledger *sqldb.LedgerService, u *kam.User, customerID int64) ([]string, error) {
	t.Helper()
	var codes []string
	err := ledger.Export(as(u), "customers", kam.LedgerFilter{CustomerID: customerID}, func(m map[string]string) error {
		codes = append(codes, m["code"])
		return nil
	})
	return codes, err
}

func TestBorrowLifecycle(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		borrow := sqldb.NewBorrowService(f.db, f.customers)
		ledger := sqldb.NewLedgerService(f.db, f.customers)
		c1 := f.create(t, f.rep1, "深圳华拓电子科技有限公司") // rep1's, supervised by sup
		c2 := f.create(t, f.other, "江苏恒瑞精密机械有限公司")
		if _, err := f.customers.FindCustomerByID(as(f.other), c1.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("before borrowing: %v", err)
		}

		// Bad requests change nothing.
		_, err := borrow.RequestBorrow(as(f.other), c2.ID, "", kam.BorrowInput{Reason: "看看"})
		wantCode(t, "borrow own file", err, kam.EConflict, "")
		_, err = borrow.RequestBorrow(as(f.director), c1.ID, "", kam.BorrowInput{Reason: "看看"})
		wantCode(t, "director borrows", err, kam.EConflict, "")
		_, err = borrow.RequestBorrow(as(f.other), 99999, "", kam.BorrowInput{Reason: "看看"})
		wantCode(t, "unknown id", err, kam.ENotFound, "")
		_, err = borrow.RequestBorrow(as(f.other), 0, "NOPE", kam.BorrowInput{Reason: "看看"})
		wantCode(t, "unknown code", err, kam.ENotFound, "")
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "看看", Days: 31})
		wantCode(t, "days over the maximum", err, kam.EInvalid, "days")
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "看看", Days: -1})
		wantCode(t, "negative days", err, kam.EInvalid, "days")
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "  "})
		wantCode(t, "no reason", err, kam.EInvalid, "reason")
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: strings.Repeat("长", 501)})
		wantCode(t, "long reason", err, kam.EInvalid, "reason")
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "看看", Scope: []string{"view", "delete"}})
		wantCode(t, "unknown right", err, kam.EInvalid, "scope")
		if _, n, _ := borrow.FindBorrowRequests(as(f.director), kam.BorrowFilter{}); n != 0 {
			t.Fatalf("bad requests stored %d", n)
		}

		req, err := borrow.RequestBorrow(as(f.other), 0, c1.Code, kam.BorrowInput{Reason: "客户投诉跟进", Days: 2, Scope: []string{"view"}})
		if err != nil {
			t.Fatal(err)
		}
		if req.State != kam.BorrowPending || req.CustomerCode != c1.Code || req.CustomerName != c1.Name || req.Days != 2 || len(req.Scope) != 1 {
			t.Fatalf("request: %+v", req)
		}
		_, err = borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "再来"})
		wantCode(t, "second request while pending", err, kam.EConflict, "")
		if _, err := f.customers.FindCustomerByID(as(f.other), c1.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("pending request shows the file: %v", err)
		}

		// Deciding: not the borrower, not a rep of the team; the owner's supervisor.
		_, err = borrow.ApproveBorrow(as(f.other), req.ID, "")
		wantCode(t, "approve own request", err, kam.EForbidden, "")
		_, err = borrow.RefuseBorrow(as(f.other), req.ID, "")
		wantCode(t, "refuse own request", err, kam.EForbidden, "")
		_, err = borrow.ApproveBorrow(as(f.rep2), req.ID, "")
		wantCode(t, "a rep approves", err, kam.ENotFound, "")
		_, err = borrow.ApproveBorrow(as(f.sup), req.ID, strings.Repeat("x", 501))
		wantCode(t, "long note", err, kam.EInvalid, "note")
		approvedAt := f.clock
		req, err = borrow.ApproveBorrow(as(f.sup), req.ID, "同意")
		if err != nil {
			t.Fatal(err)
		}
		expires := approvedAt.Add(48 * time.Hour)
		if req.State != kam.BorrowApproved || req.ExpiresAt == nil || !req.ExpiresAt.Equal(expires) || req.DeciderName != f.sup.Name {
			t.Fatalf("approved: %+v", req)
		}
		_, err = borrow.ApproveBorrow(as(f.sup), req.ID, "")
		wantCode(t, "approve twice", err, kam.EConflict, "")
		_, err = borrow.RefuseBorrow(as(f.director), req.ID, "")
		wantCode(t, "refuse an approved one", err, kam.EConflict, "")
		_, err = borrow.ReturnBorrow(as(f.sup), req.ID)
		wantCode(t, "return someone else's grant", err, kam.EForbidden, "")

		// The grant: view, in lists and search; no edit, no export.
		if _, err := f.customers.Card(as(f.other), c1.ID, nil); err != nil {
			t.Fatalf("card through the grant: %v", err)
		}
		if total, ok := f.listed(t, f.other, "", c1.ID); total != 2 || !ok {
			t.Fatalf("list with the grant: total %d, listed %v", total, ok)
		}
		if total, ok := f.listed(t, f.other, "华拓", c1.ID); total != 1 || !ok {
			t.Fatalf("search with the grant: total %d, listed %v", total, ok)
		}
		_, err = f.customers.UpdateCustomer(as(f.other), c1.ID, c1.Version, func(c *kam.Customer) error { c.Note = "改"; return nil })
		wantCode(t, "edit through a view grant", err, kam.EForbidden, "")
		err = f.customers.CreateUnit(as(f.other), &kam.Unit{CustomerID: c1.ID, Name: "采购部", Kind: "department"})
		wantCode(t, "add a unit through a view grant", err, kam.EForbidden, "")
		_, err = exportedCodes(t, ledger, f.other, c1.ID)
		wantCode(t, "export through a view grant", err, kam.EForbidden, "")
		if codes, err := exportedCodes(t, ledger, f.other, 0); err != nil || len(codes) != 1 || codes[0] != c2.Code {
			t.Fatalf("export of all files holds the borrowed one: %v %v", codes, err)
		}
		access, err := borrow.FileAccess(as(f.other), c1.ID)
		if err != nil || access.Grant == nil || access.Grant.ID != req.ID || access.Edit || access.Export {
			t.Fatalf("file access: %+v %v", access, err)
		}
		if own, err := borrow.FileAccess(as(f.other), c2.ID); err != nil || own.Grant != nil || !own.Edit {
			t.Fatalf("own file access: %+v %v", own, err)
		}
		_, err = borrow.LapsedGrant(as(f.other), c1.ID)
		wantCode(t, "lapsed grant while live", err, kam.ENotFound, "")

		// Expiry to the second, on the store's clock.
		f.clock = expires.Add(-time.Second)
		if _, err := f.customers.FindCustomerByID(as(f.other), c1.ID); err != nil {
			t.Fatalf("one second before expiry: %v", err)
		}
		if total, ok := f.listed(t, f.other, "华拓", c1.ID); total != 1 || !ok {
			t.Fatalf("search one second before expiry: %d %v", total, ok)
		}
		f.clock = expires
		if _, err := f.customers.FindCustomerByID(as(f.other), c1.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("at expiry: %v", err)
		}
		if total, ok := f.listed(t, f.other, "", c1.ID); total != 1 || ok {
			t.Fatalf("list at expiry: total %d, listed %v", total, ok)
		}
		if total, _ := f.listed(t, f.other, "华拓", c1.ID); total != 0 {
			t.Fatalf("search at expiry: %d", total)
		}
		if lapsed, err := borrow.LapsedGrant(as(f.other), c1.ID); err != nil || lapsed.ID != req.ID || lapsed.State != kam.BorrowExpired {
			t.Fatalf("lapsed grant: %+v %v", lapsed, err)
		}
		_, err = borrow.ReturnBorrow(as(f.other), req.ID)
		wantCode(t, "return an expired grant", err, kam.EConflict, "")

		// A second loan with every right, approved by a director, returned early.
		f.tick(time.Hour)
		full, err := borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "年度对账", Scope: []string{"view,export", "edit"}})
		if err != nil {
			t.Fatal(err)
		}
		if full.Days != kam.DefaultBorrowDays || len(full.Scope) != 3 {
			t.Fatalf("defaults: %+v", full)
		}
		if _, err := borrow.ApproveBorrow(as(f.director), full.ID, ""); err != nil {
			t.Fatal(err)
		}
		cur, err := f.customers.FindCustomerByID(as(f.other), c1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.customers.UpdateCustomer(as(f.other), c1.ID, cur.Version, func(c *kam.Customer) error { c.Note = "已对账"; return nil }); err != nil {
			t.Fatalf("edit through an edit grant: %v", err)
		}
		if codes, err := exportedCodes(t, ledger, f.other, 0); err != nil || strings.Join(codes, ",") != c1.Code+","+c2.Code {
			t.Fatalf("export through an export grant: %v %v", codes, err)
		}
		err = f.customers.DeleteCustomer(as(f.other), c1.ID, cur.Version+1)
		wantCode(t, "a rep deletes", err, kam.EForbidden, "")
		f.tick(time.Minute)
		ret, err := borrow.ReturnBorrow(as(f.other), full.ID)
		if err != nil || ret.State != kam.BorrowReturned || ret.ReturnedAt == nil || !ret.ReturnedAt.Equal(f.clock) {
			t.Fatalf("return: %+v %v", ret, err)
		}
		if _, err := f.customers.FindCustomerByID(as(f.other), c1.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("after return: %v", err)
		}
		_, err = borrow.ReturnBorrow(as(f.other), full.ID)
		wantCode(t, "return twice", err, kam.EConflict, "")
		_, err = borrow.ApproveBorrow(as(f.director), full.ID, "")
		wantCode(t, "approve a returned grant", err, kam.EConflict, "")
		_, err = borrow.LapsedGrant(as(f.other), c1.ID)
		wantCode(t, "a returned grant is not an expired one", err, kam.ENotFound, "")
	})
}

func TestBorrowDecisionsListsAndSettings(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		ctx := kam.WithActor(context.Background(), kam.System)
		borrow := sqldb.NewBorrowService(f.db, f.customers)
		admin := &kam.User{Email: "admin@example.com", Name: "管理员", Role: kam.RoleAdmin}
		if err := f.users.CreateUser(ctx, admin, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		c1 := f.create(t, f.rep1, "深圳华拓电子科技有限公司")
		c2 := f.create(t, f.other, "江苏恒瑞精密机械有限公司")
		c3 := f.create(t, f.rep2, "福州新客户有限公司")

		refused, err := borrow.RequestBorrow(as(f.other), c1.ID, "", kam.BorrowInput{Reason: "了解"})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := borrow.RefuseBorrow(as(f.sup), refused.ID, "不需要"); err != nil || r.State != kam.BorrowRefused || r.DecisionNote != "不需要" {
			t.Fatalf("refuse: %+v %v", r, err)
		}
		_, err = borrow.ApproveBorrow(as(f.director), refused.ID, "")
		wantCode(t, "approve a refused request", err, kam.EConflict, "")
		pending, err := borrow.RequestBorrow(as(f.other), c3.ID, "", kam.BorrowInput{Reason: "协作", Days: 1})
		if err != nil {
			t.Fatal(err)
		}
		// A supervisor borrows a file outside the team; only a director or admin can decide it.
		supLoan, err := borrow.RequestBorrow(as(f.sup), c2.ID, "", kam.BorrowInput{Reason: "交叉销售"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = borrow.ApproveBorrow(as(f.rep1), supLoan.ID, "")
		wantCode(t, "a rep decides", err, kam.ENotFound, "")
		if _, err := borrow.ApproveBorrow(as(admin), supLoan.ID, ""); err != nil {
			t.Fatal(err)
		}
		if total, ok := f.listed(t, f.sup, "恒瑞", c2.ID); total != 1 || !ok {
			t.Fatalf("supervisor's search with a grant: %d %v", total, ok)
		}
		if total, _ := f.listed(t, f.sup, "", 0); total != 3 {
			t.Fatalf("supervisor's list with a grant: %d", total)
		}

		count := func(u *kam.User, fl kam.BorrowFilter) int {
			t.Helper()
			items, n, err := borrow.FindBorrowRequests(as(u), fl)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != n && fl.Limit == 0 {
				t.Fatalf("page of %d for total %d", len(items), n)
			}
			return n
		}
		for _, c := range []struct {
			name string
			u    *kam.User
			f    kam.BorrowFilter
			want int
		}{
			{"borrower sees own", f.other, kam.BorrowFilter{}, 2},
			{"borrower's pending", f.other, kam.BorrowFilter{State: kam.BorrowPending}, 1},
			{"borrower's refused", f.other, kam.BorrowFilter{State: kam.BorrowRefused}, 1},
			{"supervisor: own and the team's", f.sup, kam.BorrowFilter{}, 3},
			{"supervisor decides", f.sup, kam.BorrowFilter{ToDecide: true, State: kam.BorrowPending}, 1},
			{"supervisor's own", f.sup, kam.BorrowFilter{Mine: true}, 1},
			{"a rep who is not involved", f.rep1, kam.BorrowFilter{}, 0},
			{"director sees all", f.director, kam.BorrowFilter{}, 3},
			{"approved", f.director, kam.BorrowFilter{State: kam.BorrowApproved}, 1},
			{"paged", f.director, kam.BorrowFilter{Limit: 1, Offset: 1}, 3},
		} {
			if got := count(c.u, c.f); got != c.want {
				t.Errorf("%s: %d, want %d", c.name, got, c.want)
			}
		}
		_, _, err = borrow.FindBorrowRequests(as(f.director), kam.BorrowFilter{State: "lost"})
		wantCode(t, "unknown state", err, kam.EInvalid, "state")
		if _, err := borrow.FindBorrowRequest(as(f.rep1), pending.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("uninvolved rep reads a request: %v", err)
		}
		f.tick(3*24*time.Hour + time.Second)
		if got := count(f.director, kam.BorrowFilter{State: kam.BorrowExpired}); got != 1 {
			t.Errorf("expired: %d", got)
		}

		// Settings: admins only, bounded; requests follow the maximum.
		err = borrow.SaveBorrowSettings(as(f.director), kam.BorrowSettings{MaxDays: 5})
		wantCode(t, "director sets the maximum", err, kam.EForbidden, "")
		err = borrow.SaveBorrowSettings(as(admin), kam.BorrowSettings{MaxDays: 0})
		wantCode(t, "maximum 0", err, kam.EInvalid, "max_days")
		if err := borrow.SaveBorrowSettings(as(admin), kam.BorrowSettings{MaxDays: 5}); err != nil {
			t.Fatal(err)
		}
		if set, err := borrow.BorrowSettings(as(f.rep1)); err != nil || set.MaxDays != 5 {
			t.Fatalf("settings: %+v %v", set, err)
		}
		_, err = borrow.RequestBorrow(as(f.rep1), c2.ID, "", kam.BorrowInput{Reason: "看看", Days: 6})
		wantCode(t, "over the new maximum", err, kam.EInvalid, "days")

		// Handover: the leaving user's pending request moves to the successor.
		tx, err := f.db.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n, err := sqldb.TransferGrants(tx, f.other.ID, f.rep1.ID)
		if err != nil || n != 1 {
			t.Fatalf("transfer: %d %v", n, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := count(f.rep1, kam.BorrowFilter{Mine: true, State: kam.BorrowPending}); got != 1 {
			t.Errorf("successor's pending requests: %d", got)
		}
		if got := count(f.other, kam.BorrowFilter{}); got != 1 {
			t.Errorf("leaver keeps the refused one: %d", got)
		}
	})
}
