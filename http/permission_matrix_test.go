package kamhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"kam"
	"kam/analytics"
	"kam/demo"
	kamhttp "kam/http"
	"kam/locale"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// The permission matrix: every registered route (UI and API) × every role × a record of the
// user's own scope and one outside it, against the rules of the README's "Who sees what", written
// out here independently of kam.Permissions. A role the rules refuse gets 403; a record outside
// the user's scope does not exist for them (404); anything else must be neither 401, 403, 404
// nor a server error.

// Role sets of the expectations, as the README states them.
const (
	everyone   = "admin director supervisor kam rep finance service"
	sellers    = "admin director supervisor kam rep" // create and edit files
	managers   = "admin director supervisor"         // delete files
	topRoles   = "admin director"                    // see every file
	bookKeeper = "admin director supervisor kam rep finance"
	importers  = "admin director supervisor kam finance"
	fileImport = "admin director supervisor kam" // imports of customers and contacts
	docImport  = "admin director finance"        // imports of money documents
	docDelete  = "admin director finance"        // deleting orders; finance sees every customer's
	allBooks   = "admin director finance"        // see the books of every customer
	nobody     = ""
	// borrowers are the roles whose "own" borrow request is one they made (directors and admins
	// see every file and borrow none; the supervisor's is one it decides).
	borrowers = "kam rep finance service"
)

// allow is a route's expectation: the roles allowed on a record of their own scope, and on a
// record outside it (for routes that name a record). status, when set, is the answer for
// everyone (the catch-all not-found page).
type allow struct {
	own, other string
	status     int
	// query is added to the path: the parameters an allowed request needs to succeed (or a
	// search, whose answer must keep to the user's scope like the list).
	query string
	// sees are the roles whose answers may show the other customer (its name, its order):
	// admins and directors, and for the books finance too.
	sees string
}

// matrix is the expected table, keyed by the route's pattern (and, for routes whose resource is a
// kind of import or export, the kind in brackets). A new route needs a row here.
var matrix = map[string]allow{
	"/":                        {status: 404},
	"GET /healthz":             {own: everyone},
	"GET /static/":             {own: everyone},
	"GET /login":               {own: everyone},
	"POST /login":              {own: everyone},
	"GET /lang/{lang}":         {own: everyone},
	"POST /logout":             {own: everyone},
	"GET /{$}":                 {own: everyone},
	"GET /api/v1/openapi.json": {own: everyone}, "GET /api/v1/openapi.yaml": {own: everyone},
	"GET /api/v1/openapi-3.0.json": {own: everyone}, "GET /api/v1/openapi-3.0.yaml": {own: everyone},

	// Customer files in the UI.
	"GET /customers":                             {own: everyone, query: "q=%E7%9F%A9%E9%98%B5%E5%AE%A2%E6%88%B7"},
	"GET /customers/lookup":                      {own: everyone},
	"GET /customers/new":                         {own: sellers},
	"POST /customers/new":                        {own: sellers},
	"GET /customers/{id}":                        {own: everyone, other: topRoles},
	"GET /customers/{id}/edit":                   {own: sellers, other: topRoles},
	"POST /customers/{id}/edit":                  {own: sellers, other: topRoles},
	"POST /customers/{id}/delete":                {own: managers, other: topRoles},
	"GET /customers/{id}/units/new":              {own: sellers, other: topRoles},
	"POST /customers/{id}/units/new":             {own: sellers, other: topRoles},
	"GET /customers/{id}/units/{uid}/edit":       {own: sellers, other: topRoles},
	"POST /customers/{id}/units/{uid}/edit":      {own: sellers, other: topRoles},
	"POST /customers/{id}/units/{uid}/delete":    {own: sellers, other: topRoles},
	"GET /customers/{id}/contacts/new":           {own: sellers, other: topRoles},
	"POST /customers/{id}/contacts/new":          {own: sellers, other: topRoles},
	"GET /customers/{id}/contacts/{cid}/edit":    {own: sellers, other: topRoles},
	"POST /customers/{id}/contacts/{cid}/edit":   {own: sellers, other: topRoles},
	"POST /customers/{id}/contacts/{cid}/delete": {own: sellers, other: topRoles},

	// The ledger, exports, imports and the dashboard in the UI. An import belongs to the user who
	// uploaded it: another user's does not exist for them, whatever their role.
	"GET /orders":                         {own: bookKeeper, sees: allBooks},
	"GET /invoices":                       {own: bookKeeper, sees: allBooks},
	"GET /payments":                       {own: bookKeeper, sees: allBooks},
	"GET /costs":                          {own: bookKeeper, sees: allBooks},
	"GET /products":                       {own: bookKeeper},
	"GET /orders/{id}":                    {own: bookKeeper, other: docDelete, sees: allBooks},
	"GET /export/{kind}[customers]":       {own: everyone},
	"GET /export/{kind}[orders]":          {own: bookKeeper, sees: allBooks},
	"GET /import":                         {own: importers},
	"POST /import[customers]":             {own: fileImport},
	"POST /import[orders]":                {own: docImport},
	"GET /import/{id}":                    {own: importers, other: nobody},
	"POST /import/{id}":                   {own: importers, other: nobody},
	"GET /import/{id}/report":             {own: importers, other: nobody},
	"GET /dashboard":                      {own: bookKeeper, sees: allBooks},
	"GET /dashboard/abc":                  {own: bookKeeper, query: "class=A", sees: allBooks},
	"GET /dashboard/export":               {own: bookKeeper, query: "table=abc", sees: allBooks},
	"GET /dashboard/customers":            {own: bookKeeper, query: "tier=gold", sees: allBooks},
	"GET /dashboard/migration":            {own: bookKeeper, sees: allBooks},
	"GET /dashboard/behaviour":            {own: bookKeeper, sees: allBooks},
	"GET /dashboard/behaviour/customers":  {own: bookKeeper, query: "lamp=core", sees: allBooks},
	"GET /filters":                        {own: everyone},
	"POST /filters":                       {own: everyone},
	"POST /filters/{id}/delete":           {own: everyone, other: nobody},
	"GET /dashboard/migration/customers":  {own: bookKeeper, query: "from_run={run1}&to_run={run2}", sees: allBooks},
	"GET /settings/analytics":             {own: everyone},
	"POST /settings/analytics":            {own: topRoles},
	"GET /customers/{id}/analysis/export": {own: bookKeeper, other: topRoles, query: "table=wallet"},
	// Key accounts: the scorecard and the portfolio matrix like the other dashboards; manual
	// scores by those who edit the file; decisions and grade overrides by directors and admins.
	// The matrix's form names no criterion: an allowed request stops at the body (422).
	"GET /dashboard/portfolio":                  {own: bookKeeper, query: "quadrant=minimise", sees: allBooks},
	"GET /dashboard/scorecard":                  {own: bookKeeper, query: "state=proposed", sees: allBooks},
	"POST /customers/{id}/key-account/scores":   {own: sellers, other: topRoles},
	"POST /customers/{id}/key-account/decision": {own: topRoles, other: topRoles},
	"POST /customers/{id}/importance":           {own: topRoles, other: topRoles},
	"POST /settings/key-accounts":               {own: topRoles},

	// The API: users.
	"GET /api/v1/me":           {own: everyone},
	"GET /api/v1/users":        {own: "admin"},
	"POST /api/v1/users":       {own: "admin"},
	"GET /api/v1/users/{id}":   {own: "admin"},
	"PATCH /api/v1/users/{id}": {own: "admin"},
	// Handover: the body the matrix sends is refused (422) after the permission check.
	"POST /api/v1/users/{id}/handover": {own: managers},
	// API tokens: everyone's own; admins revoke anyone's.
	"GET /api/v1/tokens":               {own: everyone},
	"POST /api/v1/tokens":              {own: everyone},
	"DELETE /api/v1/tokens/{id}":       {own: everyone, other: "admin"},
	"GET /account/tokens":              {own: everyone},
	"POST /account/tokens":             {own: everyone},
	"POST /account/tokens/{id}/revoke": {own: everyone, other: nobody},
	"GET /team":                        {own: managers},
	"GET /users/{id}/handover":         {own: managers},
	"POST /users/{id}/handover":        {own: managers},

	// The API: customer files, their units and contacts.
	"GET /api/v1/customers":                {own: everyone, query: "q=%E7%9F%A9%E9%98%B5%E5%AE%A2%E6%88%B7"},
	"POST /api/v1/customers":               {own: sellers},
	"GET /api/v1/customers/{id}":           {own: everyone, other: topRoles},
	"PATCH /api/v1/customers/{id}":         {own: sellers, other: topRoles},
	"DELETE /api/v1/customers/{id}":        {own: managers, other: topRoles},
	"GET /api/v1/customers/{id}/history":   {own: everyone, other: topRoles},
	"GET /api/v1/customers/{id}/units":     {own: everyone, other: topRoles},
	"POST /api/v1/customers/{id}/units":    {own: sellers, other: topRoles},
	"GET /api/v1/customers/{id}/contacts":  {own: everyone, other: topRoles},
	"POST /api/v1/customers/{id}/contacts": {own: sellers, other: topRoles},
	"GET /api/v1/units/{id}":               {own: everyone, other: topRoles},
	"PATCH /api/v1/units/{id}":             {own: sellers, other: topRoles},
	"DELETE /api/v1/units/{id}":            {own: sellers, other: topRoles},
	"GET /api/v1/contacts/{id}":            {own: everyone, other: topRoles},
	"PATCH /api/v1/contacts/{id}":          {own: sellers, other: topRoles},
	"DELETE /api/v1/contacts/{id}":         {own: sellers, other: topRoles},

	// The API: the ledger. Finance keeps the books of every customer; a customer's own figures
	// follow the file.
	"GET /api/v1/orders":                     {own: bookKeeper, sees: allBooks},
	"GET /api/v1/orders/{id}":                {own: bookKeeper, other: docDelete, sees: allBooks},
	"DELETE /api/v1/orders/{id}":             {own: docDelete, other: docDelete},
	"GET /api/v1/invoices":                   {own: bookKeeper, sees: allBooks},
	"GET /api/v1/payments":                   {own: bookKeeper, sees: allBooks},
	"GET /api/v1/costs":                      {own: bookKeeper, sees: allBooks},
	"GET /api/v1/products":                   {own: bookKeeper},
	"GET /api/v1/customers/{id}/sales":       {own: bookKeeper, other: topRoles},
	"GET /api/v1/export/{kind}[customers]":   {own: everyone},
	"GET /api/v1/export/{kind}[orders]":      {own: bookKeeper, sees: allBooks},
	"POST /api/v1/imports/{kind}[customers]": {own: fileImport},
	"POST /api/v1/imports/{kind}[orders]":    {own: docImport},

	// The API: portfolio analytics.
	"GET /api/v1/analytics/settings":                   {own: everyone},
	"PUT /api/v1/analytics/settings":                   {own: topRoles},
	"GET /api/v1/customers/{id}/wallet":                {own: bookKeeper, other: topRoles},
	"GET /api/v1/customers/{id}/classes":               {own: bookKeeper, other: topRoles},
	"GET /api/v1/analytics/tiers":                      {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/rfm":                        {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/migration":                  {own: bookKeeper, query: "from_run={run1}&to_run={run2}", sees: allBooks},
	"GET /api/v1/analytics/abc":                        {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/profitability":              {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/key-account-settings":       {own: everyone},
	"PUT /api/v1/analytics/key-account-settings":       {own: topRoles},
	"GET /api/v1/analytics/scorecard":                  {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/portfolio":                  {own: bookKeeper, sees: allBooks},
	"GET /api/v1/customers/{id}/key-account":           {own: bookKeeper, other: topRoles},
	"POST /api/v1/customers/{id}/key-account/scores":   {own: sellers, other: topRoles},
	"POST /api/v1/customers/{id}/key-account/decision": {own: topRoles, other: topRoles},
	"POST /api/v1/customers/{id}/importance":           {own: topRoles, other: topRoles},
	"GET /api/v1/analytics/lamp":                       {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/loyalty":                    {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/growth":                     {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/clv":                        {own: bookKeeper, sees: allBooks},
	"GET /api/v1/analytics/segments":                   {own: bookKeeper, query: "by=industry", sees: allBooks},
	"GET /api/v1/customers/{id}/behaviour":             {own: bookKeeper, other: topRoles},
	// Saved filters: everyone keeps their own; another user's private filter does not exist.
	"GET /api/v1/saved-filters":         {own: everyone},
	"POST /api/v1/saved-filters":        {own: everyone},
	"GET /api/v1/saved-filters/{id}":    {own: everyone, other: nobody},
	"PUT /api/v1/saved-filters/{id}":    {own: everyone, other: nobody},
	"DELETE /api/v1/saved-filters/{id}": {own: everyone, other: nobody},

	// The audit log: admins and directors read and export it.
	"GET /api/v1/audit":        {own: topRoles},
	"GET /api/v1/audit/export": {own: topRoles},
	"GET /audit":               {own: topRoles},
	"GET /audit/export":        {own: topRoles},
	// Borrowing (借阅): everyone asks, for any file; the owner's supervisor, directors and admins
	// decide; only the borrower returns. A role's "own" request is one it made or may decide;
	// the "other" one is rep2's, which the supervisor of the file's owner decides. A borrower's
	// answers name the code and name of the file it asked for (and nothing else of it).
	"POST /api/v1/customers/{id}/borrow-requests": {own: everyone, other: everyone},
	"GET /api/v1/borrow-requests":                 {own: everyone, sees: borrowers},
	"GET /api/v1/borrow-requests/{id}":            {own: everyone, other: managers, sees: borrowers},
	"POST /api/v1/borrow-requests/{id}/approve":   {own: managers, other: managers},
	"POST /api/v1/borrow-requests/{id}/refuse":    {own: managers, other: managers},
	"POST /api/v1/borrow-requests/{id}/return":    {own: borrowers, other: nobody, sees: borrowers},
	"GET /api/v1/borrow-settings":                 {own: everyone},
	"PUT /api/v1/borrow-settings":                 {own: "admin"},
	"GET /borrowing":                              {own: everyone, sees: borrowers},
	"POST /borrowing/requests":                    {own: everyone, sees: borrowers},
	"POST /borrowing/{id}/approve":                {own: managers, other: managers},
	"POST /borrowing/{id}/refuse":                 {own: managers, other: managers},
	"POST /borrowing/{id}/return":                 {own: borrowers, other: nobody, sees: borrowers},
	"POST /borrowing/settings":                    {own: "admin"},
}

// kindVariants are the kinds a route whose permission depends on the kind is tried with: one of
// the customer file's, one of the ledger's.
var kindVariants = []string{"customers", "orders"}

// matrixRoles are the roles, each played by one user of the fixture.
var matrixRoles = []string{"admin", "director", "supervisor", "kam", "rep", "finance", "service"}

// matrixFixture is a small organisation: supervisor's team (kam, rep) and another team (sup2,
// rep2). Customer "own" is owned by the rep with the kam, finance and service on its account
// team: within the scope of every role. Customer "other" is rep2's: outside every scope but the
// admin's and the director's.
type matrixFixture struct {
	env      *uiEnv
	server   *kamhttp.Server
	users    map[string]*kam.User
	tokens   map[string]string
	browsers map[string]*browser
	csrf     map[string]string
	// ids are the records the paths name, by "own.customer", "other.order" …
	ids map[string]int64
	// imports are the uploads each importing role made.
	imports map[string]string
	// settings is the analytics settings document, PUT back unchanged.
	settings string
	// codes are the customers' codes, by "own" and "other".
	codes map[string]string
	// otherName is the name of the customer outside every scope but the top roles'.
	otherName string
	// asset is the address of a static file, as the pages link it.
	asset string
}

func newMatrixFixture(t *testing.T, db *sqldb.DB) *matrixFixture {
	t.Helper()
	ctx := kam.WithActor(context.Background(), kam.System)
	users := sqldb.NewUserService(db)
	customers := sqldb.NewCustomerService(db)
	ledger := sqldb.NewLedgerService(db, customers)
	audit := sqldb.NewAuditLog(db)
	t.Cleanup(func() { audit.Close() })
	borrow := sqldb.NewBorrowService(db, customers)
	s := &kamhttp.Server{Customers: customers, Ledger: ledger, Exporter: ledger, Imports: ledger, Users: users, Ping: db.Ping,
		Audit: audit, Borrow: borrow, Handover: sqldb.NewHandoverService(db, customers, users),
		Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	f := &matrixFixture{env: &uiEnv{t: t, srv: srv, db: db, cs: customers}, server: s, users: map[string]*kam.User{}, tokens: map[string]string{},
		browsers: map[string]*browser{}, csrf: map[string]string{}, ids: map[string]int64{}, imports: map[string]string{}, codes: map[string]string{}}

	for _, u := range []struct {
		key        string
		role       kam.Role
		supervisor string
	}{{"admin", kam.RoleAdmin, ""}, {"director", kam.RoleDirector, ""}, {"supervisor", kam.RoleSupervisor, "director"},
		{"sup2", kam.RoleSupervisor, "director"}, {"kam", kam.RoleKAM, "supervisor"}, {"rep", kam.RoleRep, "supervisor"},
		{"rep2", kam.RoleRep, "sup2"}, {"finance", kam.RoleFinance, ""}, {"service", kam.RoleService, ""}} {
		nu := &kam.User{Email: u.key + "@matrix.example", Name: "矩阵 " + u.key, Role: u.role}
		if u.supervisor != "" {
			nu.SupervisorID = &f.users[u.supervisor].ID
		}
		if err := users.CreateUser(ctx, nu, demo.Password); err != nil {
			t.Fatal(err)
		}
		f.users[u.key] = nu
		_, tok, err := users.CreateToken(ctx, kam.NewToken{UserID: nu.ID, Name: "matrix", TTL: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[u.key] = tok
		// A spare token each, for the routes that revoke one.
		spare, _, err := users.CreateToken(ctx, kam.NewToken{UserID: nu.ID, Name: "spare"})
		if err != nil {
			t.Fatal(err)
		}
		f.ids["spare."+u.key] = spare.ID
	}

	codes := f.codes
	for _, c := range []struct {
		key, owner string
		team       []string
	}{{"own", "rep", []string{"kam", "finance", "service"}}, {"other", "rep2", nil}} {
		cu := &kam.Customer{Name: "矩阵客户" + c.key + "有限公司", Status: "active", Stage: "deepen", OwnerID: f.users[c.owner].ID}
		for _, m := range c.team {
			cu.Team = append(cu.Team, kam.TeamMember{UserID: f.users[m].ID})
		}
		if err := customers.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		f.ids[c.key+".customer"], codes[c.key] = cu.ID, cu.Code
		if c.key == "other" {
			f.otherName = cu.Name
		}
		un := &kam.Unit{CustomerID: cu.ID, Name: "采购部"}
		if err := customers.CreateUnit(ctx, un); err != nil {
			t.Fatal(err)
		}
		f.ids[c.key+".unit"] = un.ID
		ct := &kam.Contact{CustomerID: cu.ID, Name: "联系人" + c.key}
		if err := customers.CreateContact(ctx, ct); err != nil {
			t.Fatal(err)
		}
		f.ids[c.key+".contact"] = ct.ID
	}
	day := time.Now().In(locale.Shanghai).AddDate(0, -2, 0).Format("2006-01-02")
	importCSV(t, ledger, "orders", "order_no,order_date,customer_code,product_code,product_name,category,quantity,unit_price,unit_cost\r\n"+
		fmt.Sprintf("MX-OWN,%s,%s,MX-P,矩阵产品,测试类,2,150.25,100\r\n", day, codes["own"])+
		fmt.Sprintf("MX-OTHER,%s,%s,MX-P,矩阵产品,测试类,3,150.25,100\r\n", day, codes["other"]))
	for _, k := range []string{"own", "other"} {
		list, _, err := ledger.FindOrders(ctx, kam.LedgerFilter{Q: "MX-" + strings.ToUpper(k), Limit: 5})
		if err != nil || len(list) != 1 {
			t.Fatalf("order of %s: %v %v", k, list, err)
		}
		f.ids[k+".order"] = list[0].ID
	}
	// Two classifications, so that the migration between runs has runs to compare.
	for i := 1; i <= 2; i++ {
		run, err := analytics.Reclassify(ctx, ledger, time.Now(), locale.Shanghai, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.ids[fmt.Sprintf("run%d", i)] = run.ID
	}
	// Borrow requests: each borrowing role's own for the other file; the supervisor's is sup2's for
	// the file of its team, which it decides; directors and admins decide the rep's; rep2's for
	// the own file is outside every scope but the deciders'.
	for _, r := range []struct{ who, file, key string }{{"rep", "other", "rep"}, {"kam", "other", "kam"}, {"finance", "other", "finance"},
		{"service", "other", "service"}, {"sup2", "own", "supervisor"}, {"rep2", "own", "other"}} {
		b, err := borrow.RequestBorrow(kam.WithActor(context.Background(), kam.ActorOf(f.users[r.who])), f.ids[r.file+".customer"], "", kam.BorrowInput{Reason: "矩阵"})
		if err != nil {
			t.Fatalf("borrow request of %s: %v", r.who, err)
		}
		f.ids[r.key+".borrow"] = b.ID
	}
	f.ids["admin.borrow"], f.ids["director.borrow"] = f.ids["rep.borrow"], f.ids["rep.borrow"]
	// A private saved filter of each user.
	for _, key := range append(matrixRoles, "rep2") {
		sf := &kam.SavedFilter{Name: "矩阵筛选", Criteria: kam.FilterCriteria{Class: []string{"A"}}}
		if err := ledger.CreateSavedFilter(kam.WithActor(context.Background(), kam.ActorOf(f.users[key])), sf); err != nil {
			t.Fatalf("saved filter of %s: %v", key, err)
		}
		f.ids[key+".filter"] = sf.ID
	}
	set, err := ledger.AnalyticsSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.settings = mustJSON(t, set)

	for _, key := range append(matrixRoles, "rep2") {
		b := f.env.browser()
		b.login(f.users[key].Email)
		f.browsers[key] = b
		f.csrf[key] = csrfOf(t, b.get("/customers").body)
	}
	m := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(f.browsers["rep"].get("/customers").body)
	if m == nil {
		t.Fatal("no stylesheet linked from the customer list")
	}
	f.asset = m[1]
	// Each role that imports uploads a file with one bad row and runs it dry: its import has a
	// page and a report.
	for _, key := range strings.Fields(importers) {
		kind, file := "customers", "name,credit_code\r\n矩阵导入甲公司,\r\n矩阵导入乙公司,91350100M000100Y44\r\n"
		if key == "finance" {
			kind, file = "orders", "order_no,order_date,customer_code,product_code,quantity,unit_price\r\n"+
				fmt.Sprintf("MX-IMP-1,%s,%s,MX-P,abc,10.00\r\n", day, codes["own"])
		}
		b := f.browsers[key]
		r := b.upload("/import", f.csrf[key], kind, "matrix.csv", []byte(file), nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/import/") {
			t.Fatalf("upload as %s: %d %q\n%s", key, r.status, r.location, truncate(r.body, 1500))
		}
		form := importForm(t, b.get(r.location).body)
		form.Set("action", "dryrun")
		if d := b.post(r.location, form); d.status != http.StatusSeeOther {
			t.Fatalf("dry run as %s: %d\n%s", key, d.status, truncate(d.body, 1500))
		}
		if rep := b.get(r.location + "/report"); rep.status != http.StatusOK {
			t.Fatalf("report of %s's dry run: %d", key, rep.status)
		}
		f.imports[key] = strings.TrimPrefix(r.location, "/import/")
	}
	return f
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// matrixCase is one request of the matrix.
type matrixCase struct {
	key     string // the matrix row
	pattern string
	kind    string
	role    string
	scope   string // "own" or "other"
}

// path fills the pattern's parameters with the fixture's records of the case's scope; it
// returns the parameter it cannot fill.
func (f *matrixFixture) path(c matrixCase) (string, string) {
	_, p, _ := strings.Cut(c.pattern, " ")
	if p == "/" {
		return "/no-such-page", ""
	}
	if p == "/static/" {
		return f.asset, ""
	}
	p = strings.TrimSuffix(p, "{$}")
	record := ""
	switch {
	case strings.HasPrefix(p, "/customers/{id}") || strings.HasPrefix(p, "/api/v1/customers/{id}"):
		record = "customer"
	case strings.HasPrefix(p, "/api/v1/units/{id}"):
		record = "unit"
	case strings.HasPrefix(p, "/api/v1/contacts/{id}"):
		record = "contact"
	case strings.HasPrefix(p, "/orders/{id}") || strings.HasPrefix(p, "/api/v1/orders/{id}"):
		record = "order"
	case strings.HasPrefix(p, "/borrowing/{id}") || strings.HasPrefix(p, "/api/v1/borrow-requests/{id}"):
		record = "borrow"
	case strings.HasPrefix(p, "/filters/{id}") || strings.HasPrefix(p, "/api/v1/saved-filters/{id}"):
		record = "filter"
	}
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p, ""
		}
		j := strings.Index(p[i:], "}") + i
		name := p[i+1 : j]
		var v string
		switch {
		case name == "id" && record == "borrow" && c.scope == "own":
			v = itoaTest(f.ids[c.role+".borrow"])
		case name == "id" && record == "filter":
			owner := c.role // one's own filter, or rep2's private one
			if c.scope == "other" {
				owner = "rep2"
			}
			v = itoaTest(f.ids[owner+".filter"])
		case name == "id" && record != "":
			v = itoaTest(f.ids[c.scope+"."+record])
		case name == "uid":
			v = itoaTest(f.ids[c.scope+".unit"])
		case name == "cid":
			v = itoaTest(f.ids[c.scope+".contact"])
		case name == "id" && strings.HasPrefix(p, "/api/v1/users/"):
			v = itoaTest(f.users["rep2"].ID)
		case name == "id" && strings.HasPrefix(p, "/users/"):
			v = itoaTest(f.users["rep"].ID) // a user of the supervisor's team
		case name == "id" && (strings.HasPrefix(p, "/api/v1/tokens/") || strings.HasPrefix(p, "/account/tokens/")):
			owner := c.role // one's own token, or one of a user outside the roles
			if c.scope == "other" {
				owner = "rep2"
			}
			v = itoaTest(f.ids["spare."+owner])
		case name == "id" && strings.HasPrefix(p, "/import/"):
			v = f.importOf(c.role, c.scope)
		case name == "kind":
			v = c.kind
		case name == "lang":
			v = "en"
		default:
			return "", name
		}
		p = p[:i] + v + p[j+1:]
	}
}

// importOf is the role's own upload, or one of another user.
func (f *matrixFixture) importOf(role, scope string) string {
	id, ok := f.imports[role]
	if scope == "other" || !ok {
		if role == "admin" {
			return f.imports["director"]
		}
		return f.imports["admin"]
	}
	return id
}

// scoped reports whether a pattern names a record that is within or outside a user's scope.
func scoped(pattern string) bool {
	return (strings.Contains(pattern, "{id}") || strings.Contains(pattern, "{uid}") || strings.Contains(pattern, "{cid}")) &&
		!strings.Contains(pattern, "/users/{id}")
}

// stale is a version no record has: updates and deletes reach the permission and scope checks
// and then stop at the version (412 or 409), so that the fixture's records stay.
const stale = "999999"

// send makes the case's request as the case's role and returns the status.
func (f *matrixFixture) send(t *testing.T, c matrixCase, path string) (int, string) {
	method, _, _ := strings.Cut(c.pattern, " ")
	if strings.HasPrefix(path, "/api/") || path == "/healthz" {
		return f.sendAPI(t, c, method, path)
	}
	b := f.browsers[c.role]
	var r resp
	switch {
	case c.pattern == "POST /login" || c.pattern == "POST /logout":
		// A session of its own, so that the role's browser keeps its session.
		fresh := f.env.browser()
		page := fresh.get("/login")
		r = fresh.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {f.users[c.role].Email}, "password": {demo.Password}})
		if c.pattern == "POST /logout" {
			r = fresh.post("/logout", url.Values{"csrf": {csrfOf(t, fresh.get("/customers").body)}})
		}
	case c.pattern == "POST /import":
		r = b.upload("/import", f.csrf[c.role], c.kind, "matrix.csv", []byte("name\r\n矩阵上传公司\r\n"), nil)
	case method == http.MethodGet:
		r = b.get(path)
	default:
		form := url.Values{"csrf": {f.csrf[c.role]}, "version": {stale}, "name": {"矩阵新建"}}
		r = b.post(path, form)
	}
	if r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/login") && c.pattern != "POST /logout" {
		t.Fatalf("%s as %s: the session is gone (redirect to %s)", c.key, c.role, r.location)
	}
	return r.status, r.body
}

func (f *matrixFixture) sendAPI(t *testing.T, c matrixCase, method, path string) (int, string) {
	var body io.Reader
	hdr := http.Header{"Authorization": {"Bearer " + f.tokens[c.role]}}
	switch method {
	case http.MethodPost:
		b := `{"name":"矩阵新建记录"}`
		switch {
		case strings.HasPrefix(path, "/api/v1/imports/"):
			path += "?dry_run=true" // checked, nothing written
			b = "code,name\r\nMX-API-C,矩阵接口导入公司\r\n"
			if c.kind == "orders" {
				b = "order_no,order_date,customer_code,product_code,quantity,unit_price\r\n" +
					"MX-API-1,2026-01-05," + f.codes["own"] + ",MX-P,1,10.00\r\n"
			}
			hdr.Set("Content-Type", "application/octet-stream")
		case path == "/api/v1/users":
			b = `{}` // invalid: nobody is created
		}
		body = strings.NewReader(b)
		if hdr.Get("Content-Type") == "" {
			hdr.Set("Content-Type", "application/json")
		}
	case http.MethodPatch:
		body = strings.NewReader(`{}`)
		hdr.Set("Content-Type", "application/merge-patch+json")
		hdr.Set("If-Match", `"`+stale+`"`)
	case http.MethodPut:
		body = strings.NewReader(f.settings)
		hdr.Set("Content-Type", "application/json")
	case http.MethodDelete:
		hdr.Set("If-Match", `"`+stale+`"`)
	}
	req, err := http.NewRequest(method, f.env.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

func roleIn(set, role string) bool { return strings.Contains(" "+set+" ", " "+role+" ") }

func TestPermissionMatrix(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newMatrixFixture(t, db)
		routes := f.server.Routes()
		seen := map[string]bool{}
		var cases []matrixCase
		for _, r := range routes {
			if !r.Declared() {
				t.Errorf("route %q declares no permission (see TestEveryRouteDeclaresItsPermission)", r.Pattern)
				continue
			}
			kinds := []string{""}
			if strings.Contains(r.Pattern, "{kind}") || r.Pattern == "POST /import" {
				kinds = kindVariants
			}
			for _, kind := range kinds {
				key := r.Pattern
				if kind != "" {
					key += "[" + kind + "]"
				}
				seen[key] = true
				if _, ok := matrix[key]; !ok {
					t.Errorf("route %q (permission %q) has no row in the permission matrix: add %q: {own: …, other: …} to matrix in http/permission_matrix_test.go, with the roles the README allows",
						key, r.Permission, key)
					continue
				}
				scopes := []string{"own"}
				if scoped(r.Pattern) {
					scopes = append(scopes, "other")
				}
				for _, role := range matrixRoles {
					for _, sc := range scopes {
						cases = append(cases, matrixCase{key: key, pattern: r.Pattern, kind: kind, role: role, scope: sc})
					}
				}
			}
		}
		var stale []string
		for key := range matrix {
			if !seen[key] {
				stale = append(stale, key)
			}
		}
		sort.Strings(stale)
		for _, key := range stale {
			t.Errorf("the permission matrix has a row for %q, which is not a registered route", key)
		}
		// Deletes last: a delete that is allowed stops at the stale version, but should one
		// succeed, no other case loses its record.
		deletes := func(c matrixCase) bool {
			return strings.HasPrefix(c.key, "DELETE") || strings.Contains(c.key, "/delete")
		}
		sort.SliceStable(cases, func(i, j int) bool { return !deletes(cases[i]) && deletes(cases[j]) })
		for _, c := range cases {
			want := matrix[c.key]
			path, missing := f.path(c)
			if missing != "" {
				t.Errorf("%s: no fixture fills {%s}: add it to matrixFixture.path", c.key, missing)
				continue
			}
			if want.query != "" {
				path += "?" + want.query
				for k, id := range f.ids {
					path = strings.ReplaceAll(path, "{"+k+"}", itoaTest(id))
				}
			}
			status, body := f.send(t, c, path)
			name := fmt.Sprintf("%s as %s on %s (%s)", c.key, c.role, c.scope, path)
			switch {
			case want.status != 0:
				if status != want.status {
					t.Errorf("%s: %d, want %d", name, status, want.status)
				}
			case !roleIn(want.own, c.role):
				if status != http.StatusForbidden {
					t.Errorf("%s: %d, want 403 (the role may not): %s", name, status, truncate(body, 300))
				}
			case c.scope == "other" && !roleIn(want.other, c.role):
				if status != http.StatusNotFound {
					t.Errorf("%s: %d, want 404 (outside the user's scope): %s", name, status, truncate(body, 300))
				}
			default:
				if status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound || status >= 500 {
					t.Errorf("%s: %d, want it allowed: %s", name, status, truncate(body, 300))
				}
			}
			// Whatever the answer, the other customer's file shows only to those who see it.
			if sees := topRoles + " " + want.sees; !roleIn(sees, c.role) {
				for _, secret := range []string{f.otherName, "MX-OTHER"} {
					if strings.Contains(body, secret) {
						t.Errorf("%s: the answer shows %q of a customer outside the user's scope", name, secret)
					}
				}
			}
		}
		t.Logf("%d routes, %d requests", len(routes), len(cases))
	})
}
