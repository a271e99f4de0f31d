package kamhttp

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kam"
	"kam/locale"
	"kam/web"
)

// The borrowing page (借阅): every user asks for files outside their scope and sees their own
// requests and loans; supervisors, directors and admins decide the requests they may decide;
// directors and admins see every loan; admins set the longest loan. Every action is a POST with
// the CSRF token that redirects back with a notice (POST-redirect-GET), and is audited like the
// API's (borrowOp).

func (u *ui) registerBorrow(rt *router) {
	u.handle(rt, "GET /borrowing", need(kam.ActView, kam.ResBorrow), func(rq *uiReq) { u.borrowPage(rq, http.StatusOK, &web.BorrowPage{}) })
	u.handle(rt, "POST /borrowing/requests", need(kam.ActCreate, kam.ResBorrow), u.borrowRequest)
	u.handle(rt, "POST /borrowing/{id}/approve", need(kam.ActApprove, kam.ResBorrow), func(rq *uiReq) { u.borrowAction(rq, "approve") })
	u.handle(rt, "POST /borrowing/{id}/refuse", need(kam.ActApprove, kam.ResBorrow), func(rq *uiReq) { u.borrowAction(rq, "refuse") })
	// Returning is the borrower's: whoever may ask to borrow may return what they borrowed.
	u.handle(rt, "POST /borrowing/{id}/return", need(kam.ActCreate, kam.ResBorrow), func(rq *uiReq) { u.borrowAction(rq, "return") })
	u.handle(rt, "POST /borrowing/settings", need(kam.ActAdminister, kam.ResBorrow), u.borrowSettings)
}

const borrowPer = 50

// borrowPage renders the page; p may carry the form as typed and an error.
func (u *ui) borrowPage(rq *uiReq, status int, p *web.BorrowPage) {
	ctx := rq.r.Context()
	L := rq.L
	p.Base = rq.base(L.T("borrow.title"), "borrow")
	set, err := u.s.Borrow.BorrowSettings(ctx)
	if err != nil {
		rq.fail(err)
		return
	}
	p.MaxDays = set.MaxDays
	if p.Days == "" {
		p.Days = strconv.Itoa(min(kam.DefaultBorrowDays, set.MaxDays))
	}
	rows := func(items []*kam.BorrowRequest) []web.BorrowRow {
		out := make([]web.BorrowRow, 0, len(items))
		for _, b := range items {
			out = append(out, u.borrowRow(rq, b))
		}
		return out
	}
	mine, _, err := u.s.Borrow.FindBorrowRequests(ctx, kam.BorrowFilter{Mine: true, Limit: borrowPer})
	if err != nil {
		rq.fail(err)
		return
	}
	p.Mine = rows(mine)
	decide, _, err := u.s.Borrow.FindBorrowRequests(ctx, kam.BorrowFilter{ToDecide: true, State: kam.BorrowPending, Limit: borrowPer})
	if err != nil {
		rq.fail(err)
		return
	}
	p.ToDecide = rows(decide)
	if kam.CanDecideAnyBorrow(rq.actor) {
		p.ShowAll = true
		q := rq.r.URL.Query()
		state := q.Get("state")
		if !slices.Contains(kam.BorrowStates, state) {
			state = ""
		}
		page := 1
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1_000_000 {
			page = n
		}
		all, total, err := u.s.Borrow.FindBorrowRequests(ctx, kam.BorrowFilter{State: kam.BorrowState(state), Limit: borrowPer, Offset: (page - 1) * borrowPer})
		if err != nil {
			rq.fail(err)
			return
		}
		p.All, p.AllTotal = rows(all), total
		p.AllPager = pager(page, (total+borrowPer-1)/borrowPer, func(n int) string {
			s := "/borrowing?page=" + strconv.Itoa(n)
			if state != "" {
				s += "&state=" + state
			}
			return s
		})
		p.States = []web.Option{{Value: "", Label: L.T("borrow.all_states"), Selected: state == ""}}
		for _, st := range kam.BorrowStates {
			p.States = append(p.States, web.Option{Value: st, Label: L.Enum("borrow_state", st), Selected: st == state})
		}
	}
	if kam.CanEditBorrowSettings(rq.actor) {
		p.CanSettings = true
		if p.SettingsDays == "" {
			p.SettingsDays = strconv.Itoa(set.MaxDays)
		}
	}
	rq.render(status, "borrow", p)
}

// borrowRow fills one line and the actions the viewer may take on it.
func (u *ui) borrowRow(rq *uiReq, b *kam.BorrowRequest) web.BorrowRow {
	L := rq.L
	id := strconv.FormatInt(b.ID, 10)
	r := web.BorrowRow{R: b, StateLabel: L.Enum("borrow_state", string(b.State)), ScopeLabel: borrowScopeLabel(L, b.Scope),
		DaysLabel: L.T("borrow.days_n", b.Days), Requested: L.DateTime(b.RequestedAt), Expires: "—"}
	if b.ExpiresAt != nil {
		r.Expires = L.DateTimeSeconds(*b.ExpiresAt)
	}
	mine := b.BorrowerID == rq.actor.UserID
	switch {
	case mine && b.State == kam.BorrowApproved:
		r.ReturnURL = "/borrowing/" + id + "/return"
		r.CustomerURL = customerURL(b.CustomerID, "")
	case !mine && b.State == kam.BorrowPending:
		// The list of requests to decide holds only those the viewer may decide.
		r.ApproveURL, r.RefuseURL = "/borrowing/"+id+"/approve", "/borrowing/"+id+"/refuse"
	}
	if !mine {
		// A decider sees the file in their own scope (the owner's supervisor, directors, admins).
		r.CustomerURL = customerURL(b.CustomerID, "")
	}
	return r
}

func borrowScopeLabel(L *locale.Printer, scope []kam.BorrowRight) string {
	parts := make([]string, len(scope))
	for i, r := range scope {
		parts[i] = L.Enum("borrow_right", string(r))
	}
	return strings.Join(parts, L.T("punct.list_sep"))
}

// borrowRequest is the request form.
func (u *ui) borrowRequest(rq *uiReq) {
	f := rq.r.PostForm
	p := &web.BorrowPage{Code: strings.TrimSpace(f.Get("code")), Reason: f.Get("reason"), Days: strings.TrimSpace(f.Get("days")),
		Errors: map[string][]string{}}
	in := kam.BorrowInput{Reason: p.Reason, Scope: f["scope"]}
	for _, s := range f["scope"] {
		p.Export = p.Export || s == string(kam.RightExport)
		p.Edit = p.Edit || s == string(kam.RightEdit)
	}
	if p.Days != "" {
		n, err := strconv.Atoi(p.Days)
		if err != nil {
			p.Errors["days"] = []string{rq.L.FieldError("invalid_number", "must be a whole number")}
			u.borrowPage(rq, http.StatusUnprocessableEntity, p)
			return
		}
		in.Days = n
		if n == 0 {
			in.Days = -1 // 0 typed is a bad value, not "the default"
		}
	}
	if p.Code == "" {
		p.Errors["code"] = []string{rq.L.FieldError("required", "is required")}
		u.borrowPage(rq, http.StatusUnprocessableEntity, p)
		return
	}
	ctx := rq.r.Context()
	_, err := u.s.borrowOp(ctx, "request", 0, 0, func() (*kam.BorrowRequest, error) {
		return u.s.Borrow.RequestBorrow(ctx, 0, p.Code, in)
	})
	switch {
	case err == nil:
		rq.redirectFlash("/borrowing", "flash.borrow_requested")
	case isCode(err, kam.EInvalid):
		for _, fe := range kam.FieldErrors(err) {
			p.Errors[fe.Field] = append(p.Errors[fe.Field], rq.L.FieldError(fe.Code, fe.Message))
		}
		u.borrowPage(rq, http.StatusUnprocessableEntity, p)
	case isCode(err, kam.ENotFound):
		p.Errors["code"] = []string{rq.L.T("borrow.err.not_found")}
		u.borrowPage(rq, http.StatusNotFound, p)
	case isCode(err, kam.EConflict), isCode(err, kam.EForbidden):
		p.Error = borrowErrorText(rq.L, "request", err)
		u.borrowPage(rq, statusOf(err), p)
	default:
		rq.fail(err)
	}
}

// borrowErrorText says why an action was refused: the catalog's words, or in English the
// service's own (more specific) message.
func borrowErrorText(L *locale.Printer, op string, err error) string {
	if L.Lang == locale.EN {
		return kam.ErrorMessage(err)
	}
	kind := "decide"
	switch op {
	case "request":
		kind = "request"
	case "return":
		kind = "return"
	}
	switch kam.ErrorCodeOf(err) {
	case kam.ENotFound:
		return L.T("borrow.err.not_found")
	case kam.EConflict:
		if kind == "request" {
			return L.T("borrow.err.request_conflict")
		}
		return L.T("borrow.err." + kind + "_conflict")
	case kam.EForbidden:
		if kind != "request" {
			return L.T("borrow.err." + kind + "_forbidden")
		}
	}
	return L.T("borrow.err.forbidden")
}

var borrowFlash = map[string]string{"approve": "flash.borrow_approved", "refuse": "flash.borrow_refused", "return": "flash.borrow_returned"}

// borrowAction approves, refuses or returns a request.
func (u *ui) borrowAction(rq *uiReq, op string) {
	ctx := rq.r.Context()
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	note := rq.r.PostFormValue("note")
	_, err = u.s.borrowOp(ctx, op, id, 0, func() (*kam.BorrowRequest, error) {
		switch op {
		case "approve":
			return u.s.Borrow.ApproveBorrow(ctx, id, note)
		case "refuse":
			return u.s.Borrow.RefuseBorrow(ctx, id, note)
		}
		return u.s.Borrow.ReturnBorrow(ctx, id)
	})
	switch {
	case err == nil:
		rq.redirectFlash("/borrowing", borrowFlash[op])
	case isCode(err, kam.EInvalid):
		p := &web.BorrowPage{}
		for _, fe := range kam.FieldErrors(err) {
			p.Error = rq.L.Field("borrow", fe.Field) + rq.L.T("punct.colon") + rq.L.FieldError(fe.Code, fe.Message)
		}
		u.borrowPage(rq, http.StatusUnprocessableEntity, p)
	case isCode(err, kam.ENotFound), isCode(err, kam.EConflict), isCode(err, kam.EForbidden):
		u.borrowPage(rq, statusOf(err), &web.BorrowPage{Error: borrowErrorText(rq.L, op, err)})
	default:
		rq.fail(err)
	}
}

// borrowSettings saves the longest loan (admins).
func (u *ui) borrowSettings(rq *uiReq) {
	ctx := rq.r.Context()
	text := strings.TrimSpace(rq.r.PostFormValue("max_days"))
	p := &web.BorrowPage{SettingsDays: text}
	n, err := strconv.Atoi(text)
	if err != nil {
		p.SettingsError = rq.L.FieldError("invalid_number", "must be a whole number")
		u.borrowPage(rq, http.StatusUnprocessableEntity, p)
		return
	}
	set := kam.BorrowSettings{MaxDays: n}
	err = u.s.Borrow.SaveBorrowSettings(ctx, set)
	if err == nil {
		err = u.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditSettings, ObjectType: "settings", Detail: map[string]any{"key": "borrow", "max_days": n}})
	}
	switch {
	case err == nil:
		rq.redirectFlash("/borrowing", "flash.borrow_settings")
	case isCode(err, kam.EInvalid):
		for _, fe := range kam.FieldErrors(err) {
			p.SettingsError = rq.L.FieldError(fe.Code, fe.Message)
		}
		u.borrowPage(rq, http.StatusUnprocessableEntity, p)
	default:
		rq.fail(err)
	}
}

// borrowedCard marks a card seen through a borrowing grant: a notice of its expiry and rights,
// and no edit or delete buttons the grant does not allow.
func (u *ui) borrowedCard(rq *uiReq, p *web.CardPage, id int64) error {
	if u.s.Borrow == nil {
		return nil
	}
	access, err := u.s.Borrow.FileAccess(rq.r.Context(), id)
	if err != nil || access.Grant == nil {
		return err
	}
	g := access.Grant
	p.CanEdit = p.CanEdit && access.Edit
	p.DeleteURL = ""
	p.Borrowed = rq.L.T("borrow.card_banner", g.ID, rq.L.DateTimeSeconds(*g.ExpiresAt), borrowScopeLabel(rq.L, g.Scope))
	return nil
}
