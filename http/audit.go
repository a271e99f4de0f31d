package kamhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"kam"
)

// Recording the audit log (SPEC §N5). Views of a customer file by anyone but its owner are
// recorded by the card handlers (auditView), exports and imports by theirs; changes, logins,
// users and tokens by the services' wrappers below, which Handler puts around the stores, so
// that the API and the UI record them alike. Every entry is committed before the request is
// answered: when it cannot be, the request fails.

// withRemoteAddr puts the client's address in the request's context, for the audit log.
func withRemoteAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(kam.WithRemoteAddr(r.Context(), clientIP(r))))
	})
}

// wrapAudited puts the auditing wrappers around the services (once, from Handler).
func (s *Server) wrapAudited() {
	s.Customers = auditedCustomers{CustomerService: s.Customers, s: s}
	if s.Ledger != nil {
		s.Ledger = auditedLedger{LedgerService: s.Ledger, s: s}
	}
	s.Users = auditedUsers{UserService: s.Users, s: s}
}

// auditView records that the actor sees customer c's file (its card, a tab of it, the card as
// of a moment), unless the actor owns it. ownerID is the file's current owner.
func (s *Server) auditView(ctx context.Context, customerID, ownerID int64, detail map[string]any) error {
	if a := kam.ActorFrom(ctx); a != nil && a.UserID == ownerID && a.UserID != 0 {
		return nil
	}
	if s.UnauditedViewsForBenchmark {
		return nil
	}
	return s.audit(ctx, &kam.AuditEntry{Action: kam.AuditCustomerView, ObjectType: "customer", ObjectID: customerID,
		CustomerID: &customerID, Detail: detail})
}

// auditPartView records a view of a part of customer customerID's file through the API (its
// history, units, contacts, monthly sales, share of wallet, classes, an order), as auditView does
// for the card. The owner is looked up as the system: the actor may see the ledger part of a file
// without its card (finance), and the owner's id is not shown.
func (s *Server) auditPartView(ctx context.Context, customerID int64, part string) error {
	c, err := s.Customers.FindCustomerByID(kam.WithActor(ctx, kam.System), customerID)
	if err != nil {
		return err
	}
	return s.auditView(ctx, customerID, c.OwnerID, map[string]any{"part": part})
}

// auditDenied records an attempt the rules refused: a file outside the actor's scope (or one
// that does not exist: the two look alike to the caller and are told apart here), a bad token.
func (s *Server) auditDenied(ctx context.Context, objectType string, objectID int64, customerID *int64, detail map[string]any) error {
	return s.audit(ctx, &kam.AuditEntry{Action: kam.AuditDenied, ObjectType: objectType, ObjectID: objectID, CustomerID: customerID, Detail: detail})
}

// auditExport records an export: what, with which filters, how many rows.
func (s *Server) auditExport(ctx context.Context, kind, format string, filters map[string]any, rows int) error {
	d := map[string]any{"kind": kind, "format": format, "rows": rows}
	if len(filters) > 0 {
		d["filters"] = filters
	}
	e := &kam.AuditEntry{Action: kam.AuditExport, ObjectType: "export", Detail: d}
	if id, ok := filters["customer_id"].(int64); ok && id > 0 {
		e.CustomerID = &id
	}
	return s.audit(ctx, e)
}

// ledgerFilterDetail names the filters of an export that are set.
func ledgerFilterDetail(f kam.LedgerFilter) map[string]any {
	d := map[string]any{}
	if f.CustomerID != 0 {
		d["customer_id"] = f.CustomerID
	}
	for k, v := range map[string]string{"q": f.Q, "from": f.From, "to": f.To, "status": f.Status} {
		if v != "" {
			d[k] = v
		}
	}
	return d
}

// auditChange records a change of a customer file or of what belongs to it.
func (s *Server) auditChange(ctx context.Context, action kam.AuditAction, objectType string, objectID, customerID int64, detail map[string]any) error {
	e := &kam.AuditEntry{Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail}
	if customerID != 0 {
		e.CustomerID = &customerID
	}
	return s.audit(ctx, e)
}

// changedFields lists the JSON fields that differ between two encodings of a record, without
// their values (those are in the file's history, visible to those who may see the file).
func changedFields(before []byte, after any) map[string]any {
	b, err := json.Marshal(after)
	if err != nil || before == nil {
		return nil
	}
	var old, cur map[string]json.RawMessage
	if json.Unmarshal(before, &old) != nil || json.Unmarshal(b, &cur) != nil {
		return nil
	}
	empty := func(v json.RawMessage) bool {
		s := string(bytes.TrimSpace(v))
		return s == "" || s == "null" || s == "[]" || s == "{}"
	}
	var fields []string
	for k, v := range cur {
		if k == "version" || k == "updated_at" {
			continue
		}
		// An absent list and an empty one are the same to the user.
		if !bytes.Equal(old[k], v) && !(empty(old[k]) && empty(v)) {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	return map[string]any{"fields": fields}
}

// auditedCustomers records every change of customer files, units and contacts.
type auditedCustomers struct {
	kam.CustomerService
	s *Server
}

func (c auditedCustomers) CreateCustomer(ctx context.Context, cu *kam.Customer) error {
	if err := c.CustomerService.CreateCustomer(ctx, cu); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerCreate, "customer", cu.ID, cu.ID, map[string]any{"code": cu.Code})
}

func (c auditedCustomers) UpdateCustomer(ctx context.Context, id, version int64, apply func(*kam.Customer) error) (*kam.Customer, error) {
	var before []byte
	out, err := c.CustomerService.UpdateCustomer(ctx, id, version, func(cu *kam.Customer) error {
		before, _ = json.Marshal(cu)
		return apply(cu)
	})
	if err != nil {
		return out, err
	}
	return out, c.s.auditChange(ctx, kam.AuditCustomerUpdate, "customer", id, id, changedFields(before, out))
}

func (c auditedCustomers) DeleteCustomer(ctx context.Context, id, version int64) error {
	if err := c.CustomerService.DeleteCustomer(ctx, id, version); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerDelete, "customer", id, id, nil)
}

func (c auditedCustomers) CreateUnit(ctx context.Context, u *kam.Unit) error {
	if err := c.CustomerService.CreateUnit(ctx, u); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerCreate, "unit", u.ID, u.CustomerID, nil)
}

func (c auditedCustomers) UpdateUnit(ctx context.Context, id, version int64, apply func(*kam.Unit) error) (*kam.Unit, error) {
	var before []byte
	out, err := c.CustomerService.UpdateUnit(ctx, id, version, func(u *kam.Unit) error {
		before, _ = json.Marshal(u)
		return apply(u)
	})
	if err != nil {
		return out, err
	}
	return out, c.s.auditChange(ctx, kam.AuditCustomerUpdate, "unit", id, out.CustomerID, changedFields(before, out))
}

func (c auditedCustomers) DeleteUnit(ctx context.Context, id, version int64) error {
	var customerID int64
	if u, err := c.CustomerService.FindUnitByID(ctx, id); err == nil {
		customerID = u.CustomerID
	}
	if err := c.CustomerService.DeleteUnit(ctx, id, version); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerDelete, "unit", id, customerID, nil)
}

func (c auditedCustomers) CreateContact(ctx context.Context, ct *kam.Contact) error {
	if err := c.CustomerService.CreateContact(ctx, ct); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerCreate, "contact", ct.ID, ct.CustomerID, nil)
}

func (c auditedCustomers) UpdateContact(ctx context.Context, id, version int64, apply func(*kam.Contact) error) (*kam.Contact, error) {
	var before []byte
	out, err := c.CustomerService.UpdateContact(ctx, id, version, func(ct *kam.Contact) error {
		before, _ = json.Marshal(ct)
		return apply(ct)
	})
	if err != nil {
		return out, err
	}
	return out, c.s.auditChange(ctx, kam.AuditCustomerUpdate, "contact", id, out.CustomerID, changedFields(before, out))
}

func (c auditedCustomers) DeleteContact(ctx context.Context, id, version int64) error {
	var customerID int64
	if ct, err := c.CustomerService.FindContactByID(ctx, id); err == nil {
		customerID = ct.CustomerID
	}
	if err := c.CustomerService.DeleteContact(ctx, id, version); err != nil {
		return err
	}
	return c.s.auditChange(ctx, kam.AuditCustomerDelete, "contact", id, customerID, nil)
}

// auditedLedger records deletions of ledger documents.
type auditedLedger struct {
	kam.LedgerService
	s *Server
}

func (l auditedLedger) DeleteOrder(ctx context.Context, id, version int64) error {
	var customerID int64
	detail := map[string]any{}
	if o, err := l.LedgerService.FindOrder(ctx, id); err == nil {
		customerID, detail["order_no"], detail["kind"] = o.CustomerID, o.OrderNo, o.Kind
	}
	if err := l.LedgerService.DeleteOrder(ctx, id, version); err != nil {
		return err
	}
	return l.s.auditChange(ctx, kam.AuditCustomerDelete, "order", id, customerID, detail)
}

// auditedUsers records logins, logouts, users created and changed (roles above all), password
// changes and tokens created. Never a password, token or session secret.
type auditedUsers struct {
	kam.UserService
	s *Server
}

func (u auditedUsers) Authenticate(ctx context.Context, email, password string) (*kam.User, error) {
	user, err := u.UserService.Authenticate(ctx, email, password)
	switch {
	case err == nil:
		if aerr := u.s.audit(ctx, &kam.AuditEntry{ActorID: user.ID, ActorEmail: user.Email, Action: kam.AuditLoginSuccess,
			ObjectType: "user", ObjectID: user.ID}); aerr != nil {
			return nil, aerr
		}
	case kam.ErrorCodeOf(err) == kam.EUnauthorized:
		if aerr := u.s.auditLoginFailure(ctx, email, "wrong e-mail or password"); aerr != nil {
			return nil, aerr
		}
	}
	return user, err
}

// auditLoginFailure records a refused login with the e-mail tried (cut to its maximum length).
func (s *Server) auditLoginFailure(ctx context.Context, email, reason string) error {
	if r := []rune(email); len(r) > kam.MaxEmailLen {
		email = string(r[:kam.MaxEmailLen])
	}
	return s.audit(ctx, &kam.AuditEntry{ActorEmail: email, Action: kam.AuditLoginFailure, ObjectType: "user",
		Detail: map[string]any{"reason": reason}})
}

func (u auditedUsers) DeleteSession(ctx context.Context, secret string) error {
	if err := u.UserService.DeleteSession(ctx, secret); err != nil {
		return err
	}
	var id int64
	if a := kam.ActorFrom(ctx); a != nil {
		id = a.UserID
	}
	return u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditLogout, ObjectType: "user", ObjectID: id})
}

func (u auditedUsers) CreateUser(ctx context.Context, nu *kam.User, password string) error {
	if err := u.UserService.CreateUser(ctx, nu, password); err != nil {
		return err
	}
	d := map[string]any{"email": nu.Email, "role": string(nu.Role)}
	if nu.SupervisorID != nil {
		d["supervisor_id"] = *nu.SupervisorID
	}
	return u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditUserCreate, ObjectType: "user", ObjectID: nu.ID, Detail: d})
}

func (u auditedUsers) UpdateUser(ctx context.Context, id, version int64, apply func(*kam.User) error) (*kam.User, error) {
	var before kam.User
	out, err := u.UserService.UpdateUser(ctx, id, version, func(x *kam.User) error {
		before = *x
		return apply(x)
	})
	if err != nil {
		return out, err
	}
	return out, u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditUserUpdate, ObjectType: "user", ObjectID: id, Detail: userChanges(&before, out)})
}

// userChanges names what changed of a user, with the old and new role and supervisor.
func userChanges(before, after *kam.User) map[string]any {
	d := map[string]any{}
	if before.Role != after.Role {
		d["role"] = map[string]any{"old": string(before.Role), "new": string(after.Role)}
	}
	if !sameID(before.SupervisorID, after.SupervisorID) {
		d["supervisor_id"] = map[string]any{"old": idOrNil(before.SupervisorID), "new": idOrNil(after.SupervisorID)}
	}
	if before.Active != after.Active {
		d["active"] = map[string]any{"old": before.Active, "new": after.Active}
	}
	if before.Email != after.Email {
		d["email"] = map[string]any{"old": before.Email, "new": after.Email}
	}
	if before.Name != after.Name {
		d["name"] = "changed"
	}
	return d
}

func sameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func idOrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (u auditedUsers) SetPassword(ctx context.Context, id int64, password string) error {
	if err := u.UserService.SetPassword(ctx, id, password); err != nil {
		return err
	}
	return u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditUserUpdate, ObjectType: "user", ObjectID: id,
		Detail: map[string]any{"password": "changed"}})
}

func (u auditedUsers) CreateToken(ctx context.Context, nt kam.NewToken) (*kam.Token, string, error) {
	t, secret, err := u.UserService.CreateToken(ctx, nt)
	if err != nil {
		return nil, "", err
	}
	if err := u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditTokenCreate, ObjectType: "token", ObjectID: t.ID,
		Detail: map[string]any{"user_id": nt.UserID, "name": t.Name, "scope": string(t.Scope), "expires_at": t.ExpiresAt.UTC().Format(time.RFC3339)}}); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// exportScope refuses an export filtered to a customer the actor may not see, and records the
// attempt: the filter would only yield an empty file, but the caller asked for a file that is
// not theirs (SPEC §N5). Finance keeps every customer's books, so its ledger exports may name
// any customer.
func (s *Server) exportScope(ctx context.Context, kind string, customerID int64) error {
	if customerID == 0 {
		return nil
	}
	a := kam.ActorFrom(ctx)
	if a != nil && a.Role == kam.RoleFinance && kind != "customers" && kind != "contacts" {
		return nil
	}
	_, err := s.Customers.FindCustomerByID(ctx, customerID)
	if kam.ErrorCodeOf(err) == kam.ENotFound {
		if aerr := s.auditDenied(ctx, "export", 0, &customerID, map[string]any{"kind": kind, "reason": "customer not found or outside scope"}); aerr != nil {
			return aerr
		}
	}
	return err
}

// queryDetail is a request's query parameters (but those named in skip) for an audit entry: the
// filters a list or an export was asked for. A customer id is kept as a number, so the entry
// is found by the customer filter.
func queryDetail(v url.Values, skip ...string) map[string]any {
	d := map[string]any{}
	for k, vals := range v {
		if slices.Contains(skip, k) || len(vals) == 0 || vals[0] == "" {
			continue
		}
		if k == "customer" || k == "customer_id" {
			if id, err := strconv.ParseInt(vals[0], 10, 64); err == nil {
				d["customer_id"] = id
				continue
			}
		}
		d[k] = truncate(vals[0], 200)
	}
	return d
}
